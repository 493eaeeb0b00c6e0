"""Put screening findings on the ledger (the screening pages link here with the chosen
findings: ``/ledger/from-findings/?finding=1&finding=2``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core.access import allow
from anju.rectification import forms, services
from anju.rectification.findings import describe, entries_from_findings
from anju.rectification.models import LedgerEntry, Nature, State
from anju.screening.models import Finding, Status


def _findings(request, values):
    """The chosen findings the user may put on the ledger: in scope, open or confirmed, on
    a registry household (an 应纳未纳 is registered or dismissed), not on the ledger yet."""
    ids = [int(v) for v in values if str(v).isdigit()][:200]
    return list(
        Finding.objects.for_user(request.user)
        .filter(pk__in=ids, status__in=[Status.OPEN, Status.CONFIRMED], household__isnull=False)
        .exclude(ledger_entries__state__in=[s for s in State if s != State.DRAFT])
        .select_related("household", "household__village")
        .order_by("household__village__code", "household_id", "rule_code")
    )


@allow(services.WRITERS)
@needs_round
def from_findings(request):
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    findings = _findings(request, source.getlist("finding"))
    campaign = Campaign.objects.current(user)
    joinable = (
        LedgerEntry.objects.for_user(user)
        .filter(campaign=campaign, state__in=[State.PENDING, State.IN_PROGRESS])
        .order_by("number")
    )
    households = {f.household_id for f in findings}
    initial = {
        "mode": "new",
        "nature": Nature.COMMON if len(households) > 1 else Nature.INDIVIDUAL,
        "description": describe(findings) if findings else "",
    }
    if request.method == "POST":
        form = forms.FromFindingsForm(request.POST, joinable=joinable, campaign=campaign)
        if findings and form.is_valid():
            d = form.cleaned_data
            try:
                entry = entries_from_findings(
                    user,
                    findings,
                    nature=d.get("nature") or None,
                    measures=d.get("measures") or "",
                    deadline=d.get("deadline"),
                    join=d.get("join") if d["mode"] == "join" else None,
                    description=d.get("description") or "",
                    responsible_leader=d.get("responsible_leader") or "",
                    cause=d.get("cause") or "",
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, f"已把 {len(findings)} 条筛查问题纳入整改台账{entry.label}。"
                )
                return redirect("rectification:entry_detail", pk=entry.pk)
    else:
        form = forms.FromFindingsForm(initial=initial, joinable=joinable, campaign=campaign)
    return render(
        request,
        "rectification/from_findings.html",
        {"form": form, "findings": findings, "households": len(households), "campaign": campaign},
        status=200 if findings or request.method == "GET" else 400,
    )
