"""Menu entry, home panels and the household-page panel of house visits."""

from __future__ import annotations

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import home, nav
from anju.registry import panels
from anju.registry.models import Household
from anju.visits import coverage, services
from anju.visits.models import Visit

nav.register("入户排查", "visits:index", {Role.VILLAGE_WORKER, *TOWNSHIP, *CITY}, order=300)


def _worker(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    if campaign is None:
        return None
    households = Household.objects.for_user(user)
    rows = coverage.worklist(campaign, households).select_related("village")
    left = rows.filter(visited=False)
    in_scope = rows.count()
    return {
        "campaign": campaign,
        "in_scope": in_scope,
        "left": left.count(),
        "visited": in_scope - left.count(),
        "next": list(left[:5]),
    }


def _township(request):
    from anju.visits.views_review import pending_counts

    user = request.user
    campaign = Campaign.objects.current(user)
    if campaign is None:
        return None
    data = coverage.coverage(user.unit, campaign)
    return {
        "campaign": campaign,
        "data": data,
        "percent": round(100 * (data["rate"] or 0)),
        "counts": pending_counts(user, campaign),
        "unexplained": coverage.unvisited_unexplained(user.unit, campaign).count(),
    }


home.register("visits.worker", "visits/_panel_worker.html", [Role.VILLAGE_WORKER], _worker, 10)
home.register("visits.township", "visits/_panel_township.html", TOWNSHIP, _township, 30)


def _household_visits(request, household):
    if request.user.role not in {Role.VILLAGE_WORKER, *TOWNSHIP, *CITY}:
        return None
    visits = (
        Visit.objects.for_user(request.user)
        .filter(household=household)
        .select_related("campaign")
        .prefetch_related("problems", "corrections")
    )
    return {
        "household": household,
        "visits": list(visits[:20]),
        "can_record": services.can_record(request.user),
    }


panels.register("visits.visits", "visits/_household_visits.html", _household_visits, order=30)
