"""Send in-app reminders. Idempotent per (user, key): a daily job may call it again freely."""

from __future__ import annotations

from collections.abc import Iterable

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
