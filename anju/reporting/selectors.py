"""Reads for the reporting pages. Nothing here writes (GET pages never change data), and
every query goes through the user's scope (``for_user``)."""

from __future__ import annotations

import datetime as dt

from anju.accounts.roles import CITY
from anju.reporting import board
from anju.reporting.models import Schedule, Status, WeeklySubmission, WorkPlan
from anju.units.models import Level, Unit


def county_of(user) -> Unit | None:
    unit = getattr(user, "unit", None)
    while unit is not None and unit.level != Level.COUNTY:
        unit = unit.parent
    return unit


def schedule_for(campaign) -> Schedule | None:
    if campaign is None:
        return None
    return Schedule.objects.filter(campaign=campaign).select_related("campaign").first()


def is_city(user) -> bool:
    return user.role in CITY


def townships_for(user):
    return Unit.objects.for_user(user).townships().filter(is_active=True).order_by("code")


def submissions_for(user, campaign):
    return (
        WeeklySubmission.objects.for_user(user)
        .filter(campaign=campaign)
        .select_related("township", "resubmission_of")
    )


def township_weeks(campaign, schedule, township, now: dt.datetime) -> list[board.Cell]:
    return board.grid(campaign, schedule, [township], now)[0].cells


def awaiting_approval(user, campaign):
    return submissions_for(user, campaign).filter(status=Status.AWAITING).order_by("week", "id")


def latest_plans(campaign, townships) -> dict[int, WorkPlan]:
    """The latest 工作方案 of each township (by township id)."""
    latest: dict[int, WorkPlan] = {}
    qs = WorkPlan.objects.filter(campaign=campaign, township__in=townships).select_related(
        "uploaded_by"
    )
    for plan in qs.order_by("township_id", "-uploaded_at", "-id"):
        latest.setdefault(plan.township_id, plan)
    return latest


def sent_for_week(qs, week: int) -> WeeklySubmission | None:
    """The report of ``week`` to compare or export: the latest sent one that still counts,
    else the latest sent one (a returned report, until it is sent again)."""
    sent = qs.filter(week=week, submitted_at__isnull=False)
    return sent.live().order_by("-id").first() or sent.order_by("-id").first()
