"""Reads for the reporting pages, and what each page shows built from them. Nothing here
writes (GET pages never change data), and every query goes through the user's scope
(``for_user``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anju.accounts import reauth
from anju.accounts.roles import CITY, Role
from anju.campaigns.models import SEED_START
from anju.rectification.snapshot import official_rows
from anju.reporting import board, ledger
from anju.reporting import weeks as cal
from anju.reporting.models import (
    DEFAULT_TIME,
    DEFAULT_WEEKDAY,
    UNSENT,
    Schedule,
    Status,
    SubmissionQuerySet,
    WeeklySubmission,
    WorkPlan,
)
from anju.units.models import Level, Unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign

Submissions = SubmissionQuerySet[WeeklySubmission]


def county_of(user: User) -> Unit | None:
    unit = getattr(user, "unit", None)
    while unit is not None and unit.level != Level.COUNTY:
        unit = unit.parent
    return unit


def schedule_for(campaign: Campaign | None) -> Schedule | None:
    if campaign is None:
        return None
    return Schedule.objects.filter(campaign=campaign).select_related("campaign").first()


def is_city(user: User) -> bool:
    return user.role in CITY


def townships_for(user: User) -> QuerySet[Unit]:
    townships: QuerySet[Unit] = Unit.objects.for_user(user).townships()
    return townships.filter(is_active=True).order_by("code")


def submissions_for(user: User, campaign: Campaign) -> Submissions:
    mine: Submissions = WeeklySubmission.objects.for_user(user)
    return mine.filter(campaign=campaign).select_related("township", "resubmission_of")


def township_weeks(
    campaign: Campaign, schedule: Schedule, township: Unit, now: dt.datetime
) -> list[board.Cell]:
    return board.grid(campaign, schedule, [township], now)[0].cells


def awaiting_approval(user: User, campaign: Campaign) -> Submissions:
    return submissions_for(user, campaign).filter(status=Status.AWAITING).order_by("week", "id")


def latest_plans(campaign: Campaign, townships: Iterable[Unit]) -> dict[int, WorkPlan]:
    """The latest 工作方案 of each township (by township id)."""
    latest: dict[int, WorkPlan] = {}
    qs = WorkPlan.objects.filter(campaign=campaign, township__in=townships).select_related(
        "uploaded_by"
    )
    for plan in qs.order_by("township_id", "-uploaded_at", "-id"):
        latest.setdefault(plan.township_id, plan)
    return latest


def sent_for_week(qs: Submissions, week: int) -> WeeklySubmission | None:
    """The report of ``week`` to compare or export: the latest sent one that still counts,
    else the latest sent one (a returned report, until it is sent again)."""
    sent = qs.filter(week=week, submitted_at__isnull=False)
    return sent.live().order_by("-id").first() or sent.order_by("-id").first()


# The seed's phase ends, as days after its start (2022-05-23): 5月31日, 6月15日, 6月25日.
SEED_OFFSETS = (
    (dt.date(2022, 5, 31) - SEED_START).days,
    (dt.date(2022, 6, 15) - SEED_START).days,
    (dt.date(2022, 6, 25) - SEED_START).days,
)


def schedule_initial(campaign: Campaign, schedule: Schedule | None) -> dict[str, Any]:
    if schedule is not None:
        return {
            "mobilise_ends_on": schedule.mobilise_ends_on,
            "rectify_ends_on": schedule.rectify_ends_on,
            "accept_ends_on": schedule.accept_ends_on,
            "report_weekday": schedule.report_weekday,
            "report_time": schedule.report_time,
        }
    start = campaign.starts_on
    ends = [min(start + dt.timedelta(days=d), campaign.ends_on) for d in SEED_OFFSETS]
    return {
        "mobilise_ends_on": ends[0],
        "rectify_ends_on": ends[1],
        "accept_ends_on": ends[2],
        "report_weekday": DEFAULT_WEEKDAY,
        "report_time": DEFAULT_TIME,
    }


def _calendar(schedule: Schedule | None, now: dt.datetime) -> dict[str, Any]:
    if schedule is None:
        return {"phases": [], "weeks": [], "current": None, "closed": False}
    return {
        "phases": cal.phases(schedule),
        "weeks": cal.weeks(schedule),
        "current": cal.current_week(schedule, now),
        "closed": now >= cal.rectify_closes_at(schedule),
        "closes_at": cal.rectify_closes_at(schedule),
    }


def schedule_context(user: User, campaign: Campaign, schedule: Schedule | None) -> dict[str, Any]:
    now = cal.server_now()
    return {
        "campaign": campaign,
        "schedule": schedule,
        "is_admin": user.role == Role.CITY_ADMIN,
        "today": now.astimezone(cal.local_zone()).date(),
        **_calendar(schedule, now),
    }


def grid_context(
    user: User, campaign: Campaign | None, schedule: Schedule | None, now: dt.datetime
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "campaign": campaign,
        "schedule": schedule,
        "is_admin": user.role == Role.CITY_ADMIN,
        "legend": list(board.Timeliness),
        **_calendar(schedule, now),
    }
    if schedule is None:
        return context
    campaign = schedule.campaign
    townships = list(townships_for(user))
    rows = board.grid(campaign, schedule, townships, now)
    current = context["current"]
    context.update(
        {
            "rows": rows,
            "summary": board.summary(board.week_column(rows, current.number)) if current else None,
            "plans": len(latest_plans(campaign, townships)),
            "township_count": len(townships),
        }
    )
    return context


def township_context(
    user: User, campaign: Campaign | None, schedule: Schedule | None, now: dt.datetime
) -> dict[str, Any]:
    township = user.unit
    context: dict[str, Any] = {
        "campaign": campaign,
        "schedule": schedule,
        "township": township,
        "is_officer": user.role == Role.TOWNSHIP_OFFICER,
        "is_head": user.role == Role.TOWNSHIP_HEAD,
        **_calendar(schedule, now),
    }
    if schedule is None or township is None:
        return context
    campaign = schedule.campaign
    today = now.astimezone(cal.local_zone()).date()
    cells = township_weeks(campaign, schedule, township, now)
    open_states = (board.Timeliness.MISSING, board.Timeliness.NOT_DUE, board.Timeliness.RETURNED)
    for c in cells:
        c.can_prepare = (
            context["is_officer"]
            and not context["closed"]
            and c.week.starts_on <= today
            and c.state in open_states
        )
    current = context["current"]
    current_cell = cells[current.number - 1] if current else None
    mine = submissions_for(user, campaign).filter(township=township)
    context.update(
        {
            "cells": cells,
            "current_cell": current_cell,
            "returned": [
                c for c in cells if c.state == board.Timeliness.RETURNED and c is not current_cell
            ],
            "awaiting": list(mine.filter(status=Status.AWAITING).order_by("week", "id")),
            "sent_back": list(mine.filter(status=Status.SENT_BACK).order_by("week", "id")),
            "history": list(mine.order_by("-id")),
            "plan": latest_plans(campaign, [township]).get(township.pk),
        }
    )
    return context


def work_plans_context(
    user: User, campaign: Campaign | None, schedule: Schedule | None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "campaign": campaign,
        "schedule": schedule,
        "is_city": is_city(user),
        "deadline": (
            cal.at_local(schedule.mobilise_ends_on + dt.timedelta(days=1), dt.time(0, 0))
            if schedule
            else None
        ),
    }
    if campaign is None:
        return context
    townships = list(townships_for(user))
    latest = latest_plans(campaign, townships)
    rows: list[dict[str, Any]] = [{"township": t, "plan": latest.get(t.pk)} for t in townships]
    for row in rows:
        plan, deadline = row["plan"], context["deadline"]
        row["late"] = bool(plan and deadline and plan.uploaded_at >= deadline)
    context.update(
        {
            "rows": rows,
            "uploaded": sum(1 for r in rows if r["plan"]),
            "missing": [r["township"] for r in rows if not r["plan"]],
        }
    )
    if not context["is_city"]:
        from anju.reporting.models import WorkPlan

        context["uploads"] = list(
            WorkPlan.objects.for_user(user).filter(campaign=campaign).select_related("uploaded_by")
        )
    return context


def _coverage(extras: dict[str, Any]) -> dict[str, Any] | None:
    figure = extras.get("visits")
    if not isinstance(figure, dict) or "in_scope" not in figure:
        return None
    rate = figure.get("rate")
    return {**figure, "percent": f"{rate * 100:.1f}%" if isinstance(rate, int | float) else "—"}


def _monitoring(extras: dict[str, Any]) -> dict[str, Any] | None:
    """The month's 动态监测 as frozen with the report (reports sent before it have none)."""
    figure = extras.get("monitoring")
    if not isinstance(figure, dict) or not figure.get("lists"):
        return None
    return figure


def submission_context(
    user: User, submission: WeeklySubmission, now: dt.datetime
) -> dict[str, Any]:
    township = submission.township
    schedule = schedule_for(submission.campaign)
    own = user.unit_id == township.pk
    awaiting = submission.status == Status.AWAITING
    head = own and user.role == Role.TOWNSHIP_HEAD
    context: dict[str, Any] = {
        "s": submission,
        "township": township,
        "week": cal.week(schedule, submission.week) if schedule else None,
        "rows": official_rows(submission.entries),
        "coverage": _coverage(submission.extras),
        "monitoring": _monitoring(submission.extras),
        "extras_error": [
            k for k, v in submission.extras.items() if isinstance(v, dict) and "error" in v
        ],
        "can_refresh": submission.status in UNSENT and own and user.role == Role.TOWNSHIP_OFFICER,
        "can_approve": awaiting and head,
        "reauth": reauth.ask_for(user) if awaiting and head else None,
        "can_review": submission.status == Status.SUBMITTED and user.role == Role.CITY_REVIEWER,
        "versions": list(
            WeeklySubmission.objects.for_user(user)
            .filter(campaign=submission.campaign, township=township, week=submission.week)
            .exclude(pk=submission.pk)
            .order_by("id")
        ),
        "timeliness": _timeliness(submission),
    }
    if submission.is_sent:
        context["diff"] = ledger.readable(submission.differences)
        context["compared_with"] = submission.compared_with
        context["first"] = submission.compared_with_id is None
    else:
        previous = (
            WeeklySubmission.objects.filter(
                campaign=submission.campaign, township=township, seq__isnull=False
            )
            .order_by("-seq")
            .first()
        )
        context["compared_with"] = previous
        context["first"] = previous is None
        context["diff"] = ledger.compare(previous.entries, submission.entries) if previous else None
        live = ledger.current_entries(submission.campaign, township)
        context["drift"] = ledger.compare(submission.entries, live)
    return context


def suggested_new_due(submission: WeeklySubmission, now: dt.datetime) -> dt.datetime | None:
    """Two days from now at the reporting time, within 排查整改 (what the return form offers)."""
    schedule = schedule_for(submission.campaign)
    if schedule is None:
        return None
    day = now.astimezone(cal.local_zone()).date() + dt.timedelta(days=2)
    due = cal.at_local(day, schedule.report_time)
    closes = cal.rectify_closes_at(schedule)
    return min(due, closes - dt.timedelta(minutes=1)).astimezone(cal.local_zone())


def _timeliness(s: WeeklySubmission) -> dict[str, Any]:
    if s.status == Status.SENT_BACK:
        return {"state": board.Timeliness.RETURNED, "label": "已退回经办人"}
    if s.submitted_at is None:
        return {"state": board.Timeliness.AWAITING, "label": "待审批"}
    if s.on_time:
        return {"state": board.Timeliness.ON_TIME, "label": "按时报送"}
    late = board.span_text(s.submitted_at - s.due_at)
    return {"state": board.Timeliness.LATE, "label": f"逾期报送（晚{late}）"}


def compare_context(
    user: User, campaign: Campaign, township: Unit, a: int, b: int
) -> dict[str, Any]:
    qs = submissions_for(user, campaign).filter(township=township)
    left, right = sent_for_week(qs, a), sent_for_week(qs, b)
    context: dict[str, Any] = {"township": township, "a": a, "b": b, "left": left, "right": right}
    if left is None or right is None:
        missing = dict.fromkeys(n for n, s in ((a, left), (b, right)) if s is None)
        context["missing"] = "、".join(f"第{n}周" for n in missing)
        return context
    context["diff"] = ledger.compare(left.entries, right.entries)
    return context
