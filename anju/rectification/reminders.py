"""Daily reminders to township officers: ledger entries due within DUE_SOON_DAYS days and
entries past their deadline (``manage.py ledger_reminders``, run once a day).

Idempotent: each reminder's key names the entry, the kind and the deadline, so running
twice a day sends nothing new, and a changed deadline is announced again. Each run first
marks done the reminders whose cause is gone (``resolve_settled``): the entry was closed
(or discarded, or its round was closed), or its deadline changed (the new one is announced
under a new key).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.campaigns.models import READ_ONLY
from anju.core.models import Reminder
from anju.core.reminders import remind, resolve
from anju.rectification.models import DUE_SOON_DAYS, LedgerEntry

if TYPE_CHECKING:
    from anju.rectification.models import LedgerEntryQuerySet


def _open_entries() -> LedgerEntryQuerySet:
    """Entries still to be worked on: open, in a round that is not closed or archived (a
    closed round's entries are read-only: nobody can act on a reminder about them)."""
    return LedgerEntry.objects.open().exclude(campaign__status__in=READ_ONLY)


def send_ledger_reminders(*, today: dt.date) -> dict[str, int]:
    """Remind the officers of each township; returns how many reminders were new."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    entries = list(
        _open_entries()
        .filter(deadline__isnull=False, deadline__lte=soon)
        .only("pk", "number", "township_id", "deadline", "description")
        .order_by("township_id", "deadline", "number")
    )
    officers: dict[int | None, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=Role.TOWNSHIP_OFFICER,
        is_active=True,
        unit_id__in={e.township_id for e in entries},
    ):
        officers[user.unit_id].append(user)
    sent = {"due_soon": 0, "overdue": 0, "done": resolve_settled()}
    for entry in entries:
        users = officers.get(entry.township_id)
        deadline = entry.deadline  # never None here (the query asks for one)
        if not users or deadline is None:
            continue
        title = entry.description[:30]
        url = reverse("rectification:entry_detail", args=[entry.pk])
        if deadline < today:
            days = (today - deadline).days
            sent["overdue"] += remind(
                users,
                kind="ledger_overdue",
                title=f"整改台账第{entry.number}号“{title}”已逾期 {days} 天"
                f"（完成时限 {deadline:%Y-%m-%d}）。",
                url=url,
                key=f"ledger:{entry.pk}:overdue:{deadline:%Y%m%d}",
                level="danger",
            )
        else:
            days = (deadline - today).days
            when = "于今天" if days == 0 else f"在 {days} 天后"
            sent["due_soon"] += remind(
                users,
                kind="ledger_due",
                title=f"整改台账第{entry.number}号“{title}”将{when}到期（{deadline:%Y-%m-%d}）。",
                url=url,
                key=f"ledger:{entry.pk}:due:{deadline:%Y%m%d}",
                level="warning",
            )
    return sent


def resolve_settled() -> int:
    """Mark done the due/overdue reminders of entries no longer open (or whose round was
    closed), or whose deadline is no longer the one the reminder named (keys
    ``ledger:<entry>:<due|overdue>:<YYYYMMDD>``)."""
    named: dict[str, tuple[int, str]] = {}
    for key in (
        Reminder.objects.pending()
        .filter(kind__in=["ledger_due", "ledger_overdue"])
        .values_list("key", flat=True)
        .distinct()
    ):
        parts = key.split(":")
        if len(parts) == 4 and parts[1].isdigit():
            named[key] = (int(parts[1]), parts[3])
    if not named:
        return 0
    live = {
        pk: f"{deadline:%Y%m%d}"
        for pk, deadline in _open_entries()
        .filter(pk__in={pk for pk, _ in named.values()}, deadline__isnull=False)
        .values_list("pk", "deadline")
    }
    gone = [key for key, (pk, day) in named.items() if live.get(pk) != day]
    return resolve(keys=gone) if gone else 0
