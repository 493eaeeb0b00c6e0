"""The county overview, precomputed (DESIGN.md §8: fast at 10⁶ households).

A **Snapshot** is one computation of the overview for a campaign: when, by whom, how long it
took, and the calendar it used (``meta``). Its numbers are **Metric** rows — one integer per
(township, village or none, key, week or none) — filled by set-based aggregates grouped by
township and village (``anju.overview.compute``). The pages read the latest finished
snapshot only, so they cost the same at 10⁴ and at 10⁶ households. Zero values are not
stored: a missing row reads as 0.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.scoping import TownshipScoped


class SnapshotQuerySet(models.QuerySet):
    def done(self):
        return self.filter(status=Snapshot.Status.DONE)

    def latest_done(self, campaign):
        if campaign is None:
            return None
        return self.done().filter(campaign=campaign).order_by("-started_at", "-id").first()


class Snapshot(AuditedModel):
    class Status(models.TextChoices):
        RUNNING = "running", _("统计中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    as_of = models.DateField(_("统计基准日"), help_text=_("逾期按此日判断"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("指标行数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by_label = models.CharField(_("发起方式"), max_length=60, blank=True)
    # The calendar and context the numbers were computed with: weeks (number, span, due),
    # samples (number, status), the campaign's name — so the page needs no other query.
    meta = models.JSONField(_("统计说明"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    objects = SnapshotQuerySet.as_manager()
    audit_exclude = ("meta",)

    class Meta:
        verbose_name = _("概览统计")
        verbose_name_plural = _("概览统计")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status"], name="overview_snapshot_campaign")]

    def __str__(self) -> str:
        return f"概览统计 {self.started_at:%Y-%m-%d %H:%M}（{self.get_status_display()}）"


class MetricQuerySet(TownshipScoped):
    """City roles read every township's rows, township roles their own (and their villages')."""


class Metric(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="metrics")
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "units.Unit",
        verbose_name=_("行政村"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("空：全乡镇的数"),
    )
    key = models.CharField(_("指标"), max_length=24)
    week = models.PositiveSmallIntegerField(_("周次"), null=True, blank=True)
    value = models.BigIntegerField(_("数值"))

    objects = MetricQuerySet.as_manager()

    class Meta:
        verbose_name = _("概览指标")
        verbose_name_plural = _("概览指标")
        indexes = [
            models.Index(fields=["snapshot", "township", "village"], name="overview_metric_unit")
        ]

    def __str__(self) -> str:
        week = f" 第{self.week}周" if self.week else ""
        return f"{self.key}{week} = {self.value}"
