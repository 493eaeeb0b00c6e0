"""The list-import page's form (labels and messages in the bureau's words)."""

from __future__ import annotations

from django import forms

from anju.monitoring.models import Source
from anju.registry.io.readers import FileRefused, check_name, max_bytes

SOURCE_CHOICES = (
    (Source.FPJC, "防返贫监测对象名单（全国防返贫监测信息系统导出）"),
    (Source.MINZHENG, "民政救助对象名单（低保、特困、低保边缘）"),
)


class ListUploadForm(forms.Form):
    source = forms.ChoiceField(
        label="名单来源",
        choices=SOURCE_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "请选择名单来源。",
            "invalid_choice": "请选择防返贫监测或民政名单。",
        },
    )
    file = forms.FileField(
        label="名单文件",
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的（0 字节）。"},
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv", "data-max-bytes": ""}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_bytes()
        self.fields["file"].help_text = (
            f"按部门导出的原表直接上传即可（表头在第几行、列的顺序和常用别名均可识别）；"
            f"支持 .xlsx、.xls 和 .csv，不超过 {limit // 1024 // 1024} MB。"
        )
        self.fields["file"].widget.attrs["data-max-bytes"] = str(limit)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            check_name(uploaded.name)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded
