"""Menu entry and home panels of the final submission (总结验收)."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import home, nav

nav.register("总结验收", "acceptance:index", CITY | TOWNSHIP, order=460)


def _township(request):
    from anju.acceptance import selectors

    user = request.user
    campaign = Campaign.objects.current(user)
    if campaign is None:
        return None
    live = selectors.live_for(user, campaign, user.unit)
    return {
        "live": live,
        "label": live.get_status_display() if live else "未提交",
        "tone": live.status if live else "none",
        "to_sign": bool(live and live.status == "awaiting_signature")
        and user.role == Role.TOWNSHIP_HEAD,
        "url": reverse("acceptance:index"),
    }


def _city(request):
    from anju.acceptance import selectors

    user = request.user
    campaign = Campaign.objects.current(user)
    if campaign is None:
        return None
    counts = selectors.status_counts(user, campaign)
    if not any(v for k, v in counts.items() if k != "none"):
        return None
    return {"counts": counts, "url": reverse("acceptance:index")}


home.register("acceptance.township", "acceptance/_panel_township.html", TOWNSHIP, _township, 16)
home.register("acceptance.city", "acceptance/_panel_city.html", [Role.CITY_REVIEWER], _city, 16)
