"""Forms of the final-submission pages. Messages are Chinese and name the field."""

from __future__ import annotations

from django import forms

from anju.acceptance import scan
from anju.acceptance.services import TRANSITIONS
from anju.core.transitions import ReasonForm, reason_field
from anju.core.versions import VersionedFormMixin


def _text(label: str, help_text: str, rows: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=5000,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}不能超过 5000 字。",
        },
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


class NarrativeForm(VersionedFormMixin, forms.Form):
    document_number = forms.CharField(
        label="发文字号（可不填）",
        help_text="本乡镇报告的发文字号，如“某政〔年份〕12号”；不填则打印后手写。",
        required=False,
        max_length=40,
        error_messages={"max_length": "发文字号不能超过 40 个字。"},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    situation = _text(
        "工作开展情况",
        "写入整改报告“一、基本情况”：本乡镇如何组织开展排查整改（组织领导、力量安排、排查方式等）。"
        "每段一行；排查户数和问题数由系统按数据生成，不必填写。",
        5,
        required=True,
    )
    cases = _text(
        "典型案例（可不填）",
        "写入整改报告“典型案例”：每行一个案例，如“某村张某户……经整改……”。不得填写身份证号、手机号等个人信息。",
        4,
    )
    mechanism = _text(
        "长效机制建设情况",
        "写入整改报告“长效机制建设情况”：如住房安全动态监测、定期巡查、发现一户改造一户等"
        "制度的建立和落实情况，每段一行。",
        4,
        required=True,
    )
    measures = _text(
        "下一步措施",
        "写入整改报告“下一步措施”，每段一行；不填则使用通用表述。",
        4,
    )


class ScanForm(forms.Form):
    file = forms.FileField(
        label="盖章扫描件",
        help_text=(
            f"加盖单位公章并经主要负责同志签字后的整改报告扫描件或照片：PDF（不超过 "
            f"{scan.max_pages()} 页），或整页的 JPG、PNG 照片（短边至少 {scan.MIN_SHORT_SIDE} 像素），"
            f"不超过 {scan.max_bytes() // (1024 * 1024)} MB；按文件内容检查。"
        ),
        error_messages={"required": "请选择盖章扫描件。", "empty": "所选文件是空文件。"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": scan.ACCEPT}),
    )


class ReturnForm(ReasonForm):
    reason = reason_field(
        TRANSITIONS["return"], "写明需要乡镇改正什么，乡镇经办人和主要负责人会收到提醒。"
    )


class ReopenForm(ReasonForm):
    reason = reason_field(
        TRANSITIONS["reopen"],
        "写明验收后台账有哪些变化、需要乡镇重新上报什么。已通过的材料连同签字和哈希留作记录，"
        "乡镇经办人重新生成、主要负责人重新签字并上传盖章扫描件后再审核。",
    )
