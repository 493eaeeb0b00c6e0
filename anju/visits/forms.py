"""Forms of the visit pages, with messages in the bureau's words next to each field."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from anju.core.versions import VersionedFormMixin
from anju.registry.choices import Grade
from anju.units.models import Unit
from anju.visits import checklist
from anju.visits.models import EntryMode, PhotoKind, Reason, VisitorRole

ANSWER_CHOICES = [(a, a) for a in checklist.ANSWERS]
# The photo inputs of the visit form: field name → (kind, several allowed, label).
PHOTO_INPUTS = {
    "photo_front": (PhotoKind.FRONT, False, "房屋正面"),
    "photo_plaque": (PhotoKind.PLAQUE, False, "门口挂牌"),
    "photo_problem": (PhotoKind.PROBLEM, True, "问题部位（可选多张）"),
    "signed_form": (PhotoKind.SIGNED_FORM, False, "户主签字的纸质排查表"),
    "signature": (PhotoKind.SIGNATURE, False, "户主签字"),
}
CAMERA_INPUTS = ("photo_front", "photo_plaque", "photo_problem")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}不是有效日期（应如 2022-06-05）。",
        },
    )


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets; an invalid field points at its message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-describedby"] = f"id_{name}_error"


class VisitForm(VersionedFormMixin, forms.Form):
    """The checklist with who, when and where. Photos travel beside it in request.FILES."""

    visitor_name = forms.CharField(
        label="走访人姓名",
        max_length=20,
        error_messages={"required": "请填写走访人姓名。", "max_length": "姓名不能超过20个字。"},
    )
    visitor_role = forms.ChoiceField(
        label="走访人身份",
        choices=[("", "请选择"), *VisitorRole.choices],
        error_messages={
            "required": "请选择走访人身份。",
            "invalid_choice": "请从列表中选择走访人身份。",
        },
    )
    visited_on = _date_field("走访日期")
    mode = forms.ChoiceField(
        label="录入方式",
        choices=EntryMode.choices,
        initial=EntryMode.PHONE,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择录入方式。"},
    )
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        widget=forms.HiddenInput,
    )  # fmt: skip
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        widget=forms.HiddenInput,
    )  # fmt: skip
    accuracy = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    plaque_grade_seen = forms.ChoiceField(
        label="牌子上写的等级",
        required=False,
        choices=[("", "未看清/无牌"), *Grade.choices],
    )
    subsidy_received_on = _date_field("补助到账日期（农户所述）", required=False)
    note = forms.CharField(
        label="其他情况",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "其他情况不能超过1000个字。"},
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        for q in checklist.QUESTIONS:
            self.fields[f"q_{q.code}"] = forms.ChoiceField(
                label=q.text,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={
                    "required": "请选择“是”“否”或“不适用”。",
                    "invalid_choice": "请选择“是”“否”或“不适用”。",
                },
            )
            self.fields[f"n_{q.code}"] = forms.CharField(
                label="备注",
                required=False,
                max_length=200,
                error_messages={"max_length": "备注不能超过200个字。"},
            )
            if not self.is_bound and not checklist.applies(q, household):
                self.initial.setdefault(f"q_{q.code}", checklist.NA)

    def questions(self):
        """(aspect title, [(number, question, answer field, note field, registry hint)])."""
        groups: dict[str, list] = {}
        for number, q in enumerate(checklist.QUESTIONS, start=1):
            hint = checklist.registry_hint(q, self.household)
            groups.setdefault(q.aspect, []).append(
                (number, q, self[f"q_{q.code}"], self[f"n_{q.code}"], hint)
            )
        return [(checklist.ASPECTS[a], items) for a, items in groups.items()]

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            data["latitude"] = data["longitude"] = None
        seen = data.get("plaque_grade_seen") or ""
        on_file = checklist.grade_on_file(self.household)
        plaque = data.get("q_plaque")
        grade_answer = data.get("q_plaque_grade")
        if seen and plaque == checklist.NO:
            self.add_error("plaque_grade_seen", "第1题答“否”（没有挂牌）时，不用选择牌子上的等级。")
        elif seen and on_file and grade_answer in (checklist.YES, checklist.NO):
            same = seen == on_file
            if same != (grade_answer == checklist.YES):
                self.add_error(
                    "q_plaque_grade",
                    f"牌子上的等级为{seen}级，档案中的当前等级为{on_file}级，本题应选"
                    f"“{'是' if same else '否'}”。",
                )
        return data

    def answers(self) -> dict[str, dict]:
        out = {}
        for q in checklist.QUESTIONS:
            out[q.code] = {
                "answer": self.cleaned_data[f"q_{q.code}"],
                "note": (self.cleaned_data.get(f"n_{q.code}") or "").strip(),
            }
        return out

    def location(self) -> tuple[Decimal | None, Decimal | None, int | None]:
        if self.cleaned_data.get("mode") == EntryMode.PAPER:
            return None, None, None
        return (
            self.cleaned_data.get("latitude"),
            self.cleaned_data.get("longitude"),
            self.cleaned_data.get("accuracy"),
        )


class RejectForm(StyledForm):
    reason = forms.CharField(
        label="不采纳的理由",
        max_length=200,
        error_messages={"required": "请填写不采纳的理由。", "max_length": "理由不能超过200个字。"},
    )


class AcceptProblemForm(StyledForm):
    description = forms.CharField(
        label="问题表述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写问题表述。"},
    )
    measures = forms.CharField(
        label="整改措施",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明做什么、对谁、何时完成，如：由村两委于6月10日前为该户补挂鉴定牌并拍照存档。",
        error_messages={"required": "请填写整改措施：写明做什么、对谁、何时完成。"},
    )
    deadline = _date_field("完成时限")
    leader = forms.CharField(label="责任领导", max_length=60, required=False)


class DiscardProblemForm(StyledForm):
    reason = forms.CharField(
        label="不纳入台账的理由",
        max_length=200,
        error_messages={"required": "请填写不纳入台账的理由。"},
    )


class CheckFlagsForm(StyledForm):
    note = forms.CharField(
        label="核实情况",
        max_length=200,
        error_messages={"required": "请填写核实情况。"},
    )


class ExplainForm(VersionedFormMixin, StyledForm):
    reason = forms.ChoiceField(
        label="未走访原因",
        choices=[("", "请选择"), *Reason.choices],
        error_messages={"required": "请选择未走访原因。"},
    )
    detail = forms.CharField(label="具体情况", max_length=200, required=False)
    phone_checked_on = _date_field("电话核实日期")
    phone_check_result = forms.CharField(
        label="电话核实情况",
        max_length=200,
        help_text="联系了谁、对方说明了什么，如：已电话联系户主，确认在浙江务工，房屋无人居住、无安全隐患。",
        error_messages={"required": "请填写电话核实情况。"},
    )


class PrintFilterForm(StyledForm):
    village: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label="行政村", queryset=None, required=False, empty_label="全部村"
    )
    include_visited = forms.BooleanField(label="包括已走访的户", required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
