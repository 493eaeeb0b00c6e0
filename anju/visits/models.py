"""House visits (入户排查): the bottom-up self-check of the seed (三、(二); 四、(二)).

A ``Visit`` is one person's visit to one household on one day in a campaign (a second visit
the same day by the same person is merged into it). It holds who went (user, name, role),
when (the date entered and the server's time of recording), where (the phone's GPS and its
distance from the house), the checklist answers, photos and the householder's confirmation.

From a visit come ``Correction``s (answers that contradict the registry, which the township
officer accepts or rejects) and ``VisitProblem``s (answers that are problems, each a draft
ledger entry). An in-scope household that cannot be visited is explained by an
``UnvisitedReason`` with a phone check, so the final ledger can still be submitted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.files import PhotoFile
from anju.core.scoping import ScopedQuerySet


class VisitorRole(models.TextChoices):
    CADRE = "村干部", _("村干部")
    WORK_TEAM = "驻村工作队", _("驻村工作队")
    FIRST_SECRETARY = "第一书记", _("第一书记")
    HELPER = "帮扶责任人", _("帮扶责任人")
    GRID = "网格员", _("网格员")


class EntryMode(models.TextChoices):
    PHONE = "phone", _("现场手机录入")
    PAPER = "paper", _("纸质表补录")


class ByHousehold(ScopedQuerySet):
    scope_township = "household__township"
    scope_village = "household__village"


class VisitQuerySet(ByHousehold):
    def flagged(self):
        return self.filter(Q(far_from_house=True) | Q(untimed_photo=True) | Q(no_location=True))

    def flags_unchecked(self):
        return self.flagged().filter(flags_checked_at__isnull=True)


class Visit(AuditedModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visitor_name = models.CharField(_("走访人姓名"), max_length=20)
    visitor_role = models.CharField(_("走访人身份"), max_length=10, choices=VisitorRole.choices)
    visited_on = models.DateField(_("走访日期"))
    mode = models.CharField(
        _("录入方式"), max_length=8, choices=EntryMode.choices, default=EntryMode.PHONE
    )
    latitude = models.DecimalField(
        _("走访定位纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("走访定位经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gps_accuracy = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距住房（米）"), null=True, blank=True)
    far_from_house = models.BooleanField(_("定位远离住房"), default=False)
    no_location = models.BooleanField(_("现场录入未定位"), default=False)
    untimed_photo = models.BooleanField(_("有照片无拍摄时间"), default=False)
    answers = models.JSONField(_("排查答复"), default=dict, blank=True)
    plaque_grade_seen = models.CharField(_("牌子上的等级"), max_length=1, blank=True)
    subsidy_received_on = models.DateField(_("补助到账日期（农户所述）"), null=True, blank=True)
    note = models.TextField(_("其他情况"), blank=True)
    merge_count = models.PositiveSmallIntegerField(_("同日合并次数"), default=0)
    flags_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    flags_checked_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    flags_check_note = models.CharField(_("核实情况"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household", "visitor", "visited_on"],
                name="visit_once_per_person_day",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "household"], name="visit_campaign_household")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.visitor_name}走访"

    @property
    def flagged(self) -> bool:
        return self.far_from_house or self.untimed_photo or self.no_location

    @property
    def flag_labels(self) -> list[str]:
        labels = []
        if self.far_from_house:
            labels.append(f"定位距住房 {self.distance_m} 米")
        if self.no_location:
            labels.append("现场录入未定位")
        if self.untimed_photo:
            labels.append("照片无拍摄时间")
        return labels


class PhotoKind(models.TextChoices):
    FRONT = "front", _("房屋正面")
    PLAQUE = "plaque", _("挂牌")
    PROBLEM = "problem", _("问题部位")
    SIGNATURE = "signature", _("户主签字")
    SIGNED_FORM = "signed_form", _("签字的纸质排查表")


# Kinds that must carry the camera's time (a drawn signature has none).
TIMED_KINDS = (PhotoKind.FRONT, PhotoKind.PLAQUE, PhotoKind.PROBLEM, PhotoKind.SIGNED_FORM)


def visit_photo_path(instance, filename: str) -> str:
    import uuid

    return f"visits/{instance.visit.household.township_id}/{uuid.uuid4().hex}"


class VisitPhotoQuerySet(ScopedQuerySet):
    scope_township = "visit__household__township"
    scope_village = "visit__household__village"


class VisitPhoto(PhotoFile):
    """A photo of the visit, checked and re-encoded without EXIF, under a generated name."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=PhotoKind.choices)
    width = models.PositiveIntegerField(_("宽（像素）"))
    height = models.PositiveIntegerField(_("高（像素）"))

    storage_path = visit_photo_path

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户排查照片")
        verbose_name_plural = _("入户排查照片")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def missing_time(self) -> bool:
        return self.taken_at is None and self.kind in TIMED_KINDS


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")
    WITHDRAWN = "withdrawn", _("已撤回")


class Correction(AuditedModel):
    """A registry fact a visit contradicts, offered to the township officer."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="corrections"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target = models.CharField(_("对象"), max_length=12)  # household | renovation
    field = models.CharField(_("字段"), max_length=40)
    label = models.CharField(_("项目"), max_length=40)
    registry_value = models.JSONField(_("档案原值"), null=True, blank=True)
    proposed_value = models.JSONField(_("排查所见"), null=True, blank=True)
    registry_display = models.CharField(_("档案原值（显示）"), max_length=60)
    proposed_display = models.CharField(_("排查所见（显示）"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = ByHousehold.as_manager()

    class Meta:
        verbose_name = _("档案更正建议")
        verbose_name_plural = _("档案更正建议")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "field"],
                condition=Q(status="pending"),
                name="correction_one_pending_per_field",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Decision.values), name="correction_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}：{self.registry_display} → {self.proposed_display}"


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("有效")
    DISCARDED = "discarded", _("不纳入台账")
    WITHDRAWN = "withdrawn", _("已撤回")


class VisitProblem(AuditedModel):
    """An answer that is a problem, carried to the ledger as a draft entry (个性问题)."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="problems"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    question = models.CharField(_("排查项目"), max_length=20)
    aspect = models.CharField(_("方面"), max_length=2)
    description = models.TextField(_("问题表述"))
    entry = models.ForeignKey(
        "rectification.LedgerEntry",
        verbose_name=_("台账条目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    objects = ByHousehold.as_manager()

    class Meta:
        verbose_name = _("入户排查发现的问题")
        verbose_name_plural = _("入户排查发现的问题")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "question"],
                condition=Q(status="open"),
                name="visit_problem_once_open",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class Reason(models.TextChoices):
    MIGRANT = "外出务工", _("外出务工")
    HOSPITAL = "外出就医", _("外出就医（长期住院）")
    WITH_CHILDREN = "随子女居住", _("随子女在外居住")
    DECEASED = "户主去世", _("户主去世（待注销）")
    MOVED = "已搬迁", _("已搬迁（易地搬迁等）")
    OTHER = "其他", _("其他")


class UnvisitedReason(AuditedModel):
    """Why an in-scope household was not visited in this campaign, with a phone check."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("“回头看”工作"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("未走访原因"), max_length=10, choices=Reason.choices)
    detail = models.CharField(_("具体情况"), max_length=200, blank=True)
    phone_checked_on = models.DateField(_("电话核实日期"))
    phone_check_result = models.CharField(_("电话核实情况"), max_length=200)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("说明人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("说明时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ByHousehold.as_manager()

    class Meta:
        verbose_name = _("未走访情况说明")
        verbose_name_plural = _("未走访情况说明")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="unvisited_reason_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}（{self.phone_checked_on:%Y-%m-%d} 电话核实）"
