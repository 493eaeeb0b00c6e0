"""Forms of the screening pages: decisions on a finding, a run, a rule's settings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from anju.accounts.roles import COUNTY_WIDE
from anju.core.versions import VersionedFormMixin
from anju.screening.rules.base import DAYS, Rule
from anju.screening.services import DECISIONS
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.accounts.models import User


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写理由。", "max_length": "理由不能超过500字。"},
    )

    def __init__(
        self, *args: Any, label: str = "理由", required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.required = required
        field.error_messages["required"] = f"请填写{label}。"
        field.error_messages["max_length"] = f"{label}不能超过500字。"
        if required:
            field.widget.attrs["required"] = True

    def clean_reason(self) -> str:
        value = (self.cleaned_data.get("reason") or "").strip()
        if self.fields["reason"].required and not value:
            raise ValidationError(self.fields["reason"].error_messages["required"])
        return value


def _label(name: str) -> str:
    """The label of a decision's reason, as its row in ``services.DECISIONS`` gives it."""
    wanted = DECISIONS[name].reason
    return wanted.label if wanted is not None else "理由"


def dismiss_form(data: Any = None, **kwargs: Any) -> ReasonForm:
    return ReasonForm(data, label=_label("dismiss"), prefix="dismiss", **kwargs)


def overturn_form(data: Any = None, **kwargs: Any) -> ReasonForm:
    return ReasonForm(data, label=_label("overturn"), prefix="overturn", **kwargs)


def uphold_form(data: Any = None, **kwargs: Any) -> ReasonForm:
    return ReasonForm(data, label="审核意见（可不填）", required=False, prefix="uphold", **kwargs)


class RunForm(forms.Form):
    unit = forms.ChoiceField(label="筛查范围")
    as_of = forms.DateField(
        label="筛查基准日",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写筛查基准日。", "invalid": "请填写正确的日期。"},
        help_text="按这一天的情况判断期限类规则（如“超过90天未纳入改造”），默认今天。",
    )

    def __init__(self, *args: Any, user: User, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["as_of"].initial = today
        units = Unit.objects.for_user(user).filter(is_active=True).select_related("parent")
        choices: list[tuple[str, str]] = []
        if user.role in COUNTY_WIDE:
            county = units.filter(level="county").first()
            if county:
                choices.append((county.code, f"全县（{county.name}）"))
            choices += [(u.code, u.name) for u in units.townships().order_by("code")]
        else:
            township = units.townships().first()
            if township:
                choices.append((township.code, f"全乡镇（{township.name}）"))
            choices += [(u.code, f"{u}") for u in units.villages().order_by("code")]
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.units = {u.code: u for u in units}

    def clean_unit(self) -> Unit:
        code = self.cleaned_data["unit"]
        unit = self.units.get(code)
        if unit is None:
            raise ValidationError("请选择筛查范围。")
        return unit

    def clean_as_of(self) -> dt.date:
        value = self.cleaned_data["as_of"]
        if value > self.today:
            raise ValidationError("筛查基准日不能晚于今天。")
        return value


class RuleSettingsForm(VersionedFormMixin, forms.Form):
    """A rule's switch and parameters; each parameter is checked by its Param (Chinese
    messages that name it: 不能为负数, 不能为空, 须大于0)."""

    enabled = forms.BooleanField(label="启用该规则", required=False)

    def __init__(
        self, *args: Any, rule: Rule, values: dict[str, Any], enabled: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["enabled"].initial = enabled
        for param in rule.params:
            attrs = {"inputmode": "numeric" if param.kind == DAYS else "decimal"}
            self.fields[param.name] = forms.CharField(
                label=f"{param.label}（{param.unit}）",
                required=False,  # emptiness is reported by Param.parse in Chinese
                initial=param.to_json(values[param.name]),
                widget=forms.TextInput(attrs=attrs),
                help_text=f"默认 {param.to_json(param.default)}{param.unit}",
            )

    def clean(self):
        cleaned = super().clean()
        values = {}
        for param in self.rule.params:
            try:
                values[param.name] = param.parse(self.data.get(self.add_prefix(param.name)))
            except ValidationError as exc:
                self.add_error(param.name, exc)
        cleaned["values"] = values
        return cleaned
