"""Notices (通报, DESIGN.md §3 Notices; 禹建〔2022〕39号 四、有关要求（三）: “对落实不及时、排查
不全面、整改不真实的进行通报批评”).

A **Notice** is drafted by the city reviewer from the system's proposals, edited, previewed
and issued: issuing renders the .docx (GB/T 9704, ``anju.documents.reports.notice``), stores
it with its SHA-256, who issued it and when, and freezes the evidence the proposals had at
that moment. An issued notice never changes. Each township named in it is a
**NoticeUnit** (praise or criticism, the facts as printed, the evidence behind them); a
township sees the issued notices that name it, and nothing else.

No personal data: facts name townships, villages, weeks, counts and ledger 序号 — never a
household, an ID number, a phone or a bank account (the document builder refuses those).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.scoping import TownshipScoped


class Kind(models.TextChoices):
    PRAISE = "praise", _("通报表扬")
    CRITICISM = "criticism", _("通报批评")


class NoticeQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=Notice.Status.ISSUED)

    def drafts(self):
        return self.filter(status=Notice.Status.DRAFT)

    def for_user(self, user):
        """The city reviewer: every notice of the county; the city administrator: issued
        ones; a township's people: issued notices that name their township."""
        from anju.accounts.roles import TOWNSHIP, Role

        if not getattr(user, "is_authenticated", False) or not user.unit_id:
            return self.none()
        if user.role == Role.CITY_REVIEWER:
            return self.filter(campaign__county_id=user.unit_id)
        if user.role == Role.CITY_ADMIN:
            return self.issued().filter(campaign__county_id=user.unit_id)
        if user.role in TOWNSHIP:
            return self.issued().filter(units__township_id=user.unit_id).distinct()
        return self.none()


class Notice(AuditedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已印发")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("标题"), max_length=120)
    document_number = models.CharField(
        _("发文字号"),
        max_length=40,
        blank=True,
        help_text=_("本县的发文字号，如“某建〔年份〕45号”。印发前须填写。"),
    )
    issuer = models.CharField(_("发文机关"), max_length=60)
    recipients = models.CharField(_("主送机关"), max_length=120)
    copies_to = models.CharField(
        _("抄送机关"),
        max_length=200,
        blank=True,
        help_text=_("印在版记中，多个机关用顿号或逗号分开；可不填。"),
    )
    introduction = models.TextField(_("导语"))
    requirements = models.TextField(
        _("有关要求"), blank=True, help_text=_("每行一条，印发时自动编为（一）（二）……")
    )
    day = models.DateField(_("成文日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by_name = models.CharField(_("印发人姓名"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    document = models.BinaryField(_("通报文件（.docx）"), null=True, blank=True, editable=False)
    document_sha256 = models.CharField(_("文件哈希（SHA-256）"), max_length=64, blank=True)
    # What the proposals said at the moment of issue (per township code), with the rules.
    evidence = models.JSONField(_("印发时的依据快照"), default=dict, blank=True)

    objects = NoticeQuerySet.as_manager()
    audit_exclude = ("updated_at", "document", "evidence")

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(issued_at__isnull=False, document_sha256__gt="", document_number__gt=""),
                name="notice_issued_is_complete",
            ),
            models.UniqueConstraint(
                fields=["document_number"],
                condition=Q(status="issued"),
                name="notice_number_once",
            ),
        ]

    def __str__(self) -> str:
        number = f"（{self.document_number}）" if self.document_number else ""
        return f"{self.title}{number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def copies_to_list(self) -> list[str]:
        """抄送机关 one by one (written with 、，, or ；)."""
        import re

        return [p.strip() for p in re.split(r"[、，,；;\n]+", self.copies_to or "") if p.strip()]

    @property
    def requirement_lines(self) -> list[str]:
        return [line.strip() for line in (self.requirements or "").splitlines() if line.strip()]

    def units_of(self, kind: str):
        return [u for u in self.units.all() if u.kind == kind]


class NoticeUnitQuerySet(TownshipScoped):
    pass


class NoticeUnit(AuditedModel):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="units")
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    facts = models.TextField(_("通报事实"), help_text=_("每行一条，印发时以分号连接"))
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = NoticeUnitQuerySet.as_manager()
    audit_exclude = ("evidence",)

    class Meta:
        verbose_name = _("通报单位")
        verbose_name_plural = _("通报单位")
        ordering = ["notice", "kind", "position", "township__code"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "township"], name="notice_unit_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["praise", "criticism"]), name="notice_unit_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township.name}（{self.get_kind_display()}）"

    @property
    def evidence_time(self) -> str:
        """When the evidence was computed, in Beijing time (e.g. 2022-06-20 10:00)."""
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime((self.evidence or {}).get("computed_at") or "")
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""

    @property
    def fact_lines(self) -> list[str]:
        return [line.strip().rstrip("；;。") for line in self.facts.splitlines() if line.strip()]
