"""Screening runs and their findings (DESIGN.md §3 Screening).

A **Run** evaluates every enabled rule over a scope (the county, a township, a village, or a
few households after an edit) as of a reference date. Its hits are staged in **Hit** rows
and synchronised set-wise into **Finding** rows keyed by (rule, household): new ones are
opened, changed ones updated, vanished ones closed (已消除) and closed ones that fire again
reopened. Every change to a finding appends a **FindingEvent** (its history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AppendOnlyError, AuditedModel
from anju.core.scoping import ScopedQuerySet
from anju.screening.choices import Aspect, Severity


class Run(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("全县")
        TOWNSHIP = "township", _("乡镇")
        VILLAGE = "village", _("村")
        HOUSEHOLDS = "households", _("农户（修改后复查）")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("筛查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("范围"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    household_ids = models.JSONField(_("农户"), default=list, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("工作"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("筛查基准日"))
    rules = models.JSONField(_("规则与参数"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    households = models.PositiveIntegerField(_("筛查户数"), default=0)
    hits = models.PositiveIntegerField(_("发现问题"), default=0)
    opened = models.PositiveIntegerField(_("新增"), default=0)
    changed = models.PositiveIntegerField(_("更新"), default=0)
    reopened = models.PositiveIntegerField(_("重新出现"), default=0)
    resolved = models.PositiveIntegerField(_("已消除"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("筛查运行")
        verbose_name_plural = _("筛查运行")
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "status"], name="screening_run_kind")]

    def __str__(self) -> str:
        return f"{self.scope_label} · 基准日 {self.as_of}"

    @property
    def scope_label(self) -> str:
        if self.kind == self.Kind.HOUSEHOLDS:
            return f"{len(self.household_ids)} 户修改后复查"
        return str(self.unit) if self.unit_id else str(self.get_kind_display())

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Status(models.TextChoices):
    OPEN = "open", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")
    RESOLVED = "resolved", _("已消除")


# Findings whose rule still fires (the officer's decision does not change that).
FIRING = (Status.OPEN, Status.CONFIRMED, Status.DISMISSED)


class FindingQuerySet(ScopedQuerySet):
    scope_township = "township"
    scope_village = "village"

    def firing(self):
        return self.filter(status__in=FIRING)


class Finding(AuditedModel):
    rule_code = models.CharField(_("规则"), max_length=8)
    aspect = models.CharField(_("方面"), max_length=1, choices=Aspect.choices)
    severity = models.CharField(_("性质"), max_length=1, choices=Severity.choices)
    # A finding is on a registry household, except M-01 (应纳未纳): a household of a
    # department list that the registry does not hold is on the list record, keyed by the
    # head's ID hash (``listed_hash``), in the list's township and (when matched) village.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    listed = models.ForeignKey(
        "monitoring.ListedHousehold",
        verbose_name=_("名单记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    listed_hash = models.CharField(max_length=64, blank=True, db_default="", editable=False)
    township = models.ForeignKey(
        "units.Unit",
        verbose_name=_("乡镇"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    village = models.ForeignKey(
        "units.Unit",
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    message = models.TextField(_("问题表述"))
    facts = models.JSONField(_("所用数据"), default=dict, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("工作"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    first_run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    last_run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    resolved_run = models.ForeignKey(
        Run,
        verbose_name=_("消除于"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    opened_at = models.DateTimeField(_("发现时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    # the township officer's decision
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("排除理由"), blank=True)
    # the city reviewer's check of a dismissal
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)

    objects = FindingQuerySet.as_manager()
    audit_exclude = ("updated_at",)
    # A decision is taken on what the user saw: the status and the decisions so far (a
    # re-screen that refreshes the message or facts is not a conflict; anju/core/versions.py).
    version_fields = (
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    )

    class Meta:
        verbose_name = _("筛查问题")
        verbose_name_plural = _("筛查问题")
        ordering = ["township_id", "village_id", "household_id", "rule_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "household"], name="finding_one_per_rule_household"
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(reason=""),
                name="finding_dismissal_has_reason",
            ),
            models.UniqueConstraint(
                fields=["rule_code", "listed_hash"],
                condition=Q(household__isnull=True),
                name="finding_one_per_rule_listed",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False, village__isnull=False)
                | (Q(household__isnull=True) & ~Q(listed_hash="")),
                name="finding_has_a_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "aspect"], name="finding_township"),
            models.Index(fields=["village", "status"], name="finding_village"),
            models.Index(fields=["household", "status"], name="finding_household"),
            models.Index(fields=["status", "rule_code"], name="finding_status_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.message[:60]}"

    @property
    def rule(self):
        from anju.screening import rules

        return rules.get(self.rule_code) if rules.exists(self.rule_code) else None

    @property
    def is_firing(self) -> bool:
        return self.status in FIRING

    @property
    def on_list(self) -> bool:
        """应纳未纳: on a department list's record, not on a registry household."""
        return self.household_id is None

    @property
    def subject_name(self) -> str:
        if self.household is not None:  # None without a query when household_id is
            return self.household.head_name
        return self.listed.head_name if self.listed is not None else ""

    @property
    def subject_masked(self) -> str:
        if self.household is not None:
            return self.household.id_number_masked
        return self.listed.id_number_masked if self.listed is not None else ""


class FindingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("问题历史只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("问题历史只能追加，不能删除。")


class FindingEvent(models.Model):
    """One line of a finding's history (append-only)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("发现")
        CHANGED = "changed", _("数据变化")
        RESOLVED = "resolved", _("已消除")
        REOPENED = "reopened", _("重新出现")
        CONFIRMED = "confirmed", _("确认")
        DISMISSED = "dismissed", _("排除")
        OVERTURNED = "overturned", _("推翻排除")
        UPHELD = "upheld", _("认可排除")
        CARRIED = "carried", _("转入下一轮")

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("事件"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    run = models.ForeignKey(
        Run,
        verbose_name=_("筛查"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    message = models.TextField(_("问题表述"), blank=True)
    reason = models.TextField(_("理由"), blank=True)

    objects = FindingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题历史")
        verbose_name_plural = _("问题历史")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["finding", "kind"], name="finding_event_finding")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("问题历史只能追加，不能修改。")
        super().save(*args, **kwargs)


class Hit(models.Model):
    """A rule firing on a household in one run: staging for the set-based sync, deleted
    when the run's chunk has been synchronised."""

    run_id = models.BigIntegerField()
    rule_code = models.CharField(max_length=8)
    household_id = models.BigIntegerField()
    township_id = models.BigIntegerField()
    village_id = models.BigIntegerField()
    aspect = models.CharField(max_length=1)
    severity = models.CharField(max_length=1)
    message = models.TextField()
    facts = models.JSONField(default=dict)

    class Meta:
        indexes = [
            # household before rule: the sync's correlated lookups always name the household
            # and PostgreSQL may apply the rule as a filter (a rule-first key then scanned
            # every hit of the run for each finding).
            models.Index(fields=["run_id", "household_id", "rule_code"], name="screening_hit_key2")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.rule_code}:{self.household_id}"
