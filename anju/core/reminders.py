"""Send in-app reminders. Idempotent per (user, key): a daily job may call it again freely.

A reminder is *done* (``done_at``) once its cause is resolved — the report was resent, the
entry closed — whoever resolved it: ``resolve`` marks it so, and it no longer counts as
unread. A done reminder is not sent again under the same key.

``DailyReminders`` is the shape of a daily reminder job (``ledger_reminders``,
``monitoring_reminders``): ``--date``, run as the system, one line of what it sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from anju.audit.context import SYSTEM, acting_as
from anju.core.models import Reminder


def remind(
    users: Iterable, *, kind: str, title: str, url: str = "", key: str, level: str = "info"
) -> int:
    """Create the reminder for each user who does not have it yet; return how many were new."""
    users = list(users)
    key = key[:120]
    have = set(Reminder.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
    rows = [
        Reminder(user=u, kind=kind, title=title[:200], url=url, key=key, level=level)
        for u in users
        if u.pk not in have
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def users_of(unit, roles) -> list:
    """Active users holding one of ``roles`` at ``unit``."""
    from anju.accounts.models import User

    return list(User.objects.filter(unit=unit, role__in=[str(r) for r in roles], is_active=True))


def resolve(
    *,
    keys: Iterable[str] = (),
    prefixes: Iterable[str] = (),
    kinds: Iterable[str] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Mark done the pending reminders whose key is one of ``keys`` or starts with one of
    ``prefixes`` (optionally only of ``kinds``); return how many were marked."""
    match = Q(pk__in=[])
    keys = [k[:120] for k in keys]
    if keys:
        match |= Q(key__in=keys)
    for prefix in prefixes:
        match |= Q(key__startswith=prefix)
    rows = Reminder.objects.pending().filter(match)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(done_at=at or timezone.now())


class DailyReminders(BaseCommand):
    """``manage.py NAME [--date YYYY-MM-DD]``: a daily reminder job. ``send(today=)`` runs as
    the system (the reminders and their audit rows are nobody's doing) and ``summary(sent)``
    says what it sent, after the day. Idempotent, as ``remind`` is: run it again freely."""

    def send(self, *, today: dt.date) -> dict[str, int]:
        raise NotImplementedError

    def summary(self, sent: dict[str, int]) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--date", help="以该日期为“今天”（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”格式不对，应为 YYYY-MM-DD。") from None
        with acting_as(SYSTEM):
            sent = self.send(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}：{self.summary(sent)}")
