"""The round form: a round as the bureau's document states it. Messages are Chinese and
name the field."""

from __future__ import annotations

from django import forms

from anju.campaigns import services
from anju.core.versions import VersionedFormMixin
from anju.reporting.models import Weekday
from anju.screening import rules

TEXT = {"class": "form-control"}


def date_field(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}应为日期，如 2031-06-15。",
        },
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def schedule_field(name: str) -> forms.Field:
    """A field of the round's schedule, asked alike by the round form and reporting's
    schedule form: the phases' last days, the weekly report day and its time."""
    if name == "report_weekday":
        return forms.TypedChoiceField(
            label="每周报送日",
            choices=Weekday.choices,
            coerce=int,
            error_messages={
                "required": "请选择每周报送日。",
                "invalid_choice": "请选择每周报送日。",
            },
            widget=forms.Select(attrs={"class": "form-select"}),
        )
    if name == "report_time":
        return forms.TimeField(
            label="报送截止时刻",
            help_text="北京时间，精确到分钟。截止时刻当分当秒（如 17:00:00）报送算按时，晚 1 秒算逾期。",
            input_formats=["%H:%M"],
            error_messages={
                "required": "请填写报送截止时刻。",
                "invalid": "报送截止时刻应如 17:00。",
            },
            widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
        )
    return date_field(*PHASE_ENDS[name])


PHASE_ENDS = {
    "mobilise_ends_on": ("动员部署阶段截止日期", "各乡镇在此前上传工作方案。"),
    "rectify_ends_on": (
        "排查整改阶段截止日期",
        "第 1 周从排查整改阶段第一天开始；此后不再接收周报。",
    ),
    "accept_ends_on": ("总结验收阶段截止日期", "乡镇在总结验收阶段报送整改报告和最终台账。"),
}


def _text(label: str, max_length: int, *, required=False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}不超过 {max_length} 个字。",
        },
        widget=forms.TextInput(attrs=TEXT),
    )


def rule_choices() -> list[tuple[str, str]]:
    return [(r.code, f"{r.code} {r.title}") for r in rules.all_rules()]


class RoundForm(VersionedFormMixin, forms.Form):
    name = _text(
        "名称",
        120,
        required=True,
        help_text="方案标题，如“某县2031年度农村危房改造“回头看”工作方案”。",
    )
    document_number = _text("文号", 40, help_text="如“测建〔2031〕7号”。")
    issuing_office = _text(
        "发文单位", 60, help_text="印发方案的单位，通报和总结报告以它的名义印发。"
    )
    superior_office = _text("上级主管部门", 60, help_text="县级总结报告报送的上级部门。")
    starts_on = date_field("开始日期")
    ends_on = date_field("结束日期")
    mobilise_ends_on = schedule_field("mobilise_ends_on")
    mobilise_required = _text(
        "动员部署阶段方案要求", 60, help_text="方案原文的时限，如“5月底前”，可不填。"
    )
    rectify_ends_on = schedule_field("rectify_ends_on")
    rectify_required = _text("排查整改阶段方案要求", 60, help_text="如“6月中旬前”，可不填。")
    accept_ends_on = schedule_field("accept_ends_on")
    accept_required = _text("总结验收阶段方案要求", 60, help_text="如“6月25日前”，可不填。")
    report_weekday = schedule_field("report_weekday")
    report_time = schedule_field("report_time")
    list_due_day = forms.IntegerField(
        label="名单报送日",
        min_value=1,
        max_value=28,
        initial=5,
        help_text="每月几日前收到乡村振兴、民政部门的名单（1—28日）。",
        error_messages={
            "required": "请填写名单报送日。",
            "invalid": "名单报送日应为 1—28 的整数。",
            "min_value": "名单报送日应为 1—28 的整数。",
            "max_value": "名单报送日应为 1—28 的整数。",
        },
        widget=forms.NumberInput(attrs=TEXT),
    )
    assess_due_day = forms.IntegerField(
        label="新增户鉴定完成日",
        min_value=1,
        max_value=28,
        initial=20,
        help_text="名单新增农户须在当月几日前完成住房安全鉴定（1—28日）。",
        error_messages={
            "required": "请填写新增户鉴定完成日。",
            "invalid": "新增户鉴定完成日应为 1—28 的整数。",
            "min_value": "新增户鉴定完成日应为 1—28 的整数。",
            "max_value": "新增户鉴定完成日应为 1—28 的整数。",
        },
        widget=forms.NumberInput(attrs=TEXT),
    )
    scope_all_groups = forms.BooleanField(
        label="扩大到六类重点对象",
        required=False,
        help_text="默认只排查脱贫户（享受政策）和监测对象；勾选后包括全部六类重点对象。",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    enabled_rules = forms.MultipleChoiceField(
        label="启用的筛查规则",
        required=False,
        help_text="未勾选的规则本轮不筛查。各规则的参数在发布前后都可在“筛查规则”页调整。",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "规则 %(value)s 不存在。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_rules"].choices = rule_choices()

    def clean(self):
        data = super().clean()
        dates = ("starts_on", "ends_on", "mobilise_ends_on", "rectify_ends_on", "accept_ends_on")
        if not all(data.get(name) for name in dates):
            return data
        for name, message in services.validate(data).items():
            self.add_error(name, message)
        return data

    def round_data(self) -> services.RoundData:
        values = {
            k: v for k, v in self.cleaned_data.items() if k not in ("version", "enabled_rules")
        }
        on = set(self.cleaned_data.get("enabled_rules") or [])
        values["disabled_rules"] = [code for code, _label in rule_choices() if code not in on]
        return services.RoundData(values)


def initial_of(values: dict) -> dict:
    """Form initial values from a round's values (``disabled_rules`` → ticked rules)."""
    off = set(values.get("disabled_rules") or [])
    initial = {k: v for k, v in values.items() if k != "disabled_rules"}
    initial["enabled_rules"] = [code for code, _label in rule_choices() if code not in off]
    return initial


def values_of(campaign) -> dict:
    """A stored round's values as the form shows them."""
    from anju.reporting.models import Schedule

    values = {name: getattr(campaign, name) for name in services.ROUND_FIELDS}
    schedule = Schedule.objects.filter(campaign=campaign).first()
    if schedule is not None:
        values.update({name: getattr(schedule, name) for name in services.SCHEDULE_FIELDS})
    else:
        values.update(services.blank_schedule(campaign.starts_on, ends_on=campaign.ends_on))
    return values
