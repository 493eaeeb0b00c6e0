"""The catalogue's enumerations (kept apart from the rules so models can import them)."""

from django.db import models


class Aspect(models.TextChoices):
    SAFETY = "1", "住房安全性认定"
    MONITORING = "2", "动态监测"
    METHOD = "3", "改造方式"
    SUBSIDY = "4", "面积、补助、自筹"
    QUALITY = "5", "改造质量"
    RECONCILE = "M", "动态监测比对"
    DATA = "D", "数据质量"


class Severity(models.TextChoices):
    ERROR = "E", "错误"
    WARNING = "W", "提示"
