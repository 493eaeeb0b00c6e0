"""Findings pages: the list with counts, one finding, the officer's and reviewer's decisions,
the reviewer's dismissals and the comparison table. Thin: reads in selectors, changes in
services, every object fetched within the user's scope (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts.roles import BUSINESS, CITY, TOWNSHIP, Role
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core import versions
from anju.core.access import allow
from anju.core.redirects import safe_next
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.screening import forms, params, rules, selectors, services
from anju.screening.choices import Aspect, Severity
from anju.screening.models import Finding, Status
from anju.units.models import Unit

PER_PAGE = 50


def tabs_for(user) -> list[tuple[str, str]]:
    """The sub-navigation of the screening pages for this user's role."""
    tabs = [("screening:findings", "问题清单")]
    if user.role in CITY or user.role in TOWNSHIP:
        tabs.append(("screening:compare", "乡镇对比" if user.role in CITY else "各村对比"))
        tabs.append(("screening:rules", "规则目录"))
    if user.role == Role.CITY_REVIEWER:
        tabs.append(("screening:dismissals", "排除审核"))
    if user.role in CITY or user.role == Role.TOWNSHIP_OFFICER:
        tabs.append(("screening:runs", "筛查运行"))
    return [(reverse(name), label) for name, label in tabs]


def page_context(request, **extra) -> dict:
    return {"tabs": tabs_for(request.user), **extra}


def _next(request, default: str) -> str:
    return safe_next(request, default)


@allow(BUSINESS)
def finding_list(request):
    f = selectors.FindingFilter.from_request(request)
    findings = selectors.findings_for(request.user, f)
    page = Paginator(findings, PER_PAGE).get_page(request.GET.get("page"))
    units = Unit.objects.for_user(request.user)
    townships = units.townships().order_by("code") if request.user.role in CITY else []
    villages = units.villages().order_by("code")
    if f.township:
        villages = villages.filter(parent__code=f.township)
    elif request.user.role in CITY:
        villages = villages.none()
    by_aspect = selectors.counts_by_aspect(request.user, f)
    by_status = selectors.counts_by_status(request.user, f)
    return render(
        request,
        "screening/finding_list.html",
        page_context(
            request,
            f=f,
            page=page,
            aspects=[(a.value, a.label, by_aspect.get(a.value, 0)) for a in Aspect],
            statuses=[
                (key, label, by_status.get(key, 0) if key not in ("", "all") else None)
                for key, (label, _) in selectors.STATUS_FILTERS.items()
            ],
            severities=Severity.choices,
            rules=rules.all_rules(),
            townships=townships,
            villages=villages,
            can_decide=request.user.role == Role.TOWNSHIP_OFFICER,
        ),
    )


def _register(request, finding) -> dict:
    """应纳未纳 (on a list record): the villages 登记入档 may choose, or the registry
    household that now holds the head."""
    if not finding.on_list:
        return {}
    from anju.monitoring.views import villages_for
    from anju.registry.models import Household
    from anju.registry.services import EDITORS

    held = Household.objects.for_user(request.user).filter(id_number_hash=finding.listed_hash)
    can = request.user.role in EDITORS and finding.is_firing and finding.listed_id is not None
    return {
        "registered": held.first(),
        "register_villages": list(villages_for(request.user, finding)) if can else None,
    }


def _detail(request, finding, *, status=200, **forms_in):
    return render(
        request,
        "screening/finding_detail.html",
        page_context(
            request,
            finding=finding,
            rule=finding.rule,
            basis=params.basis_for(finding.campaign, finding.rule) if finding.rule else "",
            events=finding.events.select_related("user", "run").order_by("at", "id"),
            dismiss_form=forms_in.get("dismiss_form") or forms.dismiss_form(),
            overturn_form=forms_in.get("overturn_form") or forms.overturn_form(),
            uphold_form=forms_in.get("uphold_form") or forms.uphold_form(),
            can_decide=request.user.role == Role.TOWNSHIP_OFFICER and finding.status == Status.OPEN,
            can_review=request.user.role == Role.CITY_REVIEWER
            and finding.status == Status.DISMISSED,
            next=_next(request, ""),
            kept_reason=forms_in.get("kept_reason", ""),
            **_register(request, finding),
        ),
        status=status,
    )


def _what(finding) -> str:
    return f"{finding.subject_name}户的筛查问题 {finding.rule_code}"


def _decision(request, finding):
    """Lock the finding and compare the version the page was opened on."""
    return versions.editing(finding, versions.submitted(request.POST), what=_what(finding))


def _refused(request, finding, exc, *, kept: str = ""):
    """The finding as it is now, the conflict message, and the reason the user wrote."""
    versions.refuse(request, exc)
    fresh = _scoped(request, finding.pk)
    return _detail(request, fresh, status=versions.CONFLICT, kept_reason=kept)


def _scoped(request, pk):
    queryset = Finding.objects.select_related(
        "household", "listed", "township", "village", "decided_by"
    )
    return get_scoped_or_404(request, queryset, pk=pk)


@allow(BUSINESS)
def finding_detail(request, pk: int):
    return _detail(request, _scoped(request, pk))


@versioned
@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def finding_confirm(request, pk: int):
    finding = _scoped(request, pk)
    try:
        with _decision(request, finding):
            services.confirm(finding=finding, user=request.user)
    except versions.StaleEdit as exc:
        return _refused(request, finding, exc)
    except services.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认问题：{finding.rule_code} {finding.subject_name}户。")
    return redirect(_next(request, reverse("screening:finding", args=[finding.pk])))


@versioned
@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def finding_dismiss(request, pk: int):
    finding = _scoped(request, pk)
    form = forms.dismiss_form(request.POST)
    if not form.is_valid():
        return _detail(request, finding, dismiss_form=form)
    try:
        with _decision(request, finding):
            services.dismiss(finding=finding, user=request.user, reason=form.cleaned_data["reason"])
    except versions.StaleEdit as exc:
        return _refused(request, finding, exc, kept=form.cleaned_data["reason"])
    except services.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已排除问题：{finding.rule_code} {finding.subject_name}户。")
    return redirect(_next(request, reverse("screening:finding", args=[finding.pk])))


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def finding_overturn(request, pk: int):
    finding = _scoped(request, pk)
    form = forms.overturn_form(request.POST)
    if not form.is_valid():
        return _detail(request, finding, overturn_form=form)
    try:
        with _decision(request, finding):
            services.overturn(
                finding=finding, user=request.user, reason=form.cleaned_data["reason"]
            )
    except versions.StaleEdit as exc:
        return _refused(request, finding, exc, kept=form.cleaned_data["reason"])
    except services.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已推翻排除，该问题重新交乡镇确认。")
    return redirect(_next(request, reverse("screening:dismissals")))


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def finding_uphold(request, pk: int):
    finding = _scoped(request, pk)
    form = forms.uphold_form(request.POST)
    if not form.is_valid():
        return _detail(request, finding, uphold_form=form)
    try:
        with _decision(request, finding):
            services.uphold(finding=finding, user=request.user, reason=form.cleaned_data["reason"])
    except versions.StaleEdit as exc:
        return _refused(request, finding, exc, kept=form.cleaned_data["reason"])
    except services.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已认可该排除。")
    return redirect(_next(request, reverse("screening:dismissals")))


DISMISSAL_STATES = [("pending", "待审核"), ("upheld", "已认可"), ("all", "全部排除")]


@allow(Role.CITY_REVIEWER)
def dismissal_list(request):
    state = request.GET.get("state", "pending")
    if state not in dict(DISMISSAL_STATES):
        state = "pending"
    township = request.GET.get("township", "")
    qs = selectors.dismissals_for(request.user, state)
    if township:
        qs = qs.filter(township__code=township)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/dismissals.html",
        page_context(
            request,
            page=page,
            state=state,
            states=DISMISSAL_STATES,
            township=township,
            townships=Unit.objects.for_user(request.user).townships().order_by("code"),
            overturn_form=forms.overturn_form(),
            uphold_form=forms.uphold_form(),
        ),
    )


@allow(CITY | TOWNSHIP)
@needs_round
def compare(request):
    township = None
    code = request.GET.get("township", "")
    if code and request.user.role in CITY:
        township = Unit.objects.for_user(request.user).townships().filter(code=code).first()
    campaign = Campaign.objects.current(request.user)
    rows, total = selectors.comparison(request.user, campaign, township=township)
    return render(
        request,
        "screening/compare.html",
        page_context(
            request,
            rows=rows,
            total=total,
            township=township,
            drill=request.user.role in CITY and township is None,
            aspects=Aspect.choices,
            campaign=campaign,
        ),
    )
