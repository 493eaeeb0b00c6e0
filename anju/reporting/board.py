"""Timeliness: the state of each township's report for each week, as the city's grid and
the township's own page show it.

A cell is judged from the township's latest submission for the week:

- none: 未报送 once the week's due time has passed, else 待报送;
- awaiting the head, or sent back by the head to the officer: 待审批 (marked overdue once
  its due time has passed);
- returned: 已退回, with the new due time;
- sent: 按时报送 when sent at or before its due time (whole seconds: 17:00:00 is on time for
  17:00, 17:00:01 is late), else 逾期报送 — against the week's due time, or for a report sent
  again after a return, against the new due time the city gave.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.reporting import weeks as cal
from anju.reporting.models import UNSENT, Status, WeeklySubmission
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.campaigns.models import Campaign
    from anju.reporting.models import Schedule


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    MISSING = "missing", _("未报送")
    RETURNED = "returned", _("已退回")
    AWAITING = "awaiting", _("待审批")
    NOT_DUE = "not_due", _("待报送")


def span_text(delta: dt.timedelta) -> str:
    """1天3小时 / 2小时5分钟 / 12分钟 / 1秒."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    if minutes:
        return f"{minutes}分钟"
    return f"{secs}秒"


@dataclass
class Cell:
    week: cal.Week
    state: str
    due_at: dt.datetime
    submission: WeeklySubmission | None = None
    overdue: bool = False
    rows: list[WeeklySubmission] = field(default_factory=list)
    can_prepare: bool = False  # the township's page: the officer may prepare it now

    @property
    def label(self) -> str:
        return str(Timeliness(self.state).label)

    @property
    def note(self) -> str:
        """The short second line of a cell."""
        s = self.submission
        if s is None:  # 未报送 or 待报送: judged by the week's due time
            pass
        elif self.state in (Timeliness.ON_TIME, Timeliness.LATE) and s.submitted_at:
            sent = s.submitted_at.astimezone(cal.local_zone())
            text = f"{sent.month}/{sent.day} {sent:%H:%M}"
            if self.state == Timeliness.LATE:
                text += f" 逾期{self.late_by}"
            return text + (" 已通过" if s.status == Status.ACCEPTED else " 待审核")
        elif self.state == Timeliness.RETURNED:
            due = self.due_at.astimezone(cal.local_zone())  # the new due time (``cell``)
            return f"限{due.month}/{due.day} {due:%H:%M}前重报"
        elif self.state == Timeliness.AWAITING:
            if s.status == Status.SENT_BACK:
                return "已退回经办人" + ("，已过截止时间" if self.overdue else "修改")
            return "已过截止时间" if self.overdue else "等待乡镇主要负责人审批"
        if self.state == Timeliness.MISSING:
            return "已过截止时间"
        due = self.due_at.astimezone(cal.local_zone())
        return f"截止{due.month}/{due.day} {due:%H:%M}"

    @property
    def late_by(self) -> str:
        """How late the week's report was sent (empty unless it was sent late)."""
        s = self.submission
        if self.state != Timeliness.LATE or s is None or s.submitted_at is None:
            return ""
        return span_text(s.submitted_at - s.due_at)

    @property
    def resubmitted(self) -> bool:
        return bool(self.submission and self.submission.resubmission_of_id)


def cell(week: cal.Week, rows: list[WeeklySubmission], now: dt.datetime) -> Cell:
    rows = sorted(rows, key=lambda r: r.pk)
    latest = rows[-1] if rows else None
    if latest is None:
        state = Timeliness.MISSING if now > week.due_at else Timeliness.NOT_DUE
        return Cell(week, state, week.due_at, rows=rows)
    if latest.status in UNSENT:
        return Cell(
            week, Timeliness.AWAITING, latest.due_at, latest, now > latest.due_at, rows=rows
        )
    if latest.status == Status.RETURNED:
        due = latest.new_due_at or latest.due_at  # a return always names a new due time
        return Cell(week, Timeliness.RETURNED, due, latest, now > due, rows=rows)
    state = Timeliness.ON_TIME if latest.on_time else Timeliness.LATE
    return Cell(week, state, latest.due_at, latest, rows=rows)


@dataclass
class Row:
    township: Unit
    cells: list[Cell]


def rows_by_township_week(
    campaign: Campaign, townships: Iterable[Unit]
) -> dict[tuple[int, int], list[WeeklySubmission]]:
    grouped: dict[tuple[int, int], list[WeeklySubmission]] = defaultdict(list)
    qs = WeeklySubmission.objects.filter(campaign=campaign, township__in=townships).only(
        "id",
        "township_id",
        "week",
        "status",
        "due_at",
        "submitted_at",
        "new_due_at",
        "resubmission_of_id",
    )
    for row in qs:
        grouped[(row.township_id, row.week)].append(row)
    return grouped


def grid(
    campaign: Campaign, schedule: Schedule, townships: Iterable[Unit], now: dt.datetime
) -> list[Row]:
    """One row per township, one cell per week (one query for the whole county)."""
    units = list(townships)
    all_weeks = cal.weeks(schedule)
    grouped = rows_by_township_week(campaign, units)
    return [
        Row(t, [cell(w, grouped.get((t.pk, w.number), []), now) for w in all_weeks]) for t in units
    ]


def summary(cells: list[Cell]) -> dict[str, int]:
    counts = {t.value: 0 for t in Timeliness}
    for c in cells:
        counts[c.state] += 1
    counts["sent"] = counts[Timeliness.ON_TIME] + counts[Timeliness.LATE]
    return counts


def week_column(rows: list[Row], number: int) -> list[Cell]:
    return [c for r in rows for c in r.cells if c.week.number == number]
