"""The township's side of visits: review what visits found (corrections, problems, flags),
coverage for the township and the city, and explaining households that were not visited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign, county_of
from anju.core import versions
from anju.core.access import allow
from anju.core.redirects import safe_next
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.rectification.models import State
from anju.registry.models import Household
from anju.units.models import Unit
from anju.visits import coverage as cov
from anju.visits import forms, services
from anju.visits.models import (
    Correction,
    Decision,
    ProblemStatus,
    UnvisitedReason,
    Visit,
    VisitProblem,
)

REVIEW_READERS = frozenset({*TOWNSHIP, Role.CITY_REVIEWER})
COVERAGE_ROLES = frozenset({*TOWNSHIP, *CITY})
LIST_CAP = 100


def _add_errors(form, exc: ValidationError) -> None:
    for name, messages_ in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def pending_counts(user, campaign) -> dict:
    return {
        "corrections": Correction.objects.for_user(user)
        .filter(status=Decision.PENDING, visit__campaign=campaign)
        .count(),
        "problems": VisitProblem.objects.for_user(user)
        .filter(status=ProblemStatus.OPEN, entry__state=State.DRAFT, visit__campaign=campaign)
        .count(),
        "flagged": Visit.objects.for_user(user).flags_unchecked().filter(campaign=campaign).count(),
    }


@allow(REVIEW_READERS)
def review(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    corrections = (
        Correction.objects.for_user(user)
        .filter(status=Decision.PENDING, visit__campaign=campaign)
        .select_related("visit", "household__village")
    )
    problems = (
        VisitProblem.objects.for_user(user)
        .filter(status=ProblemStatus.OPEN, entry__state=State.DRAFT, visit__campaign=campaign)
        .select_related("visit", "household__village", "entry")
    )
    flagged = (
        Visit.objects.for_user(user)
        .flags_unchecked()
        .filter(campaign=campaign)
        .select_related("household__village")
    )
    return render(
        request,
        "visits/review.html",
        {
            "campaign": campaign,
            "corrections": corrections[:LIST_CAP],
            "problems": problems[:LIST_CAP],
            "flagged": flagged[:LIST_CAP],
            "counts": pending_counts(user, campaign),
            "cap": LIST_CAP,
            "can_review": services.can_review(user),
        },
    )


def _back(request, default: str):
    return redirect(safe_next(request, default))


# --- corrections ------------------------------------------------------------------------------------------
@allow(REVIEW_READERS)
def correction(request, pk: int):
    qs = Correction.objects.select_related("visit", "household__village", "decided_by")
    item = get_scoped_or_404(request, qs, pk=pk)
    form = forms.RejectForm()
    if request.method == "POST":
        if not services.can_review(request.user):
            messages.error(request, "只有乡镇经办人可以审核档案更正。")
            return redirect("visits:correction", pk=pk)
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.accept_correction(user=request.user, correction=item)
                messages.success(
                    request,
                    f"已采纳：{item.household.head_name}户“{item.label}”由“{item.registry_display}”"
                    f"改为“{item.proposed_display}”，修改已记入审计日志。",
                )
                return _back(request, reverse("visits:review"))
            if action == "reject":
                form = forms.RejectForm(request.POST)
                if form.is_valid():
                    services.reject_correction(
                        user=request.user, correction=item, reason=form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, f"已不采纳：{item.household.head_name}户“{item.label}”。"
                    )
                    return _back(request, reverse("visits:review"))
        except services.DecisionError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(
        request,
        "visits/correction.html",
        {"item": item, "form": form, "can_review": services.can_review(request.user)},
    )


# --- problems ------------------------------------------------------------------------------------------------
def problem_version(item) -> str:
    """A decision on a problem is taken on the problem and its draft entry as shown."""
    entry = item.entry if item is not None else None
    return versions.fingerprint(versions.version_of(item), versions.version_of(entry))


@versioned
@allow(REVIEW_READERS)
def problem(request, pk: int):
    qs = VisitProblem.objects.select_related("visit", "household__village", "entry", "decided_by")
    item = get_scoped_or_404(request, qs, pk=pk)
    entry = item.entry
    accept_form = forms.AcceptProblemForm(
        initial={"description": entry.description if entry else item.description}
    )
    discard_form = forms.DiscardProblemForm()
    status = 200
    if request.method == "POST":
        if not services.can_review(request.user):
            messages.error(request, "只有乡镇经办人可以将问题纳入台账。")
            return redirect("visits:problem", pk=pk)
        action = request.POST.get("action")
        form: forms.AcceptProblemForm | forms.DiscardProblemForm | None
        if action == "accept":
            accept_form = forms.AcceptProblemForm(request.POST)
            form = accept_form
        elif action == "discard":
            discard_form = forms.DiscardProblemForm(request.POST)
            form = discard_form
        else:
            form = None
        if form is not None and form.is_valid():
            what = f"{item.household.head_name}户排查发现的问题"
            submitted = versions.submitted(request.POST)
            try:
                with versions.editing(
                    item, submitted, what=what, of=problem_version, parts=lambda p: [p.entry]
                ):
                    done = _decide(request, item, action, form.cleaned_data)
                messages.success(request, done)
                return _back(request, reverse("visits:review"))
            except versions.StaleEdit as exc:
                versions.refuse(request, exc)
                status = versions.CONFLICT
            except services.DecisionError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
    item.refresh_from_db()
    return render(
        request,
        "visits/problem.html",
        {
            "item": item,
            "entry": item.entry,
            "accept_form": accept_form,
            "discard_form": discard_form,
            "version": problem_version(item),
            "can_review": services.can_review(request.user),
            "pending": item.status == ProblemStatus.OPEN
            and item.entry is not None
            and item.entry.state == State.DRAFT,
        },
        status=status,
    )


def _decide(request, item, action: str, data: dict) -> str:
    """Accept the problem onto the ledger or discard it; the success message."""
    if action == "accept":
        entry = services.accept_problem(
            user=request.user,
            problem=item,
            description=data["description"],
            measures=data["measures"],
            deadline=data["deadline"],
            leader=data.get("leader") or "",
        )
        return f"已纳入整改台账（序号 {entry.number}，{entry.get_state_display()}）。"
    services.discard_problem(user=request.user, problem=item, reason=data["reason"])
    return "已确定不纳入台账，理由已记录。"


# --- flagged visits ---------------------------------------------------------------------------------------------
@versioned
@allow(services.REVIEWERS)
@require_POST
def check_flags(request, pk: int):
    visit = get_scoped_or_404(request, Visit.objects.select_related("household"), pk=pk)
    form = forms.CheckFlagsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写核实情况后再标记为已核实。")
    else:
        note = form.cleaned_data["note"]
        what = f"{visit.household.head_name}户 {visit.visited_on:%Y-%m-%d} 的走访记录"
        try:
            with versions.editing(visit, versions.submitted(request.POST), what=what):
                services.check_flags(user=request.user, visit=visit, note=note)
        except versions.StaleEdit as exc:
            versions.refuse(request, exc)
            messages.info(request, f"您填写的核实情况（未保存）：{note}")
        except services.DecisionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已标记为已核实。")
    return redirect("visits:visit_detail", pk=pk)


# --- coverage --------------------------------------------------------------------------------------------------
@allow(COVERAGE_ROLES)
@needs_round
def coverage(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    wanted = request.GET.get("township")
    if wanted:
        try:
            township_pk = int(wanted)
        except ValueError:
            township_pk = 0
        township = get_scoped_or_404(request, Unit.objects.townships(), pk=township_pk)
    elif user.role in TOWNSHIP:
        township = user.unit
    else:
        return render(
            request,
            "visits/coverage_county.html",
            {
                "campaign": campaign,
                "data": cov.county_coverage(county_of(user.unit), campaign),
            },
        )
    data = cov.coverage(township, campaign)
    village_codes = {v["code"] for v in data["villages"]}
    villages = Unit.objects.filter(parent=township, code__in=village_codes).order_by("code")
    village = villages.filter(pk=_int(request.GET.get("village"))).first()
    rows = cov.unvisited(campaign, township=township, **({"village": village} if village else {}))
    rows = rows.select_related("village").order_by("explained", "village__code", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    reasons = {
        r.household_id: r
        for r in UnvisitedReason.objects.filter(
            campaign=campaign, household__in=[h.pk for h in page.object_list]
        )
    }
    return render(
        request,
        "visits/coverage.html",
        {
            "campaign": campaign,
            "township": township,
            "data": data,
            "villages": villages,
            "village": village,
            "page": page,
            "items": [(h, reasons.get(h.pk)) for h in page.object_list],
            "can_review": services.can_review(user),
            "city": user.role in CITY,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- explaining an unvisited household -------------------------------------------------------------------------------
@versioned
@allow(services.REVIEWERS)
@needs_round  # between rounds there is no round to explain a missed visit in
def explain(request, pk: int):
    qs = Household.objects.select_related("village", "township")
    household = get_scoped_or_404(request, qs, pk=pk)
    campaign = Campaign.objects.current(county=household.township)
    if campaign is None:  # @needs_round saw the user's round; the household is of that county
        raise Http404("本县尚无“回头看”轮次。")
    found = UnvisitedReason.objects.filter(campaign=campaign, household=household).first()
    initial = {}
    if found:
        initial = {
            "reason": found.reason,
            "detail": found.detail,
            "phone_checked_on": found.phone_checked_on,
            "phone_check_result": found.phone_check_result,
        }
    form = forms.ExplainForm(
        request.POST or None, initial=initial, version=versions.version_of(found)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mine = UnvisitedReason.objects.filter(campaign=campaign, household=household)
        what = f"{household.head_name}户未走访的原因"
        try:
            with versions.editing_first(mine, form.submitted_version(), what=what):
                services.explain_unvisited(
                    user=request.user,
                    household=household,
                    campaign=campaign,
                    reason=data["reason"],
                    detail=data.get("detail") or "",
                    phone_checked_on=data["phone_checked_on"],
                    phone_check_result=data["phone_check_result"],
                )
        except versions.StaleEdit as exc:
            found = exc.current
            versions.refuse(request, exc, form, version=versions.version_of(found))
            status = versions.CONFLICT
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.DecisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已记录{household.head_name}户未走访的原因和电话核实情况。")
            return redirect(f"{reverse('visits:coverage')}?village={household.village_id}")
    return render(
        request,
        "visits/explain.html",
        {"household": household, "campaign": campaign, "form": form, "found": found},
        status=status,
    )
