"""What the spot-check pages show: each function returns one template's context."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.urls import reverse

from anju.core import uploads, versions
from anju.inspections import forms, ranking, sampling, services, verdicts
from anju.inspections.models import (
    DEFECT_KINDS,
    ChosenBy,
    Sample,
    SampleHousehold,
    SampleVillage,
    SpotCheckProblem,
)
from anju.screening.models import Finding

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.inspections.models import SpotCheckVisit
    from anju.rectification.models import LedgerEntry
    from anju.registry.models import Household

Context = dict[str, Any]

PREVIEW_ROWS = 30
SAMPLES_SHOWN = 20


# --- planning ---------------------------------------------------------------------------------
def plan_context(campaign: Campaign, form: forms.PlanForm) -> Context:
    started = time.perf_counter()
    ranked = ranking.compute(campaign)
    ms = (time.perf_counter() - started) * 1000
    params = form.params() if form.is_bound and form.is_valid() else None
    villages_k = params.villages if params else form.fields["villages"].initial
    share = params.rank_share if params else sampling.DEFAULT_RANK_SHARE
    by_rank = sampling.ranked_count(villages_k, share)
    rows = [
        {"rank": i, "v": v, "score": float(v.score), "sure": i <= by_rank}
        for i, v in enumerate(ranked.villages[: max(PREVIEW_ROWS, by_rank)], start=1)
    ]
    samples = list(
        Sample.objects.filter(campaign=campaign).select_related("drawn_by")[:SAMPLES_SHOWN]
    )
    open_now = list(services.open_batches(campaign).annotate(n=Count("households")))
    return {
        "form": form,
        "campaign": campaign,
        "formula": sampling.FORMULA,
        "villages": rows,
        "village_count": len(ranked.villages),
        "townships": [(i, t, float(t.score)) for i, t in enumerate(ranked.townships, start=1)],
        "by_rank": by_rank,
        "by_random": max(villages_k - by_rank, 0),
        "villages_k": villages_k,
        "share": share,
        "ranking_ms": ms,
        "samples": [(s, verdicts.summary(verdicts.village_results(s))) for s in samples],
        "open_batches": open_now,
        "open_households": sum(s.n for s in open_now),
    }


# --- a sample ---------------------------------------------------------------------------------
def assign_version(sample: Sample) -> str:
    """The assignment form is opened on every sampled village's inspector."""
    return versions.fingerprint(
        list(sample.villages.order_by("pk").values_list("pk", "inspector_id"))
    )


def record_version(visit: SpotCheckVisit | None) -> str:
    """The spot-check record with its problems, as the form was opened on them."""
    if visit is None:
        return ""
    problems = [versions.version_of(p) for p in visit.problems.order_by("pk")]
    return versions.fingerprint(versions.version_of(visit), problems)


def sample_context(
    sample: Sample,
    *,
    confirm_form: forms.ConfirmForm | None = None,
    checked: Collection[int] = frozenset(),
) -> Context:
    villages = verdicts.village_results(sample)
    result_of = {r.sample_village.pk: r for r in villages}
    households = (
        SampleHousehold.objects.filter(sample=sample)
        .select_related("household", "village", "visit", "visit__inspector")
        .prefetch_related("visit__problems")
        .order_by("sample_village__position", "position")
    )
    groups: OrderedDict[int, list[SampleHousehold]] = OrderedDict(
        (r.sample_village.pk, []) for r in villages
    )
    for sh in households:
        groups[sh.sample_village_id].append(sh)
    defects = (
        SpotCheckProblem.objects.filter(
            visit__sample_household__sample=sample, kind__in=[str(k) for k in DEFECT_KINDS]
        )
        .select_related(
            "visit__sample_household__household",
            "visit__sample_household__village",
            "visit__sample_household__township",
            "ledger_entry",
            "confirmed_entry",
        )
        .order_by("visit__sample_household__sample_village__position", "id")
    )
    pending: list[tuple[SpotCheckProblem, bool]] = []
    confirmed: list[tuple[SpotCheckProblem, bool]] = []
    for p in defects:
        sv_id = p.visit.sample_household.sample_village_id
        ready = result_of[sv_id].inspected == result_of[sv_id].planned
        (confirmed if p.confirmed_entry_id else pending).append((p, ready))
    if confirm_form is None:
        confirm_form = forms.ConfirmForm(
            initial={
                "deadline": services.default_deadline(sample.campaign),
                "measures": services.DEFAULT_MEASURES,
            }
        )
    summary = verdicts.summary(villages)
    chosen = {sv.village_id: sv.chosen_by for sv in (r.sample_village for r in villages)}
    snapshot = [
        {**row, "chosen": ChosenBy(chosen[row["village_id"]]).label}
        if row["village_id"] in chosen
        else row
        for row in sample.ranking[:PREVIEW_ROWS]
    ]
    return {
        "sample": sample,
        "villages": [(r, groups[r.sample_village.pk]) for r in villages],
        "townships": verdicts.township_results(villages),
        "summary": summary,
        "left": summary["planned"] - summary["inspected"],
        "lqas": verdicts.explanation(sample.households_per_village, sample.fail_at),
        "verification": services.verify(sample),
        "inspectors": list(services.inspectors()),
        "pending_defects": pending,
        "confirmed_defects": confirmed,
        "confirm_form": confirm_form,
        "checked": checked,
        "can_publish": sample.status == Sample.Status.DRAWN
        and summary["inspected"] == summary["planned"],
        "editable": sample.status == Sample.Status.DRAWN,
        "snapshot": snapshot,
        "snapshot_total": len(sample.ranking),
        "townships_snapshot": sample.township_ranking,
        "formula": sampling.FORMULA,
        "assign_version": assign_version(sample),
    }


# --- the inspector ------------------------------------------------------------------------------
def mine_context(user: User) -> Context:
    rows = (
        SampleHousehold.objects.filter(
            sample_village__inspector=user, sample__status=Sample.Status.DRAWN
        )
        .select_related("sample", "household", "village", "township", "visit")
        .prefetch_related("visit__problems")
        .order_by("sample_id", "sample_village__position", "position")
    )
    groups: OrderedDict[tuple[Any, ...], dict[str, list[SampleHousehold]]] = OrderedDict()
    for sh in rows:
        group = groups.setdefault((sh.sample, sh.township, sh.village), {"todo": [], "done": []})
        group["done" if hasattr(sh, "visit") else "todo"].append(sh)
    # What is left to do comes first: villages with households still to check (most
    # left first, then in the sample's order), then the finished ones; within a village
    # the households to check, the checked ones folded under them.
    ordered = sorted(
        enumerate(groups.items()),
        key=lambda item: (not item[1][1]["todo"], -len(item[1][1]["todo"]), item[0]),
    )
    left = sum(len(g["todo"]) for g in groups.values())
    return {
        "groups": [
            {
                "sample": sample,
                "township": township,
                "village": village,
                "todo": g["todo"],
                "done": g["done"],
                "total": len(g["todo"]) + len(g["done"]),
            }
            for _, ((sample, township, village), g) in ordered
        ],
        "left": left,
        "total": sum(len(g["todo"]) + len(g["done"]) for g in groups.values()),
    }


def visit_initial(visit: SpotCheckVisit | None) -> dict[str, Any]:
    if visit is None:
        from django.utils import timezone

        return {"visited_on": timezone.localdate()}
    return {
        "visited_on": visit.visited_on,
        "found_nothing": visit.found_nothing,
        "note": visit.note,
    }


def problems_initial(visit: SpotCheckVisit | None) -> list[dict[str, str]]:
    if visit is None:
        return []
    return [
        {
            "aspect": p.aspect,
            "description": p.description,
            "ledger_entry": str(p.ledger_entry_id) if p.ledger_entry_id else "",
        }
        for p in visit.problems.all()
    ]


def attach_errors(
    form: forms.VisitForm, formset: forms.BaseProblemFormSet, exc: ValidationError
) -> None:
    filled = [f for f in formset.forms if f.is_valid() and not f.is_blank()]
    for key, messages in exc.message_dict.items():
        if key.startswith("problem-"):
            index = int(key.split("-", 1)[1]) - 1
            target = filled[index] if index < len(filled) else None
            for message in messages:
                if target is not None:
                    target.add_error(None, message)
                else:
                    form.add_error(None, message)
        else:
            for message in messages:
                form.add_error(key if key in form.fields else None, message)


def household_facts(household: Household) -> list[tuple[str, str]]:
    facts = [
        ("户主", household.head_name),
        ("身份证号", household.id_number_masked),
        ("所在村", f"{household.township.name}{household.village.name}"),
        ("家庭人口", f"{household.size} 人"),
        ("房屋结构", household.get_structure_display() or "未填"),
    ]
    assessment = household.assessment
    facts.append(
        (
            "当前鉴定",
            f"{assessment.get_grade_display()}（{assessment.assessed_on or '日期未填'}）"
            if assessment
            else "无鉴定记录",
        )
    )
    renovation = household.renovation
    facts.append(
        (
            "危房改造",
            f"{renovation.method_label}，{renovation.state_label}"
            if renovation and renovation.has_method
            else "改造记录未填改造方式"
            if renovation
            else "无改造记录",
        )
    )
    return facts


def visit_context(
    sh: SampleHousehold,
    entries: Sequence[LedgerEntry],
    form: forms.VisitForm,
    formset: forms.BaseProblemFormSet,
    can_edit: bool,
) -> Context:
    household = (
        type(sh.household)
        .objects.select_related("township", "village", "assessment", "renovation")
        .get(pk=sh.household_id)
    )
    visit = getattr(sh, "visit", None)
    photos = list(visit.photos.all()) if visit else []
    return {
        "sh": sh,
        "sample": sh.sample,
        "household": household,
        "facts": household_facts(household),
        "entries": entries,
        "findings": Finding.objects.firing().filter(household_id=sh.household_id),
        "visit": visit,
        "problems": list(visit.problems.select_related("ledger_entry")) if visit else [],
        "photos": [
            (
                p,
                reverse("inspections:visit_photo", args=[sh.sample_id, sh.household_id, p.pk]),
            )
            for p in photos
        ],
        "form": form,
        "formset": formset,
        "can_edit": can_edit,
        "locked": services.locked_reason(sh),
        "max_size": uploads.human_size(uploads.max_bytes()),
        "max_bytes": uploads.max_bytes(),
    }


# --- township results ---------------------------------------------------------------------------
def results_context(user: User) -> Context:
    township = user.unit
    confirmed = (
        SpotCheckProblem.objects.filter(
            confirmed_entry__isnull=False, visit__sample_household__township=township
        )
        .select_related(
            "confirmed_entry",
            "visit__sample_household__household",
            "visit__sample_household__village",
        )
        .order_by("-confirmed_at")
    )
    published = []
    for sample in Sample.objects.published().filter(villages__township=township).distinct():
        mine = SampleVillage.objects.filter(sample=sample, township=township)
        rows = verdicts.village_results(sample, mine)
        problems = SpotCheckProblem.objects.filter(
            visit__sample_household__sample=sample,
            visit__sample_household__township=township,
            kind__in=[str(k) for k in DEFECT_KINDS],
        ).select_related(
            "visit__sample_household__household",
            "visit__sample_household__village",
            "ledger_entry",
            "confirmed_entry",
        )
        published.append(
            {
                "sample": sample,
                "villages": rows,
                "township": verdicts.township_results(rows)[0] if rows else None,
                "problems": problems,
                "lqas": verdicts.explanation(sample.households_per_village, sample.fail_at),
            }
        )
    return {"township": township, "confirmed": confirmed, "published": published}
