"""Menu entry and home panels of weekly reporting."""

from __future__ import annotations

from django.urls import reverse

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import home, nav

nav.register("周报", "reporting:index", CITY | TOWNSHIP, order=450)


def _this_week(user):
    """(the round, its schedule, now, this week) for a panel; None outside the weeks."""
    from anju.reporting import selectors
    from anju.reporting import weeks as cal

    campaign = Campaign.objects.current(user)
    schedule = selectors.schedule_for(campaign)
    if schedule is None:
        return None
    now = cal.server_now()
    current = cal.current_week(schedule, now)
    if current is None:
        return None
    return campaign, schedule, now, current


def _township(request):
    from anju.reporting import selectors
    from anju.reporting import weeks as cal

    user = request.user
    if (week := _this_week(user)) is None:
        return None
    campaign, schedule, now, current = week
    cell = selectors.township_weeks(campaign, schedule, user.unit, now)[current.number - 1]
    awaiting = (
        list(selectors.awaiting_approval(user, campaign)) if user.role == Role.TOWNSHIP_HEAD else []
    )
    return {
        "cell": cell,
        "due": cal.due_text(cell.due_at),
        "closed": now >= cal.rectify_closes_at(schedule),
        "awaiting": awaiting,
        "is_head": user.role == Role.TOWNSHIP_HEAD,
        "url": reverse("reporting:index"),
    }


def _city(request):
    from anju.reporting import board, selectors
    from anju.reporting import weeks as cal

    user = request.user
    if (week := _this_week(user)) is None:
        return None
    campaign, schedule, now, current = week
    rows = board.grid(campaign, schedule, selectors.townships_for(user), now)
    return {
        "week": current,
        "due": cal.due_text(current.due_at),
        "summary": board.summary(board.week_column(rows, current.number)),
        "url": reverse("reporting:index"),
    }


home.register("reporting.township", "reporting/_panel_township.html", TOWNSHIP, _township, 15)
home.register("reporting.city", "reporting/_panel_city.html", [Role.CITY_REVIEWER], _city, 15)
