"""The monthly rhythm of 动态监测 (issue #18 step 4): per township, the households new on
the departments' lists this month, how many were assessed in time, and how many are overdue.

The round sets two days a month (``Campaign.list_due_day``, default 5: the lists arrive;
``assess_due_day``, default 20: their new households are assessed). A list speaking for
11-30 arrives by 12-05, so its new households are December's and are due by 12-20. Hence:

- a household is **new in month M** when the earliest day a current list first held it
  (``first_listed_on``, the earliest over the sources) falls after the previous month's list
  day and on or before M's list day;
- **assessed in time**: of those, the registry holds the household and its current
  assessment is dated on or before M's assess day (or it is 无房户: no house to assess);
- **waiting**: new in M, not assessed yet, M's assess day not passed;
- **overdue**: any household whose month's assess day has passed and that still has no
  assessment in the registry — the 应纳未纳 ones (not in the registry at all) included.

Households count once (by the keyed ID hash), under the township the list names. The
lists' scope is M-01's: a key group or a monitoring type. One grouped query per figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from anju.monitoring.models import ListedHousehold, ListVersion


@dataclass
class Month:
    new: int = 0
    in_time: int = 0
    waiting: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return first_of(month - dt.timedelta(days=1))


@dataclass(frozen=True)
class Days:
    """This month's days, and the window of first-listed days they cover."""

    month: dt.date
    list_due: dt.date
    assess_due: dt.date
    after: dt.date  # the previous month's list day: new this month is listed after it
    due_upto: dt.date  # listed on or before it: the assess day has passed

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def schedule(campaign, today: dt.date) -> Days:
    month = first_of(today)
    assess_due = campaign.assess_due_on(month)
    # the latest month whose assess day has passed: its households and all before are due
    last_due = month if today > assess_due else previous_month(month)
    return Days(
        month=month,
        list_due=campaign.list_due_on(month),
        assess_due=assess_due,
        after=campaign.list_due_on(previous_month(month)),
        due_upto=campaign.list_due_on(last_due),
    )


def _earliest():
    """Each household's earliest record on the current lists (ties: one per source)."""
    current = ListedHousehold.objects.current()
    earlier = current.filter(
        id_number_hash=OuterRef("id_number_hash"), first_listed_on__lt=OuterRef("first_listed_on")
    )
    in_scope = Q(groups__gt=0) | ~Q(monitoring_type="")
    return current.filter(in_scope, first_listed_on__isnull=False).filter(~Exists(earlier))


def _held(**assessed):
    from anju.registry.models import Household

    held = Household.objects.filter(id_number_hash=OuterRef("id_number_hash"))
    return held.filter(Q(**assessed) | Q(no_house=True))


def figures(campaign, *, today: dt.date, township_ids=None) -> dict[int, Month]:
    """Township id → this month's figures (townships with none are left out)."""
    days = schedule(campaign, today)
    rows = _earliest()
    if township_ids is not None:
        rows = rows.filter(township_id__in=list(township_ids))
    out: dict[int, Month] = {}

    def month_of(township_id: int) -> Month:
        return out.setdefault(township_id, Month())

    new = (
        rows.filter(first_listed_on__gt=days.after, first_listed_on__lte=days.list_due)
        .annotate(
            in_time=Exists(_held(assessment__assessed_on__lte=days.assess_due)),
            assessed=Exists(_held(assessment__isnull=False)),
        )
        .values("township_id")
        .order_by()
        .annotate(
            new=Count("id_number_hash", distinct=True),
            in_time_n=Count("id_number_hash", distinct=True, filter=Q(in_time=True)),
            waiting=Count("id_number_hash", distinct=True, filter=Q(assessed=False)),
        )
    )
    passed = today > days.assess_due
    for g in new:
        m = month_of(g["township_id"])
        m.new, m.in_time = g["new"], g["in_time_n"]
        m.waiting = 0 if passed else g["waiting"]
    overdue = (
        rows.filter(first_listed_on__lte=days.due_upto)
        .filter(~Exists(_held(assessment__isnull=False)))
        .values("township_id")
        .order_by()
        .annotate(n=Count("id_number_hash", distinct=True))
    )
    for g in overdue:
        month_of(g["township_id"]).overdue = g["n"]
    return out


def day_label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def for_township(township, campaign, *, today: dt.date | None = None) -> dict[str, Any]:
    """One township's month, JSON-ready: what its weekly report freezes and its 整改报告
    states. ``lists`` is False while no department list was ever imported (nothing to say)."""
    today = today or timezone.localdate()
    days = schedule(campaign, today)
    month = figures(campaign, today=today, township_ids=[township.pk]).get(township.pk, Month())
    return {
        "label": days.label,
        "list_due": day_label(days.list_due),
        "assess_due": day_label(days.assess_due),
        "lists": ListVersion.objects.written().exists(),
        **month.as_dict(),
    }
