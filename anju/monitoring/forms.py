"""The list-import page's form (labels and messages in the bureau's words)."""

from __future__ import annotations

from django import forms

from anju.monitoring.models import Source
from anju.registry.io.forms import WorkbookForm, workbook_file

SOURCE_CHOICES = (
    (Source.FPJC, "防返贫监测对象名单（全国防返贫监测信息系统导出）"),
    (Source.MINZHENG, "民政救助对象名单（低保、特困、低保边缘）"),
)


class ListUploadForm(WorkbookForm):
    file_help = (
        "按部门导出的原表直接上传即可（表头在第几行、列的顺序和常用别名均可识别）；"
        "支持 .xlsx、.xls 和 .csv，不超过 {mb} MB。"
    )
    field_order = ["source", "file"]

    source = forms.ChoiceField(
        label="名单来源",
        choices=SOURCE_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "请选择名单来源。",
            "invalid_choice": "请选择防返贫监测或民政名单。",
        },
    )
    file = workbook_file("名单文件")
