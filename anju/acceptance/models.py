"""总结验收: each township's final submission (DESIGN.md §3 Reporting, final acceptance;
禹建〔2022〕39号 三（三）: 整改台账及整改报告，加盖单位公章并经主要负责同志签字后，报市住建局).

- ``FinalSubmission``: per (campaign, township) one live at a time; returned ones stay as
  history. The officer writes the narrative and the system generates the 整改报告 (.docx)
  and the final 整改台账 (.xlsx) from the data (待签字); the township head signs in the
  system — server time, the SHA-256 of both files and the ledger's content hash, sealed
  together (已签字待上传); the officer uploads the sealed scan (待审核); the city reviewer
  accepts (已通过) or returns it with a reason (已退回), after which the township prepares a
  new one. When the ledger changes after acceptance the city reopens the accepted one with
  a reason (已重新打开): it stays as history with its signature and frozen hashes, and the
  township prepares, signs and uploads a new one. ``verify_signature`` recomputes the
  hashes from the stored files.
- ``SealedScan``: one upload of the sealed, signed scan (a PDF or a JPG/PNG picture of a
  page, checked by content, size and pages); the latest counts, earlier ones stay.
"""

from __future__ import annotations

import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.files import DocumentFile
from anju.core.scoping import TownshipScoped


class Status(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("待签字")
    SIGNED = "signed", _("已签字待上传")
    AWAITING_REVIEW = "awaiting_review", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")
    REOPENED = "reopened", _("已重新打开")


# The city's list also shows townships without any submission.
NOT_SUBMITTED = ("none", "未提交")
SIGNED_STATES = (Status.SIGNED, Status.AWAITING_REVIEW, Status.ACCEPTED)
# Replaced by the next one the township prepares: history, never live.
CLOSED_STATES = (Status.RETURNED, Status.REOPENED)


class FinalSubmissionQuerySet(TownshipScoped):
    def live(self) -> Self:
        """The submission that counts (a returned or reopened one is replaced by the next)."""
        return self.exclude(status__in=CLOSED_STATES)

    def closed(self) -> Self:
        return self.filter(status__in=CLOSED_STATES)

    def signed(self) -> Self:
        return self.filter(signed_at__isnull=False)


def _document_path(instance, filename: str) -> str:
    return f"final-reports/{instance.township_id}/{uuid.uuid4().hex}{filename[-5:]}"


def scan_path(instance, filename: str) -> str:
    return f"final-scans/{instance.township_id}/{uuid.uuid4().hex}{instance.extension}"


class FinalSubmission(AuditedModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.AWAITING_SIGNATURE
    )
    # The officer's text (edited on the page before signing).
    situation = models.TextField(_("工作开展情况"), blank=True)
    measures = models.TextField(_("下一步措施"), blank=True)
    cases = models.TextField(_("典型案例"), blank=True, help_text=_("每段一个案例。"))
    mechanism = models.TextField(_("长效机制建设情况"), blank=True)
    document_number = models.CharField(
        _("发文字号"), max_length=40, blank=True, help_text=_("乡镇报告的发文字号，可留空手写。")
    )
    # What the documents were generated from: the ledger (``ledger_snapshot``) and figures.
    snapshot = models.JSONField(_("台账快照"), default=list)
    figures = models.JSONField(_("报告数据"), default=dict)
    entry_count = models.PositiveIntegerField(_("台账条目数"), default=0)
    ledger_hash = models.CharField(_("台账内容哈希"), max_length=64)
    docx = models.FileField(_("整改报告"), upload_to=_document_path, max_length=200)
    docx_sha256 = models.CharField(_("整改报告 SHA-256"), max_length=64)
    xlsx = models.FileField(_("整改台账"), upload_to=_document_path, max_length=200)
    xlsx_sha256 = models.CharField(_("整改台账 SHA-256"), max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prepared_by_name = models.CharField(_("经办人姓名"), max_length=60)
    prepared_at = models.DateTimeField(_("生成时间"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_by_name = models.CharField(_("签字人姓名"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    seal = models.CharField(
        _("签字摘要"),
        max_length=64,
        blank=True,
        help_text=_("签字时对两份文件哈希、台账哈希、签字人和时间的 SHA-256。"),
    )
    changed_noticed_at = models.DateTimeField(_("发现签字后台账变更的时间"), null=True, blank=True)
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
    # After acceptance: the city reopens it (the ledger changed after signing).
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重新打开人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_by_name = models.CharField(_("重新打开人姓名"), max_length=60, blank=True)
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("重新打开理由"), blank=True)
    resubmission_of = models.ForeignKey(
        "self",
        verbose_name=_("退回后重新提交的是"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resubmissions",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FinalSubmissionQuerySet.as_manager()
    audit_exclude = ("updated_at", "snapshot", "figures")
    # Preparing again, signing and reviewing are done on the materials as shown
    # (anju/core/versions.py; the snapshot and files go with their hashes).
    version_fields = (
        "status",
        "situation",
        "measures",
        "cases",
        "mechanism",
        "document_number",
        "entry_count",
        "ledger_hash",
        "docx_sha256",
        "xlsx_sha256",
        "prepared_at",
        "signed_by",
        "signed_at",
        "seal",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
        "reopened_at",
        "reopen_reason",
    )

    class Meta:
        verbose_name = _("总结验收材料")
        verbose_name_plural = _("总结验收材料")
        ordering = ["campaign", "township__code", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "township"],
                condition=~Q(status__in=["returned", "reopened"]),
                name="final_one_live_per_township",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="final_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="awaiting_signature")
                | Q(signed_at__isnull=False, seal__gt="")
                | Q(status="returned"),
                name="final_signed_is_sealed",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="final_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened")
                | (~Q(reopen_reason="") & Q(reopened_at__isnull=False, reviewed_at__isnull=False)),
                name="final_reopened_was_accepted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township.name}总结验收材料"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def cases_list(self) -> list[str]:
        return [c.strip() for c in (self.cases or "").splitlines() if c.strip()]


class SealedScan(DocumentFile):
    """The sealed, signed scan (盖章扫描件) of a final submission."""

    submission = models.ForeignKey(
        FinalSubmission,
        verbose_name=_("总结验收材料"),
        on_delete=models.PROTECT,
        related_name="scans",
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    storage_path = scan_path

    objects = TownshipScoped.as_manager()

    class Meta:
        verbose_name = _("盖章扫描件")
        verbose_name_plural = _("盖章扫描件")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
