"""The register of public lists (公示): what was posted, where, for how long (SECURITY.md row 17).

A 公示 carries only whitelisted columns — never an ID number, phone, bank account, exact
address or GPS — and each one is registered with its period and take-down date.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet

WHITELIST = (
    "序号",
    "乡镇",
    "行政村",
    "户主姓名",
    "鉴定等级",
    "改造方式",
    "补助金额（元）",
    "改造状态",
    "验收日期",
)


class PublicationQuerySet(ScopedQuerySet):
    scope_township = "township"
    scope_village = "village"


class Publication(models.Model):
    title = models.CharField(_("公示标题"), max_length=120)
    township = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("行政村"),
    )
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    takedown_on = models.DateField(_("撤下日期"))
    rows = models.PositiveIntegerField(_("户数"))
    columns = models.JSONField(_("列"), default=list)
    sha256 = models.CharField(_("文件哈希"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示登记")
        verbose_name_plural = _("公示登记")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="publication_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(takedown_on__gte=F("ends_on")), name="publication_takedown_after_end"
            ),
        ]

    def __str__(self) -> str:
        return self.title
