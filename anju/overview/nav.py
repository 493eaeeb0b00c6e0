"""Menu entries and the home panels of the overview: the county's figures, and its house-visit
coverage (入户排查), both read from the latest snapshot."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import CITY, TOWNSHIP
from anju.campaigns.models import Campaign
from anju.core import home, nav

nav.register("全县概览", "overview:index", CITY, order=150)
nav.register("本镇概览", "overview:index", TOWNSHIP, order=150)


def _city(request):
    from anju.overview import selectors

    data = selectors.headline(request.user)
    return {**data, "url": reverse("overview:index")}


home.register("overview.city", "overview/_panel_city.html", CITY, _city, order=5)


def _visits(request):
    from anju.overview import selectors

    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        return None
    data = selectors.visit_coverage(request.user, campaign)
    low = sorted(
        (t for t in data["townships"] if t["in_scope"]), key=lambda t: (t["rate"] or 0, t["code"])
    )[:3]
    return {
        "campaign": campaign,
        "data": data,
        "percent": round(100 * (data["rate"] or 0)),
        "low": low,
    }


home.register("overview.visits", "overview/_panel_visits.html", CITY, _visits, order=30)
