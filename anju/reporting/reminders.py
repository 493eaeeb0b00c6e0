"""Reminders of weekly reporting, sent by ``manage.py reporting_reminders`` every hour.

- due soon: 24 hours before a due time, to the township's officer when nothing has been
  sent for the week (and to its head when a report awaits approval);
- returned: to the officer and head, with the reason and the new due time (also sent at
  once when the city returns a report; the key makes it once only);
- overdue: once the due time has passed and nothing has been sent, to the officer and head.

Each reminder has a key (township, week, the due time it is about), so running the job
again sends nothing new. Each run first marks done the reminders whose cause is resolved
(``resolve_settled``): the week's report was sent, or the returned report was resent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from anju.accounts.roles import Role
from anju.campaigns.models import Campaign
from anju.core.models import Reminder
from anju.core.reminders import remind, resolve, users_of
from anju.reporting import board, services
from anju.reporting import weeks as cal
from anju.reporting.models import Schedule, Status, WeeklySubmission
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.accounts.models import User

People = dict[int, list["User"]]  # township id → its officers (or heads)

DUE_SOON = dt.timedelta(hours=24)


def send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or cal.server_now()
    sent = {"due_soon": 0, "returned": 0, "overdue": 0}
    sent["done"] = resolve_settled(now)
    schedules = Schedule.objects.filter(campaign__is_active=True).select_related("campaign")
    for schedule in schedules:
        campaign: Campaign = schedule.campaign
        if now >= cal.rectify_closes_at(schedule) + dt.timedelta(days=1):
            continue
        townships = list(
            Unit.objects.townships().filter(parent=campaign.county, is_active=True).order_by("code")
        )
        officers, heads = _people(townships)
        for row in board.grid(campaign, schedule, townships, now):
            for cell in row.cells:
                _cell(row.township, cell, now, officers, heads, sent)
    return sent


def _people(townships: Iterable[Unit]) -> tuple[People, People]:
    officers: People = {}
    heads: People = {}
    for t in townships:
        officers[t.pk] = users_of(t, [Role.TOWNSHIP_OFFICER])
        heads[t.pk] = users_of(t, [Role.TOWNSHIP_HEAD])
    return officers, heads


def _cell(
    township: Unit,
    cell: board.Cell,
    now: dt.datetime,
    officers: People,
    heads: People,
    sent: dict[str, int],
) -> None:
    week = cell.week
    due = cell.due_at
    index = reverse("reporting:index")
    stamp = f"{due:%Y%m%d%H%M}"
    base = f"{services.week_key(township.pk, week=week.number)}{stamp}"
    people = officers[township.pk]
    both = people + heads[township.pk]
    state, submission = cell.state, cell.submission
    if state == board.Timeliness.RETURNED and submission is not None:
        sent["returned"] += services.notify_returned(submission)
    if state in (board.Timeliness.ON_TIME, board.Timeliness.LATE):
        return
    if now < due <= now + DUE_SOON:
        if (
            state == board.Timeliness.AWAITING
            and submission is not None
            and submission.status == Status.AWAITING
        ):
            url = reverse("reporting:submission", args=[submission.pk])
            sent["due_soon"] += remind(
                heads[township.pk],
                kind="weekly_due_soon",
                title=f"{week.label}周报待您审批，将于{cal.due_text(due)}截止",
                url=url,
                key=f"{base}:approve_soon",
            )
        else:
            sent["due_soon"] += remind(
                people,
                kind="weekly_due_soon",
                title=f"{week.label}周报将于{cal.due_text(due)}截止，请及时生成并提交审批",
                url=index,
                key=f"{base}:due_soon",
            )
    elif due < now and _unsent(cell):
        sent["overdue"] += remind(
            both,
            kind="weekly_overdue",
            title=f"{township.name}{week.label}周报已过截止时间（{cal.due_text(due)}）仍未报送",
            url=index,
            key=f"{base}:overdue",
            level="danger",
        )


def _unsent(cell: board.Cell) -> bool:
    s = cell.submission
    return s is None or s.status in (Status.AWAITING, Status.SENT_BACK, Status.RETURNED)


LIVE = (Status.SUBMITTED, Status.ACCEPTED)


def resolve_settled(now: dt.datetime) -> int:
    """Mark done the weekly-report reminders whose cause is gone: a report of the week is
    sent (due soon, overdue), or the report the city returned was resent (returned)."""
    weeks: set[tuple[int, int]] = set()
    returned: set[int] = set()
    kinds = ["weekly_due_soon", "weekly_overdue", "weekly_returned"]
    for key in Reminder.objects.pending().filter(kind__in=kinds).values_list("key", flat=True):
        parts = key.split(":")
        if parts[1] == "returned" and parts[2].isdigit():
            returned.add(int(parts[2]))
        elif parts[1].isdigit() and parts[2].isdigit():
            weeks.add((int(parts[1]), int(parts[2])))
    done = 0
    if weeks:
        sent = WeeklySubmission.objects.filter(
            status__in=LIVE, township_id__in={t for t, _ in weeks}
        ).values_list("township_id", "week")
        settled = weeks & set(sent)
        done += resolve(prefixes=[services.week_key(t, week=w) for t, w in sorted(settled)], at=now)
    if returned:
        resent = WeeklySubmission.objects.filter(
            status__in=LIVE, resubmission_of_id__in=returned
        ).values_list("resubmission_of_id", flat=True)
        done += resolve(keys=[f"reporting:returned:{pk}" for pk in set(resent)], at=now)
    return done
