"""Forms of the reporting pages. Messages are Chinese and name the field."""

from __future__ import annotations

from typing import cast

from django import forms

from anju.campaigns.forms import schedule_field
from anju.core.transitions import ReasonForm, reason_field
from anju.core.versions import VersionedFormMixin
from anju.reporting import services, workplan
from anju.reporting.services import TRANSITIONS


class ScheduleForm(VersionedFormMixin, forms.Form):
    mobilise_ends_on = schedule_field("mobilise_ends_on")
    rectify_ends_on = schedule_field("rectify_ends_on")
    accept_ends_on = schedule_field("accept_ends_on")
    report_weekday = schedule_field("report_weekday")
    report_time = schedule_field("report_time")

    def __init__(self, *args, campaign, **kwargs):
        self.campaign = campaign
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = services.validate_schedule(campaign=self.campaign, **self.schedule_data())
        for name, message in errors.items():
            self.add_error(None if name == "__all__" else name, message)
        return data

    def schedule_data(self) -> dict:
        """The schedule's values (without the hidden version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class WorkPlanForm(forms.Form):
    file = forms.FileField(
        label="工作方案文件",
        help_text=(
            f"PDF、DOC 或 DOCX，不超过 {workplan.max_bytes() // (1024 * 1024)} MB；"
            "按文件内容检查，含宏或脚本的文件不能上传。"
        ),
        error_messages={"required": "请选择工作方案文件。", "empty": "所选文件是空文件。"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": workplan.ACCEPT}),
    )


class ReturnForm(ReasonForm):
    reason = reason_field(TRANSITIONS["return"], "写明需要乡镇改正什么，乡镇经办人会收到提醒。")
    new_due_at = forms.DateTimeField(
        label="重新报送截止时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "请填写重新报送截止时间。",
            "invalid": "重新报送截止时间应按“年-月-日 时:分”填写，如 17:00。",
        },
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )


class SendBackForm(ReasonForm):
    """The township head's 退回经办人 (before approving; nothing is sent)."""

    reason = reason_field(
        TRANSITIONS["send_back"],
        "写明需要经办人改正什么，经办人会收到提醒；修改台账后由经办人重新生成。",
    )


class CompareForm(forms.Form):
    township = forms.TypedChoiceField(label="乡镇", coerce=int, required=False)
    a = forms.TypedChoiceField(label="对比周次", coerce=int)
    b = forms.TypedChoiceField(label="与", coerce=int)

    def __init__(self, *args, townships, week_numbers, township_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if township_required:
            township = cast(forms.TypedChoiceField, self.fields["township"])
            township.choices = [(t.pk, t.name) for t in townships]
            township.required = True
        else:
            del self.fields["township"]
        choices = [(n, f"第{n}周") for n in week_numbers]
        for name in ("a", "b"):
            cast(forms.TypedChoiceField, self.fields[name]).choices = choices
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"
            f.error_messages["invalid_choice"] = f"请选择{f.label}。"
            f.error_messages["required"] = f"请选择{f.label}。"
