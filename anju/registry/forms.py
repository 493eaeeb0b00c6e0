"""Forms of the household pages: one per section of the household page, each with
field-level Chinese messages (TEMPLATE.md's cell checks, applied to one household).

身份证号: a wrong shape is an error; a wrong check character or an impossible birth date is
only a warning (``form.warnings``) — the household is saved and rule D-01 flags it, so it is
fixed on the ground. The full ID number, phone and 补助发放账号 are never put into a form: the
fields are empty on edit ("leave empty to keep") and the masked values are shown beside them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from anju.core import crypto
from anju.core.forms import ChineseMessagesMixin
from anju.core.versions import VersionedFormMixin
from anju.registry import bankcard, id_refusals, idcard
from anju.registry.choices import AttachmentKind, Grade, KeyGroup, groups_to_labels
from anju.registry.models import Assessment, Household, Renovation
from anju.registry.services import (
    ASSESSMENT_FIELDS,
    FILE_FIELDS,
    FINANCE_FIELDS,
    HOUSE_FIELDS,
    IDENTITY_FIELDS,
    SUBSIDY_FIELDS,
    WORKS_FIELDS,
)
from anju.units.models import Unit, UnitQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3})-?([2-9]\d{6,7})$")
LOCAL_LINE = re.compile(r"^[2-9]\d{6,7}$")


def today() -> dt.date:
    return timezone.localdate()


# --- widgets and fields -------------------------------------------------------------------
class TriState(forms.NullBooleanSelect):
    """是 / 否 / 未填 (an empty workbook cell means unknown, not no)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "form-select", **(attrs or {})})
        self.choices = (("unknown", "未填"), ("true", "是"), ("false", "否"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("max", today().isoformat())
        return context


class PastDateField(forms.DateField):
    """A real date, in any of the workbook's spellings, not after today."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value and value > today():
            raise forms.ValidationError(
                f"{self.label}（{value:%Y-%m-%d}）不能晚于今天（{today():%Y-%m-%d}）。"
            )
        if value and value.year < 1900:
            raise forms.ValidationError(f"{self.label}不能早于 1900 年。")


def normalize_phone(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    text = text.removeprefix("+86").removeprefix("0086")
    if MOBILE.match(text.replace("-", "")):
        return text.replace("-", "")
    match = LANDLINE.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    if LOCAL_LINE.match(text):
        return text
    raise forms.ValidationError(
        f"联系电话“{raw}”格式不对：应为 11 位手机号（如 13812345678）"
        "或固定电话（如 0374-8123456）。"
    )


def _range(field: forms.Field, low: int | Decimal, high: int | Decimal, message: str) -> None:
    field.validators += [
        MinValueValidator(low, message=message),
        MaxValueValidator(high, message=message),
    ]


def _positive(field: forms.Field, message: str) -> None:
    field.validators.append(MinValueValidator(Decimal("0.01"), message=message))


def _non_negative(field: forms.Field, message: str) -> None:
    field.validators.append(MinValueValidator(Decimal("0"), message=message))


def _numeric_inputs(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.widget.attrs.update({"inputmode": "decimal", "step": "any"})
        elif isinstance(field, forms.IntegerField):
            field.widget.attrs.update({"inputmode": "numeric"})


def _groups_shown(mask: int | None) -> str:
    """对象类别 (a bit mask) as the conflict table shows it."""
    return "、".join(groups_to_labels(mask or 0)) or "无"


class SectionForm(VersionedFormMixin, ChineseMessagesMixin, forms.ModelForm):
    """A section of a record with the version it was opened on (``anju.core.versions``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = {f.name: f for f in self._meta.model._meta.get_fields()}
        own = self._meta.fields or ()
        for name, field in list(self.fields.items()):
            model_field = model_fields.get(name) if name in own else None
            kind = model_field.get_internal_type() if model_field is not None else ""
            if kind == "BooleanField":
                self.fields[name] = forms.NullBooleanField(
                    label=field.label, required=False, widget=TriState()
                )
            elif kind == "DateField":
                self.fields[name] = PastDateField(label=field.label, required=False)
        self.apply_messages()
        _numeric_inputs(self)
        self.warnings: list[str] = []

    def section_data(self) -> dict[str, Any]:
        fields = self._meta.fields or ()
        return {k: v for k, v in self.cleaned_data.items() if k in fields}


# --- the household --------------------------------------------------------------------------
def village_choices(user: User | AnonymousUser) -> UnitQuerySet:
    return (
        Unit.objects.for_user(user)
        .villages()
        .filter(is_active=True)
        .select_related("parent")
        .order_by("code")
    )


class VillageField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        township = obj.parent.name if obj.parent is not None else ""  # a village has one
        return f"{township} · {obj}"


class GroupsField(forms.TypedMultipleChoiceField):
    """对象类别 as check boxes; a conflict shows the stored bit mask as its labels."""

    @staticmethod
    def display_value(mask: int | None) -> str:  # read by ``versions.display``
        return _groups_shown(mask)


class IdentityForm(SectionForm):
    """户主、身份证号、电话、补助发放账号、人口、对象类别、监测、无房户 — and the village."""

    village = VillageField(label="行政村", queryset=Unit.objects.none(), empty_label="请选择")
    id_number = forms.CharField(label="身份证号", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    clear_phone = forms.BooleanField(label="删除已登记的联系电话", required=False)
    bank_account = forms.CharField(label="补助发放账号", max_length=50, required=False)
    clear_bank_account = forms.BooleanField(label="删除已登记的补助发放账号", required=False)
    groups = GroupsField(
        label="对象类别",
        choices=KeyGroup.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = (
        "village",
        "head_name",
        "id_number",
        "phone",
        "clear_phone",
        "bank_account",
        "clear_bank_account",
        "size",
        "groups",
    )

    class Meta:
        model = Household
        fields = IDENTITY_FIELDS

    def __init__(
        self, *args: Any, user: User | AnonymousUser, creating: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = creating
        villages = village_choices(user)
        village_field = self.fields["village"]
        assert isinstance(village_field, VillageField)
        village_field.queryset = villages
        if self.instance.village_id:
            self.fields["village"].initial = self.instance.village_id
        elif len(villages) == 1:
            self.fields["village"].initial = villages[0].pk
        self.initial["groups"] = [g.value for g in KeyGroup if self.instance.groups & g]
        _range(self.fields["size"], 1, 20, "家庭人口应在 1 到 20 人之间。")
        self.fields["size"].widget.attrs.update({"min": 1, "max": 20})
        id_field, phone_field = self.fields["id_number"], self.fields["phone"]
        id_field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        phone_field.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        bank_field = self.fields["bank_account"]
        bank_field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        bank_field.help_text = "一卡通或社保卡账号，12–30 位数字，可用空格分组。"
        if creating:
            id_field.required = True
            del self.fields["clear_phone"]
            del self.fields["clear_bank_account"]
        else:
            id_field.help_text = f"当前：{self.instance.id_number_masked}。不修改请留空。"
            phone_field.help_text = (
                f"当前：{self.instance.phone_masked}。不修改请留空。"
                if self.instance.phone_masked
                else "当前未登记。"
            )
            if not self.instance.phone_masked:
                del self.fields["clear_phone"]
            bank_field.help_text = (
                f"当前：{self.instance.bank_account_masked}。不修改请留空。"
                if self.instance.bank_account_masked
                else "当前未登记。一卡通或社保卡账号，12–30 位数字，可用空格分组。"
            )
            if not self.instance.bank_account_masked:
                del self.fields["clear_bank_account"]
        self.fields["id_number"].error_messages["required"] = "请填写户主身份证号。"

    def clean_head_name(self) -> str:
        name = unicodedata.normalize("NFKC", self.cleaned_data["head_name"]).strip()
        name = re.sub(r"\s+", "", name)
        if len(name) < 2:
            raise forms.ValidationError("户主姓名至少 2 个字。")
        return name

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        value = idcard.normalize(raw)
        if not value:
            return ""
        if not idcard.has_shape(value):
            raise forms.ValidationError(
                f"身份证号“{raw.strip()}”格式不对：应为 18 位，前 17 位是数字，"
                f"最后一位是数字或 X（现为 {len(value)} 位）。"
            )
        if crypto.blind_index(value) != self.instance.id_number_hash and (
            id_refusals.is_limited(self.user)
        ):
            # a new ID number while the user is over the hourly limit of refusals
            raise forms.ValidationError(str(id_refusals.block(self.user, via="form")))
        existing = Household.objects.by_id_number(value).exclude(pk=self.instance.pk).first()
        if existing is not None:
            if Household.objects.for_user(self.user).filter(pk=existing.pk).exists():
                raise forms.ValidationError(
                    f"该身份证号已登记：户主 {existing.head_name}（{existing.village}），"
                    "同一户主不能重复建档。"
                )
            # Outside the user's scope: not where, nor that it is registered (issue #13).
            id_refusals.refuse(self.user, [value], via="form")
            raise forms.ValidationError(id_refusals.REFUSED)
        problems = idcard.problems(value)
        if problems:
            self.warnings.append(
                f"身份证号校验未通过（{'；'.join(problems)}），已按原样保存，请入户核实后更正。"
            )
        return value

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not (raw or "").strip():
            return ""
        return normalize_phone(raw)

    def clean_bank_account(self) -> str:
        raw = self.cleaned_data.get("bank_account", "")
        value = bankcard.normalize(raw)
        if not value:
            return ""
        why = bankcard.problem(value)
        if why:
            raise forms.ValidationError(f"补助发放账号格式不对：{why}。")
        return value

    def clean_groups(self) -> int:
        mask = 0
        for value in self.cleaned_data.get("groups") or []:
            mask |= int(value)
        return mask


def house_rules(f: dict[str, forms.Field]) -> None:
    year = today().year
    _range(f["year_built"], 1900, year, f"建成年份应在 1900 到 {year} 年之间。")
    _range(f["storeys"], 1, 10, "层数应在 1 到 10 层之间。")
    _positive(f["floor_area"], "房屋面积应大于 0 平方米。")
    _range(f["latitude"], Decimal("3.8"), Decimal("53.6"), "纬度应在 3.8 到 53.6 之间。")
    _range(f["longitude"], Decimal("73.5"), Decimal("135.1"), "经度应在 73.5 到 135.1 之间。")
    f["floor_area"].help_text = "平方米"
    f["latitude"].help_text = "十进制度数，如 34.1403"
    f["longitude"].help_text = "十进制度数，如 113.4716"


class HouseForm(SectionForm):
    """住房与挂牌."""

    class Meta:
        model = Household
        fields = HOUSE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        house_rules(self.fields)


class NewHouseholdForm(IdentityForm):
    """新增农户: identity and the house on one page (the assessment is added afterwards)."""

    class Meta:
        model = Household
        fields = (*IDENTITY_FIELDS, *HOUSE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, creating=True, **kwargs)
        house_rules(self.fields)


# --- assessments and renovation ---------------------------------------------------------------
class AssessmentForm(SectionForm):
    class Meta:
        model = Assessment
        fields = ASSESSMENT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].help_text = "鉴定人员姓名或鉴定单位"
        self.fields["grade"].error_messages["required"] = "请选择鉴定等级（A、B、C、D 级）。"


class WorksForm(SectionForm):
    """改造方式、各阶段日期与检查、验收."""

    class Meta:
        model = Renovation
        fields = WORKS_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _positive(self.fields["area_after"], "改造后面积应大于 0 平方米。")
        self.fields["area_after"].help_text = "平方米"
        self.fields[
            "method_reason"
        ].help_text = "改造方式与鉴定等级对应的方式不一致时（如 C 级重建、D 级加固），说明原因"
        self.fields["method"].error_messages["required"] = "请选择改造方式。"
        self.fields["method"].help_text = (
            "住建部门系统的用词：维修加固、修缮加固即加固维修；拆除重建、原址翻建即原址重建；"
            "选址新建、异地非集中新建即异地重建；统建集体公租房、租赁、置换等即其他保障"
        )


class SubsidyForm(SectionForm):
    """补助资金 (of the renovation)."""

    class Meta:
        model = Renovation
        fields = SUBSIDY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _non_negative(self.fields["subsidy_amount"], "补助金额不能为负数。")
        self.fields["subsidy_amount"].help_text = "元，已发放的合计"


class FinancesForm(SectionForm):
    """自筹与其他住房补助 (the household's, with or without a renovation)."""

    class Meta:
        model = Household
        fields = FINANCE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _non_negative(self.fields["self_funds"], "自筹资金不能为负数。")
        self.fields["self_funds"].help_text = "元；没有自筹填 0"
        self.fields["other_subsidy"].help_text = "同一年度同一住房享受的其他住房补助；没有选“无”"


class FilesForm(SectionForm):
    """一户一档: which items of the household file are present."""

    class Meta:
        model = Renovation
        fields = FILE_FIELDS


# --- photos ---------------------------------------------------------------------------------
class PhotoForm(ChineseMessagesMixin, forms.Form):
    too_large = ""  # set by the view when it refused the upload before reading it

    kind = forms.ChoiceField(label="照片类别", choices=AttachmentKind.choices)
    photo = forms.FileField(
        label="照片",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.apply_messages()
        self.fields["photo"].error_messages.update(
            {
                "required": "请选择或拍摄一张照片。",
                "empty": "所选文件是空文件，请重新选择照片。",
                "invalid": "没有收到照片文件，请重新选择。",
            }
        )
        self.fields["photo"].help_text = "JPEG 或 PNG，可直接用手机拍照"


# --- the list's filters -----------------------------------------------------------------------
class FilterForm(forms.Form):
    """The list's filters. Choices come from the user's scope, so a tampered value is
    refused by the form (and the scope would still apply to the query)."""

    GRADE_NONE = "none"
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Unit.objects.none(), required=False, empty_label="全部乡镇"
    )
    village = VillageField(
        label="行政村", queryset=Unit.objects.none(), required=False, empty_label="全部村"
    )
    group = forms.TypedChoiceField(
        label="对象类别",
        choices=[("", "全部类别"), *KeyGroup.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    grade = forms.ChoiceField(
        label="鉴定等级（改造前）",
        choices=[
            ("", "全部等级"),
            *Grade.choices,
            ("CD", "C级或D级"),
            ("assessed", "已鉴定（任一等级）"),
            (GRADE_NONE, "未鉴定"),
        ],
        required=False,
    )
    plaque = forms.ChoiceField(
        label="挂牌",
        choices=[("", "不限"), ("yes", "已挂牌"), ("no", "未挂牌")],
        required=False,
    )
    renovation = forms.ChoiceField(
        label="改造状态",
        choices=[
            ("", "不限"),
            ("none", "无改造"),
            ("ongoing", "改造中（未验收）"),
            ("not_accepted", "未验收或无改造"),
            ("accepted", "已验收"),
        ],
        required=False,
    )
    campaign = forms.BooleanField(
        label="仅“回头看”范围（脱贫户享受政策、监测对象）", required=False
    )
    q = forms.CharField(label="户主姓名或身份证号", max_length=30, required=False)
    idh = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.for_user(user)
        townships = units.townships().filter(is_active=True).order_by("code")
        self.show_township = townships.count() > 1
        township_field, village_field = self.fields["township"], self.fields["village"]
        assert isinstance(township_field, forms.ModelChoiceField)
        assert isinstance(village_field, VillageField)
        township_field.queryset = townships
        villages = units.villages().filter(is_active=True).select_related("parent")
        village_field.queryset = villages.order_by("code")
        self.show_village = villages.count() > 1
        chosen = self.data.get("township") if self.is_bound else None
        self.village_options = villages.order_by("code")
        if self.show_township:
            self.village_options = (
                villages.filter(parent_id=chosen).order_by("code")
                if chosen and str(chosen).isdigit()
                else villages.none()
            )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.update({"class": "form-select", "data-autosubmit": ""})
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.update({"class": "form-check-input", "data-autosubmit": ""})
            else:
                field.widget.attrs.update({"class": "form-control"})
            field.widget.attrs["id"] = f"f-{name}"
        self.fields["q"].widget.attrs.update(
            {"placeholder": "姓名，或完整的 18 位身份证号", "type": "search", "autocomplete": "off"}
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is dropped and reported by ``dropped``)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}

    @property
    def dropped(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]
