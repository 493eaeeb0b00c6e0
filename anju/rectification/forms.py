"""Forms of the ledger pages, each message next to its field in the bureau's words.

The entry form asks for what the annex needs (问题性质, 问题表述, 整改措施, 完成时限) plus
责任领导, 产生原因及分析, the village and the households; its checks are those of
``services.validate`` (the same the service applies), so a page and a command agree.
"""

from __future__ import annotations

import unicodedata

from django import forms

from anju.core.forms import ChineseMessagesMixin
from anju.core.versions import VersionedFormMixin
from anju.rectification import selectors, services
from anju.rectification.models import Nature, State
from anju.registry.models import Household
from anju.units.models import Unit

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
NOT_A_DAY = (
    "完成时限不是一个真实的日期（如 6月31日 并不存在），请填写精确到日的日期，如 2022-06-15。"
)


class DeadlineInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A real day in any of the usual spellings (2022-06-15, 2022年6月15日, full-width)."""

    widget = DeadlineInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = NOT_A_DAY

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        return super().to_python(value)


class EntryForm(VersionedFormMixin, ChineseMessagesMixin, forms.Form):
    nature = forms.ChoiceField(
        label="问题性质",
        choices=Nature.choices,
        widget=forms.RadioSelect,
        help_text="共性问题：多户、同一原因；个性问题：一户的问题。",
    )
    aspect = forms.ChoiceField(
        label="问题方面",
        choices=[("", "（不分类）"), *selectors.ASPECTS],
        required=False,
    )
    description = forms.CharField(
        label="问题表述",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写清哪户、什么问题，如：张某某户C级危房未挂牌。",
    )
    measures = forms.CharField(
        label="整改措施",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="要有针对性、操作性：对哪户、做什么、何时完成，如：6月10日前由村两委完成挂牌并拍照存档。",
    )
    deadline = DayField(label="完成时限", required=False, help_text="精准到“日”。")
    cross_period = forms.BooleanField(
        label="跨期整改（本轮结束之后才能完成）",
        required=False,
        help_text="只用于本轮期间内确实完成不了的措施，如D级危房拆除重建；本轮结束时转入下一轮。",
    )
    cross_reason = forms.CharField(
        label="跨期原因",
        max_length=200,
        required=False,
        help_text="如：D级危房拆除重建，主体施工需跨年度完成。",
    )
    responsible_leader = forms.CharField(
        label="责任领导", max_length=60, required=False, help_text="如：副镇长 张某某"
    )
    cause = forms.CharField(
        label="产生原因及分析",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    village = forms.ModelChoiceField(
        label="行政村",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（按所选农户确定）",
    )
    households = forms.ModelMultipleChoiceField(
        label="涉及农户",
        queryset=Household.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, township, campaign, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.township, self.campaign, self.entry = user, township, campaign, entry
        self.fields["village"].queryset = selectors.villages_for(user, township)
        self.fields["households"].queryset = Household.objects.for_user(user).filter(
            township=township
        )
        self.apply_messages()
        self.fields["deadline"].error_messages["invalid"] = NOT_A_DAY
        self.fields["village"].error_messages["invalid_choice"] = "所选的村不在本乡镇。"
        self.fields["households"].error_messages["invalid_choice"] = (
            "所选农户不在您的管辖范围内，请重新查找。"
        )
        self.fields["nature"].widget.attrs["class"] = "form-check-input"
        self.fields["nature"].error_messages["required"] = "请选择问题性质：共性问题或个性问题。"
        latest = campaign.ends_on + services.CROSS_MAX  # a 跨期 deadline may be after the end
        self.fields["deadline"].widget.attrs.update(
            {"min": campaign.starts_on.isoformat(), "max": latest.isoformat()}
        )
        # required as on the annex (a draft may stay incomplete); the messages are those of
        # services.validate, so the page and the service say the same
        required = {"description": "请填写问题表述。"}
        if not self.draft:
            required["measures"] = "请填写整改措施：写明做什么、对谁、何时完成。"
            required["deadline"] = "请填写完成时限（精确到日）。"
        for name, message in required.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["deadline"].help_text = (
            f"精准到“日”，在本轮期间内（{campaign.starts_on:%Y-%m-%d} 至 "
            f"{campaign.ends_on:%Y-%m-%d}）；跨期整改的可晚于本轮结束。"
        )

    @property
    def draft(self) -> bool:
        return self.entry is not None and self.entry.state == State.DRAFT

    def clean(self):
        data = super().clean()
        deadline = data.get("deadline")
        if "deadline" in self.errors:
            deadline = None
        changed = self.entry is None or deadline != self.entry.deadline
        errors = services.validate(
            campaign=self.campaign,
            nature=data.get("nature") or "",
            description=data.get("description") or "",
            measures=data.get("measures") or "",
            deadline=deadline,
            draft=self.draft,
            today=selectors.today(),
            check_past=changed,
            cross_period=bool(data.get("cross_period")),
            cross_reason=data.get("cross_reason") or "",
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        households = list(data.get("households") or [])
        if data.get("nature") == Nature.INDIVIDUAL and len(households) > 1:
            self.add_error(
                "households",
                f"个性问题只涉及一户，现选了 {len(households)} 户；涉及多户请选“共性问题”。",
            )
        village = data.get("village")
        if village is not None:
            elsewhere = [h.head_name for h in households if h.village_id != village.pk]
            if elsewhere:
                self.add_error(
                    "households",
                    f"{'、'.join(elsewhere[:5])}不在{village.name}；跨村的问题请把“行政村”留空。",
                )
        return data

    def entry_data(self) -> dict:
        d = self.cleaned_data
        return {
            "nature": d["nature"],
            "aspect": d.get("aspect") or "",
            "description": d.get("description") or "",
            "measures": d.get("measures") or "",
            "deadline": d.get("deadline"),
            "responsible_leader": d.get("responsible_leader") or "",
            "cause": d.get("cause") or "",
            "village": d.get("village"),
            "cross_period": bool(d.get("cross_period")),
            "cross_reason": (d.get("cross_reason") or "") if d.get("cross_period") else "",
        }


def initial_from(entry) -> dict:
    return {
        "nature": entry.nature,
        "aspect": entry.aspect,
        "description": entry.description,
        "measures": entry.measures,
        "deadline": entry.deadline,
        "responsible_leader": entry.responsible_leader,
        "cause": entry.cause,
        "village": entry.village_id,
        "cross_period": entry.cross_period,
        "cross_reason": entry.cross_reason,
        "households": list(entry.households.values_list("pk", flat=True)),
    }


def initial_from_post(post) -> dict:
    """What the user typed, to show again after a household search (nothing is saved)."""
    initial = {name: post.get(name, "") for name in EntryForm.base_fields if name != "households"}
    initial["households"] = [int(v) for v in post.getlist("households") if v.isdigit()]
    return initial


class NoteForm(ChineseMessagesMixin, forms.Form):
    on = DayField(label="日期", required=False, help_text="进展发生的日期，默认今天。")
    text = forms.CharField(
        label="进展情况",
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_messages()
        self.fields["on"].error_messages["invalid"] = "日期不是真实的日期，请按 2022-06-15 填写。"
        self.fields["on"].widget.attrs["max"] = selectors.today().isoformat()
        self.fields["on"].initial = selectors.today()
        self.fields["text"].error_messages["required"] = "请填写进展情况。"


class EvidenceForm(ChineseMessagesMixin, forms.Form):
    file = forms.FileField(
        label="佐证文件",
        help_text="整改后的照片（JPEG、PNG）或盖章文件的扫描件（PDF）。",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_messages()
        self.fields["file"].error_messages.update(
            {
                "required": "请选择要上传的照片或 PDF 文件。",
                "empty": "所选文件是空文件，请重新选择。",
                "invalid": "没有收到文件，请重新选择。",
            }
        )
        self.fields["file"].widget.attrs.update(
            {"accept": "image/jpeg,image/png,application/pdf", "class": "form-control"}
        )


class FromFindingsForm(ChineseMessagesMixin, forms.Form):
    """Put screening findings on the ledger: a new entry, or join one already on it."""

    mode = forms.ChoiceField(
        label="纳入方式",
        choices=[("new", "新建台账条目"), ("join", "并入已有条目")],
        widget=forms.RadioSelect,
        initial="new",
    )
    join = forms.ModelChoiceField(
        label="并入条目", queryset=Unit.objects.none(), required=False, empty_label="请选择"
    )
    nature = forms.ChoiceField(label="问题性质", choices=Nature.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="问题表述", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label="整改措施",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="要有针对性、操作性：对哪户、做什么、何时完成。",
    )
    deadline = DayField(label="完成时限", required=False, help_text="精准到“日”。")
    responsible_leader = forms.CharField(label="责任领导", max_length=60, required=False)
    cause = forms.CharField(
        label="产生原因及分析",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, joinable, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["join"].queryset = joinable
        self.fields["join"].label_from_instance = lambda e: f"{e.label} {e.description[:30]}"
        self.apply_messages()
        for name in ("mode", "nature"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["nature"].required = False
        self.fields["deadline"].error_messages["invalid"] = NOT_A_DAY
        self.fields["deadline"].widget.attrs.update(
            {"min": campaign.starts_on.isoformat(), "max": campaign.ends_on.isoformat()}
        )

    def clean(self):
        data = super().clean()
        if data.get("mode") == "join" and not data.get("join"):
            self.add_error("join", "请选择要并入的台账条目。")
        return data
