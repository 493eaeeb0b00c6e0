"""Daily reminders of 动态监测's monthly rhythm (issue #18 step 4; ``manage.py
monitoring_reminders``, run once a day by the worker like ``ledger_reminders``):

- to a township's officers, once the month's lists hold new households not yet assessed:
  how many, and the day they must be assessed by (``monitoring_due``);
- to a township's officers, once an assess day has passed with listed households still
  unassessed (the 应纳未纳 ones included): how many (``monitoring_overdue``);
- to the city's importers, once the month's list day has passed and a source that has been
  imported before has no list of this month yet (``monitoring_list_due``).

The figures are ``monthly.figures`` (the overview's). Idempotent: a key names the township,
the month or day and the count, so a second run the same day sends nothing; each run first
marks done the reminders whose cause is gone (all assessed, the month moved on, the list
arrived).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.core.models import Reminder
from anju.core.reminders import remind, resolve
from anju.monitoring import monthly
from anju.monitoring.models import ListVersion, Source

KINDS = ("monitoring_due", "monitoring_overdue", "monitoring_list_due")
LIST_IMPORTER_ROLES = (Role.CITY_REVIEWER,)


def send_monitoring_reminders(*, today: dt.date) -> dict[str, int]:
    from anju.campaigns.models import Campaign

    sent = {"due": 0, "overdue": 0, "lists": 0, "done": 0}
    campaign = Campaign.objects.current(on=today)
    if campaign is None:
        return sent
    days = monthly.schedule(campaign, today)
    figures = monthly.figures(campaign, today=today)
    missing = _lists_missing(days, today)
    wanted = {**_township_keys(figures, days), **{_list_key(s, days): s for s in missing}}
    sent["done"] = _resolve_gone(set(wanted))
    url = reverse("screening:findings") + "?aspect=M"
    officers: dict[int | None, list[User]] = {}
    for user in User.objects.filter(
        role=Role.TOWNSHIP_OFFICER, is_active=True, unit_id__in=list(figures)
    ):
        officers.setdefault(user.unit_id, []).append(user)
    for township_id, m in figures.items():
        users = officers.get(township_id, [])
        if m.waiting:
            sent["due"] += remind(
                users,
                kind="monitoring_due",
                title=f"{days.label}部门名单新增农户 {m.new} 户，其中 {m.waiting} 户尚未鉴定，"
                f"须于{_day(days.assess_due)}前完成住房安全鉴定。",
                url=url,
                key=_due_key(township_id, days, m),
                level="warning",
            )
        if m.overdue:
            sent["overdue"] += remind(
                users,
                kind="monitoring_overdue",
                title=f"{m.overdue} 户列入部门名单后已过鉴定时限仍未鉴定（含尚未建档的农户），"
                "请尽快登记入档并安排鉴定。",
                url=url,
                key=_overdue_key(township_id, days, m),
                level="danger",
            )
    if missing:
        importers = User.objects.filter(
            role__in=LIST_IMPORTER_ROLES, is_active=True, unit=campaign.county
        )
        for source in missing:
            sent["lists"] += remind(
                importers,
                kind="monitoring_list_due",
                title=f"本月{Source(source).label}名单应于{_day(days.list_due)}前收到并导入，"
                "尚未导入。",
                url=reverse("monitoring:lists"),
                key=_list_key(source, days),
                level="warning",
            )
    return sent


def _day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _due_key(township_id: int, days: monthly.Days, m: monthly.Month) -> str:
    return f"monitoring:{township_id}:due:{days.month:%Y%m}:{m.new}:{m.waiting}"


def _overdue_key(township_id: int, days: monthly.Days, m: monthly.Month) -> str:
    return f"monitoring:{township_id}:overdue:{days.due_upto:%Y%m%d}:{m.overdue}"


def _list_key(source: str, days: monthly.Days) -> str:
    return f"monitoring:list:{source}:{days.month:%Y%m}"


def _township_keys(figures: dict[int, monthly.Month], days: monthly.Days) -> dict[str, int]:
    keys = {}
    for township_id, m in figures.items():
        if m.waiting:
            keys[_due_key(township_id, days, m)] = township_id
        if m.overdue:
            keys[_overdue_key(township_id, days, m)] = township_id
    return keys


def _lists_missing(days: monthly.Days, today: dt.date) -> list[str]:
    """Sources imported before whose current list is not this month's, past the list day."""
    if today <= days.list_due:
        return []
    missing = []
    for source in Source.values:
        current = ListVersion.objects.current(source)
        if current is not None and current.received_on <= days.after:
            missing.append(source)
    return missing


def _resolve_gone(wanted: set[str]) -> int:
    """Mark done the pending reminders of this kind whose key is no longer wanted: the
    households were assessed, the counts or the month changed, the list arrived."""
    pending = set(
        Reminder.objects.pending().filter(kind__in=KINDS).values_list("key", flat=True).distinct()
    )
    gone = sorted(pending - wanted)
    return resolve(keys=gone, kinds=KINDS) if gone else 0
