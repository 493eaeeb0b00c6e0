"""Forms of the spot-check pages. Messages are Chinese and name the field."""

from __future__ import annotations

from typing import cast

from django import forms

from anju.core.versions import VersionedFormMixin
from anju.inspections import sampling, services
from anju.rectification.models import State
from anju.screening.choices import Aspect

MAX_PHOTOS = 10


def _int_field(label: str, *, required: bool = True, initial=None, help_text: str = ""):
    return forms.IntegerField(
        label=label,
        required=required,
        initial=initial,
        help_text=help_text,
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}应为整数。"},
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class PlanForm(forms.Form):
    villages = _int_field("抽查村数 K", initial=10)
    per_village = _int_field("每村抽查户数 N", initial=10)
    rank_share = _int_field(
        "按排名选取比例（%）",
        initial=sampling.DEFAULT_RANK_SHARE,
        help_text="其余的村从排名靠后的村中随机抽取，防止被预判。",
    )
    fail_at = _int_field(
        "不合格判定户数 d",
        initial=sampling.DEFAULT_FAIL_AT,
        help_text="一个村有 d 户及以上漏报或虚假整改，判定该村不合格。",
    )
    seed = _int_field("随机种子", required=False, help_text="留空则由系统生成并记录。")
    include_open = forms.BooleanField(
        label="允许重复抽取核查中批次已抽取的农户",
        required=False,
        help_text="默认不勾选：同一轮次尚在核查中（结果未公布）的批次已抽取的农户，本次不再抽取。",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            sampling.validate(self.params(), eligible=10**9, seed=data.get("seed"))
        except sampling.SampleError as exc:
            for name, message in exc.errors.items():
                self.add_error(name if name in self.fields else None, message)
        return data

    def params(self) -> sampling.Params:
        d = self.cleaned_data
        return sampling.Params(
            villages=d["villages"],
            per_village=d["per_village"],
            rank_share=d["rank_share"],
            fail_at=d["fail_at"],
        )

    def add_sample_errors(self, exc: sampling.SampleError) -> None:
        for name, message in exc.errors.items():
            self.add_error(name if name in self.fields else None, message)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"class": "form-control", "accept": "image/jpeg,image/png", "multiple": True}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(item, initial) for item in items if item]


class VisitForm(VersionedFormMixin, forms.Form):
    visited_on = forms.DateField(
        label="核查日期",
        error_messages={
            "required": "请填写核查日期。",
            "invalid": "核查日期应为日期，如 2022-06-20。",
        },
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    found_nothing = forms.BooleanField(
        label="现场核查未发现问题",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label="核查情况说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="如入户见到的情况、与农户和村干部核实的内容。",
    )
    photos = PhotosField(
        label="现场照片",
        required=False,
        help_text=f"可多选，一次最多 {MAX_PHOTOS} 张；只收 JPEG、PNG 照片。",
    )

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                f"一次最多上传 {MAX_PHOTOS} 张照片（选了 {len(files)} 张）。"
            )
        return files


def entry_label(entry) -> str:
    closed = "，已销号——如问题仍在即为虚假整改" if entry.state == State.CLOSED else ""
    return (
        f"台账第 {entry.number} 号：{entry.description[:40]}（{entry.get_state_display()}{closed}）"
    )


class ProblemForm(forms.Form):
    aspect = forms.ChoiceField(
        label="问题所属方面",
        choices=[("", "请选择")] + list(Aspect.choices),
        required=False,
        error_messages={"invalid_choice": "请从列表中选择问题所属方面。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label="问题表述",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    ledger_entry = forms.ChoiceField(
        label="乡镇整改台账中",
        required=False,
        error_messages={"invalid_choice": "所选台账条目不属于本户，请重新选择。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ledger_entry"].choices = [("", "未列入台账（漏报）")] + [
            (str(e.pk), entry_label(e)) for e in entries
        ]

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {}) or {}
        return not d.get("aspect") and not (d.get("description") or "").strip()

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("aspect"):
            self.add_error("aspect", "请选择问题所属方面。")
        if not (data.get("description") or "").strip():
            self.add_error("description", "请写明问题表述。")
        return data

    def to_input(self) -> services.ProblemInput:
        d = self.cleaned_data
        entry = d.get("ledger_entry")
        return services.ProblemInput(
            aspect=d["aspect"],
            description=d["description"],
            ledger_entry_id=int(entry) if entry else None,
        )


class BaseProblemFormSet(forms.BaseFormSet):
    def __init__(self, *args, entries=(), **kwargs):
        self.entries = list(entries)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"entries": self.entries}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            entries=self.entries,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def problems(self) -> list[services.ProblemInput]:
        return [f.to_input() for f in self.forms if f.is_valid() and not f.is_blank()]


# The stubs type formset_factory's result as the base BaseFormSet, not the formset= class.
ProblemFormSet = cast(
    "type[BaseProblemFormSet]",
    forms.formset_factory(
        ProblemForm, formset=BaseProblemFormSet, extra=2, max_num=20, absolute_max=20
    ),
)


class ConfirmForm(forms.Form):
    measures = forms.CharField(
        label="整改措施",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        initial=services.DEFAULT_MEASURES,
        error_messages={"required": "请填写整改措施：写明做什么、对谁、何时完成。"},
    )
    deadline = forms.DateField(
        label="完成时限",
        error_messages={
            "required": "请填写完成时限（精确到日）。",
            "invalid": "完成时限应为一个具体日期，如 2022-06-15。",
        },
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
