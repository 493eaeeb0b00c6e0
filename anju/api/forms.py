from django import forms
from django.utils.translation import gettext_lazy as _

from anju.api import tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=60,
        help_text=_("写明这个令牌给哪个系统或做什么用，例如“乡镇台账同步”。会记入审计日志。"),
        error_messages={
            "required": _("请填写令牌用途，例如“乡镇台账同步”。"),
            "max_length": _("令牌用途最多 60 个字。"),
        },
    )
    days = forms.TypedChoiceField(
        label=_("有效期"),
        coerce=int,
        choices=[(d, f"{d} 天") for d in tokens.LIFETIME_DAYS],
        initial=tokens.DEFAULT_LIFETIME_DAYS,
        error_messages={"invalid_choice": _("请选择有效期：30、90、180 或 365 天。")},
    )
