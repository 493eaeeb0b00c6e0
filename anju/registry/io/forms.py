"""Forms of the import and export pages (labels and messages in the bureau's words)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from anju.accounts.roles import UNMASK
from anju.registry.io.readers import FileRefused, check_name, max_bytes
from anju.registry.models import ImportBatch
from anju.units.models import Unit

Mode = ImportBatch.Mode
MODE_CHOICES = (
    (Mode.DRY_RUN, "先检查，不写入（推荐：看清问题再导入）"),
    (Mode.VALID_ONLY, "只导入无误的行，有错误的行列出待改"),
    (Mode.ALL, "全部导入：有任何错误则一行也不写入"),
)


def workbook_file(label: str) -> forms.FileField:
    """The file field of a workbook import (the registry's, a department list's)."""
    return forms.FileField(
        label=label,
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的（0 字节）。"},
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv", "data-max-bytes": ""}
        ),
    )


class WorkbookForm(forms.Form):
    """A workbook import's form: ``file = workbook_file(label)``, its help (``file_help``,
    with ``{mb}`` the size limit) and the browser's size check set from the limit, and the
    file's name refused (by its extension) before anything is stored."""

    file_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_bytes()
        self.fields["file"].help_text = self.file_help.format(mb=limit // 1024 // 1024)
        self.fields["file"].widget.attrs["data-max-bytes"] = str(limit)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            check_name(uploaded.name)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


class ImportForm(WorkbookForm):
    file_help = "支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK 编码），不超过 {mb} MB。"

    file = workbook_file("农户住房信息表")
    mode = forms.ChoiceField(
        label="导入方式",
        choices=MODE_CHOICES,
        initial=Mode.DRY_RUN,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "请选择导入方式。"},
    )
    create_villages = forms.BooleanField(
        label="自动新建村名单中没有的行政村",
        required=False,
        help_text="不勾选时，村名与系统中的村名单对不上的行会列为错误。",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=((Mode.ALL, Mode.ALL.label), (Mode.VALID_ONLY, Mode.VALID_ONLY.label))
    )


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if self.with_township else obj.name


class ExportForm(forms.Form):
    township = forms.ModelChoiceField(
        label="乡镇",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部乡镇",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择您管辖范围内的乡镇。"},
    )
    village = VillageChoice(
        label="行政村",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部村",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择您管辖范围内的行政村。"},
    )
    fmt = forms.ChoiceField(
        label="文件格式",
        choices=(
            ("xlsx", "Excel 工作簿（.xlsx，与导入模板相同）"),
            ("csv", "CSV 文本（.csv，UTF-8）"),
        ),
        initial="xlsx",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "请选择文件格式。"},
    )
    unmasked = forms.BooleanField(
        label="包含完整的身份证号和联系电话（导出后可改好再导入）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label="导出理由",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.for_user(user).filter(is_active=True)
        townships = units.townships().order_by("code")
        self.fields["township"].queryset = townships
        self.show_township = townships.count() > 1
        villages = units.villages().select_related("parent").order_by("code")
        self.fields["village"].queryset = villages
        self.fields["village"].with_township = self.show_township
        self.show_village = user.unit is not None and user.unit.level != "village"
        if user.role not in UNMASK:
            del self.fields["unmasked"]
        self.fields[
            "reason"
        ].help_text = (
            f"导出完整身份证号与电话，或超过 {settings.EXPORT_BULK_ROWS} 户时必填；记入审计。"
        )

    def clean(self):
        data = super().clean()
        township, village = data.get("township"), data.get("village")
        if village is not None and township is not None and village.parent_id != township.pk:
            self.add_error("village", "所选行政村不在所选乡镇下。")
        return data
