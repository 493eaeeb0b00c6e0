"""The rectification ledger (整改台账, DESIGN.md §3 Ledger).

An entry carries every column of the annex of 禹建〔2022〕39号 — 序号, 问题类型, 问题性质,
问题表述, 整改措施, 完成时限, 责任单位 — plus 责任领导, 产生原因及分析, where it came from,
the households (a 共性问题 links many) and findings it covers, dated progress notes and
evidence. Its state moves only through ``anju.rectification.workflow`` (named transitions,
guarded, concurrency-safe), each move an append-only ``EntryTransition`` row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.files import PhotoFile
from anju.core.scoping import ScopedQuerySet

PROBLEM_TYPE = "农村危房改造"


class Nature(models.TextChoices):
    COMMON = "共性问题", _("共性问题")
    INDIVIDUAL = "个性问题", _("个性问题")


class Source(models.TextChoices):
    SCREENING = "screening", _("系统筛查")
    VISIT = "visit", _("入户排查")
    SPOT_CHECK = "spot_check", _("市局抽查")
    CITY = "city", _("市局交办")
    SELF = "self", _("乡镇自查")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    AWAITING = "awaiting", _("已整改待核验")
    CLOSED = "closed", _("已销号")


OPEN_STATES = (State.PENDING, State.IN_PROGRESS, State.AWAITING)
# The officer may still change an entry's text while it is being worked on.
EDITABLE_STATES = (State.DRAFT, State.PENDING, State.IN_PROGRESS)


class Light(models.TextChoices):
    """The overdue traffic light, derived from the deadline (never stored)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临近时限")
    RED = "red", _("已逾期")
    DONE = "done", _("已销号")


DUE_SOON_DAYS = 3


class LedgerEntryQuerySet(ScopedQuerySet):
    scope_township = "township"
    scope_village = "village"

    def open(self) -> Self:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date) -> Self:
        return self.open().filter(deadline__lt=today)

    def in_ledger(self) -> Self:
        """Entries that appear on the township's ledger (drafts are not yet on it)."""
        return self.exclude(state=State.DRAFT)

    def drafts(self) -> Self:
        return self.filter(state=State.DRAFT)

    def with_light(self, today: dt.date) -> Self:
        """Annotate ``light_code``: the traffic light of ``LedgerEntry.light`` in SQL."""
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        return self.annotate(
            light_code=Case(
                When(state=State.CLOSED, then=Value(Light.DONE.value)),
                When(deadline__lt=today, then=Value(Light.RED.value)),
                When(deadline__lte=soon, then=Value(Light.YELLOW.value)),
                default=Value(Light.GREEN.value),
                output_field=models.CharField(),
            )
        )

    def light(self, light: str, today: dt.date) -> Self:
        """Entries whose traffic light is ``light`` (one of ``Light``)."""
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        if light == Light.DONE:
            return self.filter(state=State.CLOSED)
        live = self.exclude(state=State.CLOSED)
        if light == Light.RED:
            return live.filter(deadline__lt=today)
        if light == Light.YELLOW:
            return live.filter(deadline__gte=today, deadline__lte=soon)
        if light == Light.GREEN:
            return live.filter(Q(deadline__gt=soon) | Q(deadline__isnull=True))
        return self.none()


_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def normalized_text(text: str) -> str:
    """Text as compared for "copied word for word": full-width folded, no spaces or
    punctuation (a copied measure with a different comma is still a copy)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def text_key(text: str) -> str:
    norm = normalized_text(text)
    return hashlib.sha256(norm.encode()).hexdigest() if norm else ""


class LedgerEntry(AuditedModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "units.Unit",
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("个性问题所在的村；跨村的共性问题留空。"),
    )
    number = models.PositiveIntegerField(
        _("序号"), null=True, blank=True, help_text=_("纳入台账时按乡镇顺序编号；草稿没有序号。")
    )
    problem_type = models.CharField(_("问题类型"), max_length=20, default=PROBLEM_TYPE)
    nature = models.CharField(_("问题性质"), max_length=4, choices=Nature.choices)
    aspect = models.CharField(
        _("方面"), max_length=2, blank=True, help_text=_("1–5 对应五个方面，D 为数据质量")
    )
    description = models.TextField(_("问题表述"))
    measures = models.TextField(_("整改措施"), blank=True)
    measures_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("整改措施归一化后的摘要"),
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    # 跨期 (issue #16 item 6): a measure that cannot be finished within the round (a D-grade
    # rebuild) may have its 完成时限 after the round's end, with the reason; listed for the
    # next round and carried into it when the round closes.
    cross_period = models.BooleanField(_("跨期整改"), default=False)
    cross_reason = models.CharField(_("跨期原因"), max_length=200, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=60)
    responsible_leader = models.CharField(_("责任领导"), max_length=60, blank=True)
    cause = models.TextField(_("产生原因及分析"), blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    households = models.ManyToManyField(
        "registry.Household", verbose_name=_("涉及农户"), related_name="ledger_entries", blank=True
    )
    findings = models.ManyToManyField(
        "screening.Finding",
        verbose_name=_("关联筛查问题"),
        related_name="ledger_entries",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # Carried over from an earlier round when it closed (issue #16 item 5): the round the
    # entry was first numbered in and its 序号 there (kept through later carry-overs).
    carried_from = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("转自轮次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    carried_number = models.PositiveIntegerField(_("原序号"), null=True, blank=True)

    objects = LedgerEntryQuerySet.as_manager()
    audit_exclude = ("updated_at", "measures_key")
    # What an edit form or an action on the entry was opened on (anju/core/versions.py).
    version_fields = (
        "nature",
        "aspect",
        "description",
        "measures",
        "deadline",
        "responsible_unit",
        "responsible_leader",
        "cause",
        "village",
        "cross_period",
        "cross_reason",
        "state",
        "number",
        "households",
    )

    class Meta:
        verbose_name = _("整改台账条目")
        verbose_name_plural = _("整改台账条目")
        ordering = ["township__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "township", "number"], name="ledger_number_per_township"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="ledger_state_known"),
            models.CheckConstraint(
                condition=Q(nature__in=Nature.values), name="ledger_nature_known"
            ),
        ]
        indexes = [
            models.Index(fields=["township", "state"], name="ledger_township_state"),
            models.Index(fields=["deadline"], name="ledger_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.description[:30]}"

    @property
    def label(self) -> str:
        """How the pages name the entry: 第 N 号, or 草稿 for a draft."""
        return f"第{self.number}号" if self.number else "草稿"

    def save(self, *args, **kwargs):
        self.measures_key = text_key(self.measures)
        fields = kwargs.get("update_fields")
        if fields is not None and "measures" in fields:
            kwargs["update_fields"] = {*fields, "measures_key"}
        super().save(*args, **kwargs)

    @property
    def origin(self) -> str:
        """Where a carried-over entry came from: 原“2023年度第一轮”第5号 (else empty)."""
        if self.carried_from is None:
            return ""
        number = f"第{self.carried_number}号" if self.carried_number else "草稿"
        return f"原“{self.carried_from.name}”{number}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def light(self, today: dt.date | None = None) -> str:
        if self.state == State.CLOSED:
            return Light.DONE
        today = today or dt.date.today()
        if self.deadline and self.deadline < today:
            return Light.RED
        if self.deadline and (self.deadline - today).days <= DUE_SOON_DAYS:
            return Light.YELLOW
        return Light.GREEN


class EntryTransition(models.Model):
    """One move of an entry's state: who, when, from, to, why. Append-only."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("状态变更记录只能追加。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("状态变更记录只能追加。")


class ScopedByEntry(ScopedQuerySet):
    scope_township = "entry__township"
    scope_village = "entry__village"


class ProgressNote(AuditedModel):
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.CASCADE, related_name="notes", verbose_name=_("条目")
    )
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByEntry.as_manager()

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.text[:20]}"


def evidence_path(instance, filename: str) -> str:
    import uuid

    return f"evidence/{instance.entry.township_id}/{uuid.uuid4().hex}"


class Evidence(PhotoFile):
    """A photo or document proving the fix, stored outside the web root under a random name."""

    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("条目")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    storage_path = evidence_path

    objects = ScopedByEntry.as_manager()

    class Meta:
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
