"""Forms of the notice pages, with the bureau's labels and Chinese messages."""

from __future__ import annotations

from django import forms

from anju.core.versions import VersionedFormMixin
from anju.notices.models import Kind, Notice
from anju.units.models import Unit


class NoticeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Notice
        fields = [
            "title",
            "document_number",
            "issuer",
            "recipients",
            "copies_to",
            "introduction",
            "requirements",
            "day",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "requirements": forms.Textarea(attrs={"rows": 5}),
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": "请填写标题。", "max_length": "标题不能超过 120 个字。"},
            "document_number": {"max_length": "发文字号不能超过 40 个字。"},
            "issuer": {"required": "请填写发文机关。"},
            "recipients": {"required": "请填写主送机关。"},
            "copies_to": {"max_length": "抄送机关不能超过 200 个字。"},
            "introduction": {"required": "请填写导语。"},
            "day": {"invalid": "成文日期格式不对，请按“年-月-日”填写。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["day"].help_text = "留空则以印发当天为成文日期。"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-describedby"] = f"{name}-error"


class AddUnitForm(forms.Form):
    township = forms.ModelChoiceField(
        label="乡镇",
        queryset=Unit.objects.none(),
        empty_label="请选择乡镇",
        error_messages={"required": "请选择乡镇。", "invalid_choice": "所选乡镇不存在。"},
    )
    kind = forms.ChoiceField(
        label="类别",
        choices=Kind.choices,
        error_messages={"required": "请选择类别。", "invalid_choice": "请选择通报表扬或通报批评。"},
    )

    def __init__(self, *args, county, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            Unit.objects.townships().filter(parent=county, is_active=True).exclude(pk__in=exclude)
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
