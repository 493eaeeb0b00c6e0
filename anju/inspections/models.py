"""Spot-checks (市局抽查, DESIGN.md §3 Spot-checks; the seed's 总结验收阶段).

A **Sample** is one draw: who drew it, when, with which seed and parameters, and a snapshot
of the ranking it was drawn from (so anyone can redraw it and compare). Its **SampleVillage**
rows are the chosen villages (by rank or at random, with their score and the inspector
assigned); its **SampleHousehold** rows the households drawn in them. An inspector records one
**SpotCheckVisit** per sampled household: what was found, by aspect (**SpotCheckProblem**: on the
township's ledger or not, and whether a fix the ledger calls 已销号 was real), with photos
(**SpotCheckPhoto**). Verdicts are computed from these rows (``anju.inspections.verdicts``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.files import PhotoFile
from anju.core.scoping import ScopedQuerySet
from anju.screening.choices import Aspect


class SampleQuerySet(models.QuerySet):
    def for_user(self, user):
        """Samples are the city's: the reviewer sees them all, nobody else sees the list."""
        from anju.accounts.roles import Role

        if getattr(user, "is_authenticated", False) and user.role == Role.CITY_REVIEWER:
            return self.all()
        return self.none()

    def published(self):
        return self.filter(status=Sample.Status.PUBLISHED)


class Sample(AuditedModel):
    class Status(models.TextChoices):
        DRAWN = "drawn", _("核查中")
        PUBLISHED = "published", _("结果已公布")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("批次"))
    seed = models.BigIntegerField(_("随机种子"))
    seed_generated = models.BooleanField(_("种子由系统生成"), default=False)
    villages_requested = models.PositiveSmallIntegerField(_("抽查村数"))
    households_per_village = models.PositiveSmallIntegerField(_("每村抽查户数"))
    rank_share = models.PositiveSmallIntegerField(_("按排名选取比例（%）"))
    fail_at = models.PositiveSmallIntegerField(_("不合格判定户数 d"))
    ranking = models.JSONField(_("排名快照"), default=list, blank=True)
    township_ranking = models.JSONField(_("乡镇排名快照"), default=list, blank=True)
    notes = models.JSONField(_("抽样说明"), default=list, blank=True)
    # The open batches (核查中) of the same round whose households this one did not draw
    # again (their ids); ``services.verify`` redraws with the same exclusion.
    excluded_samples = models.JSONField(_("排除的核查中批次"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAWN
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drawn_by_label = models.CharField(_("抽取方式"), max_length=60, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = SampleQuerySet.as_manager()
    audit_exclude = ("updated_at", "ranking", "township_ranking")

    class Meta:
        verbose_name = _("抽查样本")
        verbose_name_plural = _("抽查样本")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="sample_number_once"),
            models.CheckConstraint(
                condition=Q(villages_requested__gte=1, households_per_village__gte=1),
                name="sample_sizes_positive",
            ),
            models.CheckConstraint(condition=Q(rank_share__lte=100), name="sample_share_percent"),
            models.CheckConstraint(condition=Q(fail_at__gte=1), name="sample_fail_at_positive"),
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 批抽查"


class ChosenBy(models.TextChoices):
    RANK = "rank", _("按排名")
    RANDOM = "random", _("随机")


class SampleVillage(AuditedModel):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="villages")
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "units.Unit", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    chosen_by = models.CharField(_("选取方式"), max_length=8, choices=ChosenBy.choices)
    rank = models.PositiveIntegerField(_("排名"))
    score = models.FloatField(_("得分"))
    expected = models.PositiveIntegerField(_("筛查应发现（户）"))
    reported = models.PositiveIntegerField(_("台账已列"))
    population = models.PositiveIntegerField(_("范围内农户"))
    population_digest = models.CharField(max_length=64)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查村")
        verbose_name_plural = _("抽查村")
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "village"], name="sample_village_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sample} · {self.village}"


class SampleHousehold(AuditedModel):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="households")
    sample_village = models.ForeignKey(
        SampleVillage, on_delete=models.CASCADE, related_name="households"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "units.Unit", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("序号"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查农户")
        verbose_name_plural = _("抽查农户")
        ordering = ["sample", "sample_village__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "household"], name="sample_household_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sample} · {self.household_id}"


class ScopedBySampleHousehold(ScopedQuerySet):
    scope_township = "sample_household__township"
    scope_village = "sample_household__village"


class SpotCheckVisit(AuditedModel):
    """One inspector's visit to one sampled household."""

    sample_household = models.OneToOneField(
        SampleHousehold, on_delete=models.CASCADE, related_name="visit"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_on = models.DateField(_("核查日期"))
    found_nothing = models.BooleanField(_("现场未发现问题"), default=False)
    note = models.TextField(_("核查情况说明"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedBySampleHousehold.as_manager()

    class Meta:
        verbose_name = _("抽查记录")
        verbose_name_plural = _("抽查记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} 抽查记录"


class ProblemKind(models.TextChoices):
    MISSED = "missed", _("漏报")
    FAKE_FIX = "fake_fix", _("虚假整改")
    REPORTED = "reported", _("已列入台账")


# Problems that count against the township (LQAS "defects").
DEFECT_KINDS = (ProblemKind.MISSED, ProblemKind.FAKE_FIX)


class SpotCheckProblem(AuditedModel):
    visit = models.ForeignKey(SpotCheckVisit, on_delete=models.CASCADE, related_name="problems")
    aspect = models.CharField(_("方面"), max_length=1, choices=Aspect.choices)
    description = models.TextField(_("问题表述"))
    kind = models.CharField(_("台账情况"), max_length=10, choices=ProblemKind.choices)
    ledger_entry = models.ForeignKey(
        "rectification.LedgerEntry",
        verbose_name=_("对应台账条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entry_state = models.CharField(_("核查时条目状态"), max_length=12, blank=True)
    confirmed_entry = models.ForeignKey(
        "rectification.LedgerEntry",
        verbose_name=_("列入台账的条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查发现的问题")
        verbose_name_plural = _("抽查发现的问题")
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="missed", ledger_entry__isnull=True)
                | Q(kind__in=["fake_fix", "reported"], ledger_entry__isnull=False),
                name="visit_problem_kind_matches_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description[:30]}"

    @property
    def is_defect(self) -> bool:
        return self.kind in DEFECT_KINDS

    @property
    def entry_state_label(self) -> str:
        from anju.rectification.models import State

        return str(State(self.entry_state).label) if self.entry_state in State.values else ""


def visit_photo_path(instance, filename: str) -> str:
    import uuid

    return f"inspections/{instance.visit.sample_household.sample_id}/{uuid.uuid4().hex}"


class SpotCheckPhoto(PhotoFile):
    """A photo taken on a spot-check visit: checked by content, re-encoded, stored under a
    generated name outside the web root, served only through a scoped view."""

    visit = models.ForeignKey(SpotCheckVisit, on_delete=models.CASCADE, related_name="photos")

    storage_path = visit_photo_path

    class Meta:
        verbose_name = _("抽查照片")
        verbose_name_plural = _("抽查照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
