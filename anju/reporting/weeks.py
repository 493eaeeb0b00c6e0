"""The calendar of a campaign: its three phases and the reporting weeks, derived from the
``Schedule`` (nothing here is stored).

Rules (the seed's 三、方法步骤 — “排查实行周报告制度……从第一周起，每周报送一次”):

- 动员部署 runs from the campaign's first day to ``mobilise_ends_on``; 排查整改 from the next
  day to ``rectify_ends_on``; 总结验收 from the next day to ``accept_ends_on``.
- Week 1 starts on the first day of 排查整改 and ends on the first reporting weekday on or
  after it; every later week is the seven days up to the next reporting weekday; the last
  week ends on the last day of 排查整改 (it may be shorter). A week is due on its last day at
  the reporting time, Beijing time (e.g. Friday 17:00).
- 排查整改 closes at midnight after its last day: from then on no weekly report is accepted.
- On time means the server time of sending, in whole seconds, is not after the due time:
  17:00:00 is on time for a 17:00 deadline, 17:00:01 is late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` in Beijing time (settings.TIME_ZONE), as an aware datetime."""
    return dt.datetime.combine(day, time.replace(second=0, microsecond=0), tzinfo=local_zone())


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    starts_on: dt.date
    ends_on: dt.date
    required: str  # the round's document's wording of the deadline ("" when not given)

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Week:
    number: int
    starts_on: dt.date
    ends_on: dt.date
    due_at: dt.datetime

    @property
    def label(self) -> str:
        return f"第{self.number}周"

    @property
    def span(self) -> str:
        return f"{self.starts_on.month}月{self.starts_on.day}日—{self.ends_on.month}月{self.ends_on.day}日"

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def due_text(moment: dt.datetime) -> str:
    """6月10日（星期五）17:00, in Beijing time."""
    local = moment.astimezone(local_zone())
    return f"{local.month}月{local.day}日（{WEEKDAY_NAMES[local.weekday()]}）{local:%H:%M}"


def compute_phases(
    *,
    starts_on: dt.date,
    mobilise_ends_on: dt.date,
    rectify_ends_on: dt.date,
    accept_ends_on,
    required: tuple[str, str, str] = ("", "", ""),
) -> list[Phase]:
    one = dt.timedelta(days=1)
    return [
        Phase("mobilise", "动员部署阶段", starts_on, mobilise_ends_on, required[0]),
        Phase("rectify", "排查整改阶段", mobilise_ends_on + one, rectify_ends_on, required[1]),
        Phase("accept", "总结验收阶段", rectify_ends_on + one, accept_ends_on, required[2]),
    ]


def compute_weeks(
    *, rectify_starts_on: dt.date, rectify_ends_on: dt.date, weekday: int, time: dt.time
) -> list[Week]:
    weeks: list[Week] = []
    day = rectify_starts_on
    while day <= rectify_ends_on:
        end = min(day + dt.timedelta(days=(weekday - day.weekday()) % 7), rectify_ends_on)
        weeks.append(Week(len(weeks) + 1, day, end, at_local(end, time)))
        day = end + dt.timedelta(days=1)
    return weeks


def phases(schedule) -> list[Phase]:
    return compute_phases(
        starts_on=schedule.campaign.starts_on,
        mobilise_ends_on=schedule.mobilise_ends_on,
        rectify_ends_on=schedule.rectify_ends_on,
        accept_ends_on=schedule.accept_ends_on,
        required=(
            schedule.mobilise_required,
            schedule.rectify_required,
            schedule.accept_required,
        ),
    )


def weeks(schedule) -> list[Week]:
    return compute_weeks(
        rectify_starts_on=schedule.mobilise_ends_on + dt.timedelta(days=1),
        rectify_ends_on=schedule.rectify_ends_on,
        weekday=schedule.report_weekday,
        time=schedule.report_time,
    )


def week(schedule, number: int) -> Week | None:
    for w in weeks(schedule):
        if w.number == number:
            return w
    return None


def week_of(schedule, day: dt.date) -> Week | None:
    """The week containing ``day`` (None outside 排查整改)."""
    for w in weeks(schedule):
        if w.contains(day):
            return w
    return None


def current_week(schedule, now: dt.datetime) -> Week | None:
    """The week a township works on now: the one containing today; before 排查整改 the
    first week, after it the last."""
    all_weeks = weeks(schedule)
    if not all_weeks:
        return None
    today = now.astimezone(local_zone()).date()
    if today < all_weeks[0].starts_on:
        return all_weeks[0]
    return next((w for w in all_weeks if w.contains(today)), all_weeks[-1])


def rectify_closes_at(schedule) -> dt.datetime:
    """The moment 排查整改 closes: midnight after its last day, Beijing time."""
    return at_local(schedule.rectify_ends_on + dt.timedelta(days=1), dt.time(0, 0))


def server_now() -> dt.datetime:
    """The server clock in whole seconds: the only time a submission ever records."""
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)
