"""Send in-app reminders. Idempotent per (user, key): a daily job may call it again freely."""

from __future__ import annotations

from collections.abc import Iterable

from anju.core.models import Reminder


def remind(
    users: Iterable, *, kind: str, title: str, url: str = "", key: str, level: str = "info"
) -> int:
    rows = [
        Reminder(user=u, kind=kind, title=title[:200], url=url, key=key[:120], level=level)
        for u in users
    ]
    created = Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def users_of(unit, roles) -> list:
    """Active users holding one of ``roles`` at ``unit``."""
    from anju.accounts.models import User

    return list(User.objects.filter(unit=unit, role__in=[str(r) for r in roles], is_active=True))
