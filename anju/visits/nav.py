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


def _city(request):
    """The county's coverage from the overview's latest snapshot (a live count over a
    million households took ~8 s on every home page); live only while none exists."""
    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        return None
    data = _county_from_snapshot(request.user, campaign)
    if data is None:
        data = coverage.county_coverage(services.county_of(request.user.unit), campaign)
    low = sorted(
        (t for t in data["townships"] if t["in_scope"]), key=lambda t: (t["rate"] or 0, t["code"])
    )[:3]
    return {
        "campaign": campaign,
        "data": data,
        "percent": round(100 * (data["rate"] or 0)),
        "low": low,
    }


def _county_from_snapshot(user, campaign) -> dict | None:
    from anju.overview import keys
    from anju.overview.models import Metric, Snapshot
    from anju.units.models import Unit
    from anju.visits.models import ProblemStatus, VisitProblem

    snapshot = Snapshot.objects.latest_done(campaign)
    if snapshot is None:
        return None
    values: dict[int, dict] = {}
    metrics = Metric.objects.for_user(user).filter(
        snapshot=snapshot,
        village__isnull=True,
        week__isnull=True,
        key__in=[keys.V_SCOPE, keys.V_VISITED],
    )
    for township_id, key, value in metrics.values_list("township_id", "key", "value"):
        values.setdefault(township_id, {})[key] = value
    townships = []
    for township in Unit.objects.for_user(user).townships().order_by("code"):
        got = values.get(township.pk, {})
        in_scope, visited = got.get(keys.V_SCOPE, 0), got.get(keys.V_VISITED, 0)
        townships.append(
            {
                "code": township.code,
                "name": township.name,
                "pk": township.pk,
                "in_scope": in_scope,
                "visited": visited,
                "rate": round(visited / in_scope, 4) if in_scope else None,
            }
        )
    in_scope = sum(t["in_scope"] for t in townships)
    visited = sum(t["visited"] for t in townships)
    problems = (
        VisitProblem.objects.filter(visit__campaign=campaign)
        .exclude(status=ProblemStatus.WITHDRAWN)
        .count()
    )
    return {
        "in_scope": in_scope,
        "visited": visited,
        "rate": round(visited / in_scope, 4) if in_scope else None,
        "problems": problems,
        "townships": townships,
        "as_of": snapshot.started_at,  # the moment the numbers describe
    }


home.register("visits.worker", "visits/_panel_worker.html", [Role.VILLAGE_WORKER], _worker, 10)
home.register("visits.township", "visits/_panel_township.html", TOWNSHIP, _township, 30)
home.register("visits.city", "visits/_panel_city.html", CITY, _city, 30)


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


def _register_weekly_extra() -> None:
    """The weekly submission carries the coverage figure (anju/reporting, when present)."""
    try:
        from anju.reporting.extras import register_extra
    except ImportError:
        return
    register_extra("visits", coverage.coverage)


_register_weekly_extra()
