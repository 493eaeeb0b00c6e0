"""The rule catalogue and its settings (city admin), and screening runs with progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core import versions
from anju.core.access import allow
from anju.core.versions import versioned
from anju.screening import forms, params, rules, selectors, services
from anju.screening.choices import Aspect
from anju.screening.views import page_context

RUN_ROLES = CITY | {Role.TOWNSHIP_OFFICER}


@allow(CITY | TOWNSHIP)
@needs_round
def rule_list(request):
    campaign = Campaign.objects.current(request.user)
    hits = selectors.hits_by_rule(request.user)
    groups = []
    for aspect in Aspect:
        items = []
        for rule in rules.all_rules():
            if rule.aspect != aspect.value:
                continue
            values = params.effective(campaign, rule)
            items.append(
                {
                    "rule": rule,
                    "params": params.describe(rule, values),
                    "basis": params.basis_for(campaign, rule),
                    "enabled": campaign.is_rule_enabled(rule.code),
                    "hits": hits.get(rule.code, 0),
                }
            )
        groups.append((aspect, items))
    return render(
        request,
        "screening/rule_list.html",
        page_context(
            request,
            groups=groups,
            campaign=campaign,
            count=len(rules.all_rules()),
            can_edit=request.user.role == Role.CITY_ADMIN,
        ),
    )


def _rule_or_404(code: str):
    if not rules.exists(code):
        raise Http404("没有这条规则")
    return rules.get(code)


def _settings_form(request, rule, campaign, data=None):
    return forms.RuleSettingsForm(
        data,
        rule=rule,
        values=params.effective(campaign, rule),
        enabled=campaign.is_rule_enabled(rule.code),
        version=rule_version(campaign, rule),
    )


def rule_version(campaign, rule) -> str:
    """What the settings form of one rule was opened on: its switch and parameters in the
    campaign (other rules' settings changing meanwhile is no conflict)."""
    values = params.effective(campaign, rule)
    return versions.fingerprint(
        rule.code,
        campaign.is_rule_enabled(rule.code),
        {p.name: p.to_json(values[p.name]) for p in rule.params},
    )


@versioned
@allow(Role.CITY_ADMIN)
@needs_round
def rule_edit(request, code: str):
    rule = _rule_or_404(code)
    campaign = Campaign.objects.current(request.user)
    assert campaign is not None  # @needs_round
    form = _settings_form(request, rule, campaign, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data["values"]
        if request.POST.get("action") == "preview":
            preview = services.preview(campaign=campaign, rule=rule, values=values)
        else:
            try:
                with versions.editing(
                    campaign,
                    form.submitted_version(),
                    what=f"规则 {rule.code} 的设置",
                    of=lambda current: rule_version(current, rule),
                ):
                    changes = services.update_rule_settings(
                        campaign=campaign,
                        rule=rule,
                        enabled=form.cleaned_data["enabled"],
                        values=values,
                        user=request.user,
                    )
            except versions.StaleEdit as exc:
                versions.refuse(request, exc, form, version=rule_version(exc.current, rule))
                return render(
                    request,
                    "screening/rule_edit.html",
                    page_context(
                        request,
                        rule=rule,
                        form=form,
                        campaign=exc.current,
                        basis=params.basis_for(exc.current, rule),
                    ),
                    status=versions.CONFLICT,
                )
            if changes:
                messages.success(request, f"已保存 {rule.code} 的设置，下次筛查起生效。")
            else:
                messages.info(request, "设置没有变化。")
            return redirect("screening:rules")
    return render(
        request,
        "screening/rule_edit.html",
        page_context(
            request,
            rule=rule,
            form=form,
            campaign=campaign,
            preview=preview,
            basis=params.basis_for(campaign, rule),
        ),
    )


@allow(Role.CITY_ADMIN)
@require_POST
@needs_round
def rule_preview(request, code: str):
    """htmx: the hit count the typed parameters would give, before saving."""
    rule = _rule_or_404(code)
    campaign = Campaign.objects.current(request.user)
    assert campaign is not None  # @needs_round
    form = _settings_form(request, rule, campaign, request.POST)
    preview = None
    if form.is_valid():
        preview = services.preview(campaign=campaign, rule=rule, values=form.cleaned_data["values"])
    return render(
        request,
        "screening/_rule_preview.html",
        {"preview": preview, "form": form, "rule": rule, "htmx": True},
    )


@allow(RUN_ROLES)
def run_list(request):
    form = forms.RunForm(request.POST or None, user=request.user, today=services.today())
    if request.method == "POST" and form.is_valid():
        run = services.start_run(
            unit=form.cleaned_data["unit"], user=request.user, as_of=form.cleaned_data["as_of"]
        )
        return redirect("screening:run", pk=run.pk)
    runs = selectors.runs_for(request.user)[:20]
    return render(request, "screening/run_list.html", page_context(request, form=form, runs=runs))


def _run_or_404(request, pk: int):
    run = selectors.runs_for(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404("不存在或无权查看")
    return run


@allow(RUN_ROLES)
def run_detail(request, pk: int):
    run = _run_or_404(request, pk)
    return render(request, "screening/run_detail.html", page_context(request, run=run))


@allow(RUN_ROLES)
def run_progress(request, pk: int):
    """htmx: the progress block, polled every second until the run has finished."""
    run = _run_or_404(request, pk)
    return render(request, "screening/_run_progress.html", {"run": run})
