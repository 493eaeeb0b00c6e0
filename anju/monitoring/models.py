"""动态监测: the department lists the bureau receives every month (SOURCES.md), kept as
dated versions and reconciled with the registry (issue #18).

A **ListVersion** is one import of one department's list (防返贫监测 export, 民政 list): who,
when, which file (SHA-256), what it held. A written version holds its **ListedHousehold**
rows, each with its **ListedPerson** rows; the current version of a source is its latest
written one (``ListVersion.objects.current(source)``). Personal data is stored as in the
registry (docs/adr/0004): encrypted, a keyed hash to match by, a mask to show.

Listed rows are written in bulk by the importer inside one transaction and never edited:
the import is audited as one ``import`` event per version (who, file hash, counts), the way
the registry import records its bulk writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import crypto
from anju.core.scoping import ScopedQuerySet
from anju.registry.choices import MonitoringType, groups_to_labels


class Source(models.TextChoices):
    FPJC = "fpjc", _("防返贫监测")
    MINZHENG = "minzheng", _("民政")


class ListVersionQuerySet(models.QuerySet):
    def written(self):
        return self.filter(status=ListVersion.Status.DONE)

    def current(self, source: str) -> ListVersion | None:
        """The latest written version of ``source`` (None before the first import)."""
        return self.written().filter(source=source).order_by("-id").first()

    def current_ids(self) -> list[int]:
        """The current version of every source that has one."""
        return [v.pk for v in (self.current(s) for s in Source.values) if v is not None]


class ListVersion(models.Model):
    """One import of a department list: the version of that source as received."""

    class Status(models.TextChoices):
        RUNNING = "running", _("导入中")
        CHECKED = "checked", _("已检查（未写入）")
        DONE = "done", _("已导入")
        BLOCKED = "blocked", _("有错误，未写入")
        FAILED = "failed", _("失败")

    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    filename = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(_("文件哈希"), max_length=64)
    dry_run = models.BooleanField(_("仅检查"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    data_date = models.DateField(_("数据日期"), null=True, blank=True)
    persons = models.PositiveIntegerField(_("人数"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("提示数"), default=0)
    problems = models.JSONField(_("问题清单"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # the page's import (uploads.py): how far the run is, the uploaded file kept under a
    # random name in the data folder's tmp/imports/ until it is written (or ``cleanup``),
    # and the process running it (core.liveness), so a run whose process died is found
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    upload = models.CharField(_("暂存文件"), max_length=100, blank=True, editable=False)
    runner = models.CharField(_("执行进程"), max_length=120, blank=True, editable=False)

    objects = ListVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单版本")
        verbose_name_plural = _("名单版本")
        ordering = ["-id"]
        indexes = [models.Index(fields=["source", "status", "id"], name="list_version_source")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}名单 {self.filename}（{self.created_at:%Y-%m-%d}）"

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.RUNNING

    @property
    def is_stalled(self) -> bool:
        """Running for over an hour: the worker stopped (nothing was written)."""
        import datetime as dt

        return not self.is_finished and timezone.now() - self.created_at > dt.timedelta(hours=1)

    @property
    def received_on(self):
        """The day the list speaks for: its 数据日期 when it states one, else the import day."""
        return self.data_date or timezone.localdate(self.created_at)

    def previous(self) -> ListVersion | None:
        """The written version of the same source before this one."""
        return (
            ListVersion.objects.written()
            .filter(source=self.source, id__lt=self.pk)
            .order_by("-id")
            .first()
        )


class ListedHouseholdQuerySet(ScopedQuerySet):
    scope_township = "township"
    scope_village = "village"

    def current(self):
        """The households of the current version of every source."""
        return self.filter(version_id__in=ListVersion.objects.current_ids())


class ListedHousehold(models.Model):
    """A household as one version of a department list has it (the head's identity, the
    groups and monitoring facts the list states)."""

    version = models.ForeignKey(
        ListVersion, on_delete=models.CASCADE, related_name="listed", verbose_name=_("名单版本")
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    row = models.PositiveIntegerField(_("行号"))  # the head's row in the file
    household_code = models.CharField(_("户编号"), max_length=40, blank=True)
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    # the village when the list's name matches one of the township's villages
    village = models.ForeignKey(
        "units.Unit",
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    village_name = models.CharField(_("村（名单所写）"), max_length=60, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=20)
    id_number_enc = models.BinaryField(_("户主证件号码（加密）"), editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("户主证件号码"), max_length=18, editable=False)
    id_number_valid = models.BooleanField(_("证件号码校验通过"), default=True, editable=False)
    phone_enc = models.BinaryField(_("联系电话（加密）"), null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    size = models.PositiveSmallIntegerField(_("人数"), null=True, blank=True)
    household_type = models.CharField(_("户类型"), max_length=20, blank=True)
    groups = models.PositiveSmallIntegerField(_("对象类别"), default=0)
    monitoring_type = models.CharField(
        _("监测对象类别"), max_length=10, choices=MonitoringType.choices, blank=True
    )
    risks = models.CharField(_("致贫/返贫风险"), max_length=100, blank=True)
    housing_risk = models.BooleanField(_("风险含因安全住房"), default=False)
    risk_eliminated = models.BooleanField(_("风险是否已消除"), null=True, blank=True)
    identified_on = models.DateField(_("识别监测时间"), null=True, blank=True)
    eliminated_on = models.DateField(_("消除监测时间"), null=True, blank=True)
    dangerous_house = models.BooleanField(_("是否危房户"), null=True, blank=True)
    housing_guarantee = models.CharField(_("住房安全保障"), max_length=40, blank=True)
    dibao = models.CharField(_("享受低保政策情况"), max_length=20, blank=True)
    tekun = models.CharField(_("享受特困供养政策情况"), max_length=20, blank=True)
    assistance = models.CharField(_("救助类别"), max_length=60, blank=True)
    # the first day the household was on this source's list without a gap: the previous
    # version's value when it was there, else this version's ``received_on``
    first_listed_on = models.DateField(_("首次列入名单"), null=True, blank=True)
    # the facts whose change from one version to the next is shown (groups, monitoring type,
    # risk state, 是否危房户), as one comparable text
    change_key = models.CharField(max_length=40, blank=True, editable=False)

    objects = ListedHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单农户")
        verbose_name_plural = _("名单农户")
        ordering = ["version_id", "township_id", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "id_number_hash"], name="listed_one_per_version_id"
            ),
        ]
        indexes = [
            models.Index(fields=["id_number_hash", "version"], name="listed_id_hash"),
            models.Index(fields=["version", "township", "village"], name="listed_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.id_number_masked}）"

    def set_id_number(self, value: str, *, valid: bool = True) -> None:
        """``value`` already normalised by the reader (18 characters, upper-case X)."""
        self.id_number_enc = crypto.encrypt(value)
        self.id_number_hash = crypto.blind_index(value)
        self.id_number_masked = crypto.mask_id_number(value)
        self.id_number_valid = valid

    @property
    def id_number(self) -> str:
        """The full ID number. Only for users allowed to unmask, who must be audited."""
        return crypto.decrypt(self.id_number_enc)

    def set_phone(self, value: str) -> None:
        self.phone_enc = crypto.encrypt(value)
        self.phone_masked = crypto.mask_phone(value)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def group_labels(self) -> list[str]:
        return groups_to_labels(self.groups)

    def make_change_key(self) -> str:
        def flag(value):
            return "" if value is None else "1" if value else "0"

        return (
            f"{self.groups}|{self.monitoring_type}|{flag(self.risk_eliminated)}|"
            f"{flag(self.dangerous_house)}"
        )

    @property
    def kinds(self) -> list[str]:
        """监测对象类别 and the key groups, each named once."""
        return list(dict.fromkeys(x for x in (self.monitoring_type, *self.group_labels) if x))

    @property
    def risk_label(self) -> str:
        if self.risk_eliminated is None:
            return "未填"
        return "风险已消除" if self.risk_eliminated else "风险未消除"


class ListedPerson(models.Model):
    """One person row of a listed household (the head included)."""

    household = models.ForeignKey(
        ListedHousehold, on_delete=models.CASCADE, related_name="persons", verbose_name=_("户")
    )
    row = models.PositiveIntegerField(_("行号"))
    person_code = models.CharField(_("人编号"), max_length=40, blank=True)
    name = models.CharField(_("姓名"), max_length=20)
    id_number_enc = models.BinaryField(_("证件号码（加密）"), editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("证件号码"), max_length=18, editable=False)
    relation = models.CharField(_("与户主关系"), max_length=20, blank=True)
    is_head = models.BooleanField(_("户主"), default=False)

    class Meta:
        verbose_name = _("名单人员")
        verbose_name_plural = _("名单人员")
        ordering = ["household_id", "-is_head", "row"]
        indexes = [models.Index(fields=["id_number_hash"], name="listed_person_id_hash")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"
