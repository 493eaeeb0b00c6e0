"""What every form shares: field messages in the bureau's words, naming the field, and the
Bootstrap classes and ARIA links the shared field template (``core/_field.html``) expects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

# The mixin goes before a Form or ModelForm; type checkers see it as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ChineseMessagesMixin(_FormBase):
    """Field-level messages in the bureau's words, naming the field."""

    def apply_messages(self) -> None:
        for field in self.fields.values():
            label = field.label or ""
            msgs = field.error_messages
            msgs["required"] = f"请填写{label}。"
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                msgs["invalid_choice"] = f"{label}只能从列表中选择。"
            if isinstance(field, forms.DateField):
                msgs["invalid"] = f"{label}不是有效日期（应如 2022-05-20），请检查年、月、日。"
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                msgs["invalid"] = f"{label}应为数字。"
                msgs["max_digits"] = f"{label}数值过大。"
                msgs["max_decimal_places"] = f"{label}最多保留 %(max)s 位小数。"
                msgs["max_whole_digits"] = f"{label}数值过大。"
            if isinstance(field, forms.CharField):
                msgs["max_length"] = (
                    f"{label}不能超过 %(limit_value)d 个字（现为 %(show_value)d 个）。"
                )
                msgs["min_length"] = f"{label}至少 %(limit_value)d 个字。"
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                choices = list(field.choices)  # type: ignore[arg-type]  # normalised to a list
                if choices and choices[0][0] == "" and choices[0][1] == "---------":
                    choices[0] = ("", "请选择" if field.required else "未填")
                    field.choices = choices
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
                auto_id = self[name].auto_id
                described = f"{auto_id}_error"
                if self.fields[name].help_text:
                    described += f" {auto_id}_helptext"
                widget.attrs["aria-describedby"] = described
