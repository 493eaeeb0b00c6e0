"""Menu entry, home panels and the household-page panel of the ledger."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from anju.accounts.roles import BUSINESS, Role
from anju.campaigns.models import Campaign
from anju.core import home, nav
from anju.rectification import selectors
from anju.rectification.models import LedgerEntry, Light, State
from anju.registry import panels

nav.register("整改台账", "rectification:ledger_list", BUSINESS, order=400)


def _officer(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    entries = selectors.entries_for(user, campaign)
    lights = selectors.light_counts(entries.exclude(state=State.CLOSED))
    url = reverse("rectification:ledger_list")
    return {
        "red": lights.get(Light.RED, 0),
        "yellow": lights.get(Light.YELLOW, 0),
        "open": entries.open().count(),
        "drafts": selectors.entries_for(user, campaign, drafts=True).count(),
        "red_url": f"{url}?light=red",
        "yellow_url": f"{url}?light=yellow",
        "list_url": url,
        "drafts_url": reverse("rectification:draft_list"),
        "new_url": reverse("rectification:entry_create"),
    }


def _verifier(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    awaiting = selectors.entries_for(user, campaign).filter(state=State.AWAITING)
    by_township = []
    if selectors.is_city(user):
        by_township = list(
            awaiting.values("township__name", "township")
            .annotate(n=Count("pk"))
            .order_by("-n", "township__name")[:5]
        )
    url = reverse("rectification:ledger_list")
    return {
        "awaiting": awaiting.count(),
        "by_township": by_township,
        "list_url": f"{url}?state={State.AWAITING}",
        "ledger_url": url,
    }


home.register(
    "rectification.officer",
    "rectification/_panel_officer.html",
    [Role.TOWNSHIP_OFFICER],
    _officer,
    order=40,
)
home.register(
    "rectification.verify",
    "rectification/_panel_verify.html",
    [Role.TOWNSHIP_HEAD, Role.CITY_REVIEWER],
    _verifier,
    order=40,
)


def _household_entries(request, household):
    entries = (
        LedgerEntry.objects.for_user(request.user)
        .filter(households=household)
        .order_by("-created_at")
    )
    rows = list(entries[:20])
    if not rows:
        return None
    today = selectors.today()
    for entry in rows:
        entry.light_code = entry.light(today)
    return {"entries": rows}


panels.register(
    "rectification.entries", "rectification/_household_entries.html", _household_entries, order=30
)
