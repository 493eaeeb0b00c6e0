"""Weekly reporting (DESIGN.md §3 Reporting; 禹建〔2022〕39号 三、方法步骤).

- ``Schedule``: a campaign's three phases — 动员部署, 排查整改, 总结验收, each with its end
  date and the round's document's wording of that deadline (the seed: 5 月底前, 6 月中旬前,
  6 月 25 日前) — and its weekly deadline (weekday and time). The weeks are derived
  from it (``anju.reporting.weeks``): week 1 starts with 排查整改.
- ``WorkPlan``: a township's 工作方案 for the 动员部署 phase (PDF/DOC/DOCX, checked by content).
- ``WeeklySubmission``: one township's ledger for one week, frozen. The officer prepares it
  (待审批), the township head approves it — approval sends it (已报送) with the server time and a
  content hash chained to the township's previous submission — and the city accepts (已通过) or
  returns it (已退回, with a reason and a new due time), after which the township sends a new
  one for the same week. Before sending, the head may send it back to the officer (已退回经办人,
  with a reason); the officer regenerates it, which puts it before the head again. Rows are never rewritten after sending; ``verify_reports`` recomputes
  the chain.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.files import DocumentFile
from anju.core.scoping import TownshipScoped


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


DEFAULT_WEEKDAY = Weekday.FRIDAY
DEFAULT_TIME = dt.time(17, 0)


class Schedule(AuditedModel):
    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.CASCADE,
        related_name="reporting_schedule",
    )
    mobilise_ends_on = models.DateField(
        _("动员部署阶段截止日期"), help_text=_("各乡镇在此前上传工作方案。")
    )
    rectify_ends_on = models.DateField(
        _("排查整改阶段截止日期"),
        help_text=_("此阶段实行周报告制度，之后不再接收周报。"),
    )
    accept_ends_on = models.DateField(_("总结验收阶段截止日期"))
    mobilise_required = models.CharField(
        _("动员部署阶段方案要求"),
        max_length=60,
        blank=True,
        help_text=_("本轮方案对该阶段时限的原文，如“5月底前”；留空则只显示日期。"),
    )
    rectify_required = models.CharField(_("排查整改阶段方案要求"), max_length=60, blank=True)
    accept_required = models.CharField(_("总结验收阶段方案要求"), max_length=60, blank=True)
    report_weekday = models.PositiveSmallIntegerField(
        _("每周报送日"), choices=Weekday.choices, default=DEFAULT_WEEKDAY
    )
    report_time = models.TimeField(
        _("报送截止时刻"), default=DEFAULT_TIME, help_text=_("北京时间，精确到分钟，如 17:00。")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报送安排")
        verbose_name_plural = _("报送安排")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectify_ends_on__gt=models.F("mobilise_ends_on"))
                & Q(accept_ends_on__gt=models.F("rectify_ends_on")),
                name="schedule_phases_ordered",
            ),
            models.CheckConstraint(
                condition=Q(report_weekday__gte=0, report_weekday__lte=6),
                name="schedule_weekday_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name} 报送安排"


def work_plan_path(instance, filename: str) -> str:
    import uuid

    return f"work-plans/{instance.township_id}/{uuid.uuid4().hex}{instance.extension}"


class WorkPlan(DocumentFile):
    """One upload of a township's 工作方案; the latest one counts, earlier ones stay."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    storage_path = work_plan_path

    objects = TownshipScoped.as_manager()

    class Meta:
        verbose_name = _("乡镇工作方案")
        verbose_name_plural = _("乡镇工作方案")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class Status(models.TextChoices):
    AWAITING = "awaiting", _("待审批")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")
    SENT_BACK = "sent_back", _("已退回经办人")


# Not sent: the head has it (待审批) or sent it back to the officer (已退回经办人).
UNSENT = (Status.AWAITING, Status.SENT_BACK)
SENT = (Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED)


class SubmissionQuerySet(TownshipScoped):
    def sent(self) -> Self:
        """Rows that were sent (they carry a server time and a place in the chain)."""
        return self.filter(submitted_at__isnull=False)

    def live(self) -> Self:
        """Rows that count for their week (a returned one is replaced by the resubmission)."""
        return self.exclude(status=Status.RETURNED)


class WeeklySubmission(AuditedModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    week = models.PositiveSmallIntegerField(_("周次"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.AWAITING
    )
    due_at = models.DateTimeField(
        _("报送截止时间"),
        help_text=_("本周的截止时间；退回后重新报送的，为市住建局给定的新截止时间。"),
    )
    # The frozen report: {"township", "week", "prepared_at", "entries": ledger_snapshot(...),
    # "extras": {...}} — and, once sent, "submitted_at", "approved_by", "seq", "due_at".
    snapshot = models.JSONField(_("台账快照"), default=dict)
    entry_count = models.PositiveIntegerField(_("台账条目数"), default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prepared_by_name = models.CharField(_("经办人姓名"), max_length=60)
    prepared_at = models.DateTimeField(_("提交审批时间"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by_name = models.CharField(_("审批人姓名"), max_length=60, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    seq = models.PositiveIntegerField(_("报送序次"), null=True, blank=True)
    prev_hash = models.CharField(_("前一份报送的哈希"), max_length=64, blank=True)
    content_hash = models.CharField(_("内容哈希"), max_length=64, blank=True)
    compared_with = models.ForeignKey(
        "self",
        verbose_name=_("对比的上一份报送"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    differences = models.JSONField(_("与上一份报送相比的变化"), null=True, blank=True)
    resubmission_of = models.ForeignKey(
        "self",
        verbose_name=_("重新报送的是"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resubmissions",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by_name = models.CharField(_("审核人姓名"), max_length=60, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    new_due_at = models.DateTimeField(_("重新报送截止时间"), null=True, blank=True)
    # The head's last sending back to the officer (the audit trail keeps every one).
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回经办人的审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_back_by_name = models.CharField(_("退回经办人的审批人姓名"), max_length=60, blank=True)
    sent_back_at = models.DateTimeField(_("退回经办人时间"), null=True, blank=True)
    sent_back_reason = models.TextField(_("退回经办人理由"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()
    # The snapshot is hashed and kept whole; the audit trail records its hash, not a copy.
    audit_exclude = ("updated_at", "snapshot", "differences")
    # Approving, accepting or returning is done on the report as shown: its state and the
    # moment it was (re)generated (anju/core/versions.py; the snapshot goes with prepared_at).
    version_fields = (
        "status",
        "due_at",
        "entry_count",
        "prepared_at",
        "approved_by",
        "submitted_at",
        "content_hash",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
        "sent_back_at",
    )

    class Meta:
        verbose_name = _("周报")
        verbose_name_plural = _("周报")
        ordering = ["campaign", "township__code", "week", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "township", "week"],
                condition=~Q(status="returned"),
                name="weekly_one_live_per_week",
            ),
            models.UniqueConstraint(
                fields=["campaign", "township", "seq"], name="weekly_chain_position"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["awaiting", "submitted", "accepted", "returned", "sent_back"]
                ),
                name="weekly_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["awaiting", "sent_back"])
                | Q(submitted_at__isnull=False, seq__isnull=False),
                name="weekly_sent_has_time_and_place",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent_back") | ~Q(sent_back_reason=""),
                name="weekly_sent_back_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="weekly_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "week"], name="weekly_campaign_week")]

    def __str__(self) -> str:
        return f"{self.township.name}第{self.week}周周报"

    @property
    def entries(self) -> list[dict]:
        return list((self.snapshot or {}).get("entries") or [])

    @property
    def extras(self) -> dict:
        return dict((self.snapshot or {}).get("extras") or {})

    @property
    def is_sent(self) -> bool:
        return self.submitted_at is not None

    @property
    def on_time(self) -> bool | None:
        """Sent at or before the due time (both in whole seconds); None when not sent."""
        if self.submitted_at is None:
            return None
        return self.submitted_at <= self.due_at

    @property
    def tone(self) -> str:
        """The colour of the report's state on the pages (same names as the grid's)."""
        if self.status == Status.SENT_BACK:
            return Status.RETURNED
        if self.status in (Status.AWAITING, Status.RETURNED):
            return self.status
        return "on_time" if self.on_time else "late"
