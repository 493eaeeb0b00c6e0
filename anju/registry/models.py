"""The household registry (DESIGN.md §3 Registry, TEMPLATE.md).

A household (户) with its house, plaque and identity; its safety assessments over time;
its renovation with subsidy, own funds and the household file (一户一档); photos and
documents. ``Household.assessment`` and ``Household.renovation`` point at the current
records, so screening reads one row per household through two joins.

Field ``verbose_name``s are the workbook's headers (TEMPLATE.md), shared by forms, the
importer and the exporter. 身份证号, 联系电话 and 补助发放账号 are stored encrypted, with a
keyed hash for lookups (ID number) and a mask for display (SECURITY.md rows 15–16); see
``anju.core.crypto``. A closed case past the retention period is anonymised by
``manage.py anonymise_closed`` (``anju.registry.retention``, row 28): the encrypted values
become NULL, so every reader below copes with NULL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core import crypto
from anju.core.files import PhotoFile
from anju.core.scoping import ScopedQuerySet
from anju.registry import bankcard, grades, idcard
from anju.registry.choices import (
    AssessmentKind,
    AttachmentKind,
    Grade,
    Method,
    MonitoringType,
    OtherSubsidy,
    PaymentChannel,
    RiskState,
    Structure,
    groups_to_labels,
)

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    # The nullable fields the helpers below make: what may be assigned, what is read.
    OptionalDecimal = models.DecimalField[str | float | Decimal | Combinable | None, Decimal | None]
    OptionalFlag = models.BooleanField[bool | Combinable | None, bool | None]
    OptionalDate = models.DateField[str | dt.date | Combinable | None, dt.date | None]

PI_FIELDS = ("id_number_enc", "id_number_hash", "phone_enc", "bank_account_enc")


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's own field ``name`` (``get_field`` may also give a relation's far side)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # pragma: no cover - callers name own fields
        raise TypeError(f"{model.__name__}.{name} is not a field of the model")
    return field


def _money(verbose: StrOrPromise) -> OptionalDecimal:
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, null=True, blank=True)


def _area(verbose: StrOrPromise) -> OptionalDecimal:
    return models.DecimalField(verbose, max_digits=8, decimal_places=2, null=True, blank=True)


def _flag(verbose: StrOrPromise) -> OptionalFlag:
    return models.BooleanField(verbose, null=True, blank=True)


def _date(verbose: StrOrPromise) -> OptionalDate:
    return models.DateField(verbose, null=True, blank=True)


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    scope_township = "township"
    scope_village = "village"

    def in_campaign_scope(self, *, all_groups: bool = False) -> Self:
        """RULES.md scope: 脱贫户 and 享受政策, or a 监测对象类型 (or any key group when widened)."""
        q = Q(is_alleviated=True, enjoys_policy=True) | ~Q(monitoring_type="")
        if all_groups:
            q |= Q(groups__gt=0)
        return self.filter(q)

    def by_id_number(self, raw: str) -> Self:
        return self.filter(id_number_hash=crypto.blind_index(idcard.normalize(raw)))

    def with_renovation(self) -> Self:
        """Households that have a renovation: a current record with a 改造方式 (RULES.md)."""
        return self.filter(HAS_RENOVATION)

    def without_renovation(self) -> Self:
        return self.filter(NO_RENOVATION)


# RULES.md: "Renovation = any record with a 改造方式". A current renovation record without a
# method only keeps facts (dates, areas, checks) imported before the method was known; it is
# not a renovation (ADR 0009). These two conditions are the one definition every reader uses.
HAS_RENOVATION = Q(renovation__method__gt="")
NO_RENOVATION = Q(renovation__isnull=True) | Q(renovation__method="")


class Household(AuditedModel):
    township = models.ForeignKey(
        "units.Unit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "units.Unit", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("户主姓名"), max_length=20)
    # NULL only once the case has been anonymised (``anonymised_at``).
    id_number_enc = models.BinaryField(_("身份证号（加密）"), null=True, editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    id_number_valid = models.BooleanField(
        _("身份证号校验通过"), default=True, editable=False, help_text=_("校验码与出生日期均正确")
    )
    phone_enc = models.BinaryField(_("联系电话（加密）"), null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    # The 一卡通/社保卡 account the subsidy is paid to (补助发放账号).
    bank_account_enc = models.BinaryField(
        _("补助发放账号（加密）"), null=True, blank=True, editable=False
    )
    bank_account_masked = models.CharField(
        _("补助发放账号"), max_length=20, blank=True, editable=False
    )
    size = models.PositiveSmallIntegerField(_("家庭人口"))
    groups = models.PositiveSmallIntegerField(_("对象类别"), default=0)
    is_alleviated = _flag(_("是否脱贫户"))
    enjoys_policy = _flag(_("是否享受政策"))
    monitoring_type = models.CharField(
        _("监测对象类型"), max_length=10, choices=MonitoringType.choices, blank=True
    )
    risk_state = models.CharField(
        _("风险状态"), max_length=10, choices=RiskState.choices, blank=True
    )
    no_house = _flag(_("是否无房户"))
    # the house
    structure = models.CharField(_("房屋结构"), max_length=4, choices=Structure.choices, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    storeys = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    floor_area = _area(_("房屋面积"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    dangerous_site = _flag(_("是否危险场地"))
    suspected_reported_on = _date(_("疑似危房上报日期"))
    # the plaque (挂牌)
    plaque_posted = _flag(_("是否挂牌"))
    plaque_date = _date(_("挂牌日期"))
    plaque_grade = models.CharField(_("挂牌等级"), max_length=1, choices=Grade.choices, blank=True)
    # the household's own burden and other housing programmes: every export carries them for
    # every household, renovated or not, so they are the household's, not a renovation's
    # (ADR 0009)
    self_funds = _money(_("自筹资金"))
    borrowed = _flag(_("是否举债"))
    other_subsidy = models.CharField(
        _("其他住房补助"), max_length=4, choices=OtherSubsidy.choices, blank=True
    )
    # current records
    assessment = models.ForeignKey(
        "registry.Assessment",
        verbose_name=_("当前鉴定"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    renovation = models.ForeignKey(
        "registry.Renovation",
        verbose_name=_("当前改造"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    import_batch = models.ForeignKey(
        "registry.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Set when the personal data was removed after the retention period (row 28).
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    audit_sensitive = PI_FIELDS
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gte=1, size__lte=20), name="household_size_1_20"
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gt=0) | Q(floor_area__isnull=True),
                name="household_area_positive",
            ),
            models.CheckConstraint(condition=Q(groups__lt=64), name="household_groups_known"),
            models.CheckConstraint(
                condition=Q(self_funds__gte=0) | Q(self_funds__isnull=True),
                name="household_self_funds_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "village", "id"], name="household_scope"),
            models.Index(fields=["village", "id"], name="household_village"),
            models.Index(fields=["head_name"], name="household_name"),
            # the API's ?updated_since= poll: a few changed rows out of a million
            models.Index(fields=["updated_at"], name="household_updated"),
            # covers the campaign scope (``in_campaign_scope``) per village: the spot-check
            # ranking and the overview count it without reading the wide rows (SQLite at
            # 10⁶: 2.1 s → 0.09 s)
            models.Index(
                fields=["village", "is_alleviated", "enjoys_policy", "monitoring_type", "groups"],
                name="household_scope_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.id_number_masked}）"

    # --- personal data -------------------------------------------------------------
    def set_id_number(self, raw: str) -> None:
        value = idcard.normalize(raw)
        self.id_number_enc = crypto.encrypt(value)
        self.id_number_hash = crypto.blind_index(value)
        self.id_number_masked = crypto.mask_id_number(value)
        self.id_number_valid = idcard.is_valid(value)
        self.anonymised_at = None  # the ID number entered again: the record is in use again

    @property
    def id_number(self) -> str:
        """The full ID number. Only for users allowed to unmask, who must be audited."""
        return crypto.decrypt(self.id_number_enc)

    def set_phone(self, raw: str) -> None:
        value = (raw or "").strip()
        self.phone_enc = crypto.encrypt(value)
        self.phone_masked = crypto.mask_phone(value)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    def set_bank_account(self, raw: str) -> None:
        """Store a 补助发放账号 (checked by the form: 12–30 digits once spaces are removed)."""
        value = bankcard.normalize(raw)
        self.bank_account_enc = crypto.encrypt(value)
        self.bank_account_masked = bankcard.mask(value)

    def clear_bank_account(self) -> None:
        self.bank_account_enc, self.bank_account_masked = None, ""

    @property
    def bank_account(self) -> str:
        """The full account number. Only for users allowed to unmask, who must be audited."""
        return crypto.decrypt(self.bank_account_enc)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def group_labels(self) -> list[str]:
        return groups_to_labels(self.groups)

    @property
    def in_campaign_scope(self) -> bool:
        return bool((self.is_alleviated and self.enjoys_policy) or self.monitoring_type)

    @property
    def has_renovation(self) -> bool:
        """RULES.md: the current renovation record has a 改造方式 (see ``HAS_RENOVATION``)."""
        renovation = self.renovation if self.renovation_id is not None else None
        return renovation is not None and renovation.has_method

    @property
    def current_grade(self) -> str:
        """RULES.md A1-04's current grade (``registry/grades.py``); "" when never assessed."""
        return grades.current_grade(self)

    @property
    def pre_renovation_grade(self) -> str:
        return grades.pre_renovation_grade(self)

    @property
    def regraded(self) -> bool:
        """Accepted with a grade other than the 鉴定等级: pages show both."""
        return grades.regraded(self)


class ScopedByHousehold(ScopedQuerySet):
    scope_township = "household__township"
    scope_village = "household__village"


class Assessment(AuditedModel):
    """One safety assessment (鉴定/评定) of the house; a household may have several over time."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("鉴定方式"), max_length=2, choices=AssessmentKind.choices, blank=True)
    assessed_on = _date(_("鉴定日期"))
    grade = models.CharField(_("鉴定等级"), max_length=1, choices=Grade.choices)
    assessor = models.CharField(_("鉴定人员"), max_length=100, blank=True)
    result_issued = _flag(_("鉴定结果是否出具"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByHousehold.as_manager()

    class Meta:
        verbose_name = _("安全鉴定")
        verbose_name_plural = _("安全鉴定")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["grade"], name="assessment_grade")]

    def __str__(self) -> str:
        return f"{self.assessed_on or '日期未填'} {self.get_grade_display()}"


class Renovation(AuditedModel):
    """A renovation (改造) with its checks, acceptance, subsidy and household file.

    The record is a renovation only with a 改造方式 (``has_method``): the importer keeps a
    row's renovation facts (dates, areas, checks, post-completion grade, an amount paid)
    that came without a method on a record whose method is empty, and asks for the method;
    the forms always require one."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="renovations"
    )
    method = models.CharField(_("改造方式"), max_length=4, choices=Method.choices)
    method_reason = models.CharField(_("改造方式说明"), max_length=200, blank=True)
    approved_on = _date(_("批准日期"))
    started_on = _date(_("开工日期"))
    completed_on = _date(_("竣工日期"))
    accepted_on = _date(_("验收日期"))
    post_grade = models.CharField(_("验收后等级"), max_length=1, choices=Grade.choices, blank=True)
    area_after = _area(_("改造后面积"))
    craftsman = models.CharField(_("施工人员资质"), max_length=100, blank=True)
    foundation_checked_on = _date(_("地基基础检查日期"))
    structure_checked_on = _date(_("主体结构检查日期"))
    final_checked_on = _date(_("竣工检查日期"))
    moved_in = _flag(_("是否入住"))
    old_demolished = _flag(_("旧房是否拆除"))
    has_toilet = _flag(_("卫生厕所"))
    livestock_separated = _flag(_("人畜分离"))
    # subsidy and the household's own burden
    subsidy_amount = _money(_("补助金额"))
    subsidy_paid_on = _date(_("补助发放日期"))
    payment_channel = models.CharField(
        _("发放方式"), max_length=4, choices=PaymentChannel.choices, blank=True
    )
    payee_agreement = _flag(_("代发协议"))
    # the household file (一户一档)
    file_application = _flag(_("申请书"))
    file_assessment = _flag(_("鉴定表"))
    file_agreement = _flag(_("改造协议"))
    file_acceptance = _flag(_("验收表"))
    file_photos_before = _flag(_("改造前照片"))
    file_photos_after = _flag(_("改造后照片"))
    file_payment_voucher = _flag(_("补助凭证"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByHousehold.as_manager()

    FILE_ITEMS = (
        "file_application",
        "file_assessment",
        "file_agreement",
        "file_acceptance",
        "file_photos_before",
        "file_photos_after",
        "file_payment_voucher",
    )

    class Meta:
        verbose_name = _("危房改造")
        verbose_name_plural = _("危房改造")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy_amount__gte=0) | Q(subsidy_amount__isnull=True),
                name="renovation_subsidy_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(area_after__gt=0) | Q(area_after__isnull=True),
                name="renovation_area_positive",
            ),
        ]
        indexes = [models.Index(fields=["accepted_on"], name="renovation_accepted")]

    def __str__(self) -> str:
        return f"{self.method_label}（{self.accepted_on or '未验收'}）"

    @property
    def has_method(self) -> bool:
        """Only a record with a 改造方式 is a renovation (RULES.md); without one it holds
        facts imported before the method was known, waiting for it."""
        return bool(self.method)

    @property
    def method_label(self) -> str:
        return self.get_method_display() if self.method else "未填改造方式"

    @property
    def state_label(self) -> str:
        if not self.method:
            return "未填改造方式"
        if self.accepted_on:
            return "已验收"
        if self.completed_on:
            return "已竣工待验收"
        if self.started_on:
            return "施工中"
        return "未开工"


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    return f"attachments/{instance.household.township_id}/{uuid.uuid4().hex}"


class Attachment(PhotoFile):
    """A photo or document of a household, stored outside the web root under a random name."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=AttachmentKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    storage_path = attachment_path

    objects = ScopedByHousehold.as_manager()

    class Meta:
        verbose_name = _("照片与附件")
        verbose_name_plural = _("照片与附件")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def for_user(self, user: Any) -> Self:
        """City roles see every import; a township its own; anyone else only their own."""
        from anju.accounts.roles import COUNTY_WIDE, TOWNSHIP

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role in COUNTY_WIDE:
            return self.all()
        if user.role in TOWNSHIP:
            return self.filter(Q(township_id=user.unit_id) | Q(user_id=user.pk))
        return self.filter(user_id=user.pk)


class ImportBatch(models.Model):
    """One import of a registry workbook: who, when, which file, what it did."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        CHECKED = "checked", _("已检查（未写入）")
        DONE = "done", _("已导入")
        BLOCKED = "blocked", _("有错误，未写入")
        FAILED = "failed", _("失败")

    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", _("仅检查")
        ALL = "all", _("全部导入")
        VALID_ONLY = "valid_only", _("只导入无误的行")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    township = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    filename = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(_("文件哈希"), max_length=64)
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("提示数"), default=0)
    problems = models.JSONField(_("问题清单"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The uploaded file, kept under a random name in the data folder's tmp/imports/ while
    # a checked file waits to be imported; removed once imported (or by ``cleanup``).
    upload = models.CharField(_("暂存文件"), max_length=100, blank=True, editable=False)
    create_villages = models.BooleanField(_("自动新建名单中没有的行政村"), default=False)
    # The process running the batch (core.liveness: host, pid, start time), so a batch
    # whose process died is found and marked failed instead of staying 导入中 forever.
    runner = models.CharField(_("执行进程"), max_length=120, blank=True, editable=False)
    # Further numbers of the run: sheet, header row, villages/assessments/renovations
    # created, notices, seconds taken, problems left out of the stored list.
    summary = models.JSONField(_("导入摘要"), default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.created_at:%Y-%m-%d %H:%M}）"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def crashed(self) -> bool:
        """Failed because the process running it died (it can be run again)."""
        return self.status == self.Status.FAILED and bool((self.summary or {}).get("crashed"))

    @property
    def is_stalled(self) -> bool:
        """Queued or running for over an hour: the worker stopped (its transaction was
        rolled back, so the registry is as before)."""
        import datetime as dt

        from django.utils import timezone

        age = timezone.now() - self.created_at
        return not self.is_finished and age > dt.timedelta(hours=1)
