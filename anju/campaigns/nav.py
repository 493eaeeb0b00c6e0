"""Menu entry of the rounds pages, the round's phases on the home page, and the city
administrator's setup walk-through while the county has no published round."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.core import home, nav

nav.register("“回头看”轮次", "campaigns:list", CITY | TOWNSHIP, order=120)


def _setup(request):
    """Three steps from a fresh install to a working county: its townships and villages
    (``load_units``), the townships' accounts, a published round. Hidden once done."""
    from anju.accounts.models import User
    from anju.campaigns.models import Campaign, Status, county_of
    from anju.units.models import Unit

    county = county_of(request.user.unit)
    if county is None:
        return None
    rounds = Campaign.objects.filter(county=county)
    if rounds.filter(status=Status.PUBLISHED).exists():
        return None
    units = Unit.objects.for_user(request.user)
    townships = units.townships().filter(is_active=True).count()
    villages = units.villages().filter(is_active=True)
    township_users = User.objects.filter(
        is_active=True, role__in=list(TOWNSHIP), unit__parent=county
    ).count()
    draft = rounds.filter(status=Status.DRAFT).order_by("-id").first()
    return {
        "county": county,
        "townships": townships,
        "villages": villages.count(),
        "fictional": villages.filter(is_fictional=True).exists(),
        "township_users": township_users,
        "draft": draft,
        "steps_done": [townships > 0 and villages.exists(), township_users > 0, False],
        "rounds_url": reverse("campaigns:create"),
    }


def _round(request):
    from anju.campaigns import services
    from anju.campaigns.models import Campaign, round_today

    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        return None
    return {
        "campaign": campaign,
        "phases": services.phases_of(campaign),
        "today": round_today(),
    }


home.register("campaigns.setup", "campaigns/_panel_setup.html", [Role.CITY_ADMIN], _setup, 1)
home.register("campaigns.round", "campaigns/_panel_round.html", CITY | TOWNSHIP, _round, 2)
