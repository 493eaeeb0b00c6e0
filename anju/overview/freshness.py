"""Keeping the overview's numbers fresh (issue #17 item 1).

Every change to data is audited; the audit app says so (``audit.signals.recorded``). When a
change is about what a figure counts (households, findings, the ledger, weekly reports,
visits, spot-checks, the round's settings), a refresh is queued for the worker after the
change commits, ``run_after`` ``OVERVIEW_REFRESH_DELAY`` seconds: changes meanwhile find it
queued and add nothing, so a burst of edits (or an import) costs one refresh, and no
figure is older than the delay plus one refresh. A change made while a refresh runs
queues the next one. The daily job (``periodic.py``) refreshes after midnight, when
"overdue" moves without any change.

With the in-process task backend (tests, ``ANJU_TASKS_IMMEDIATE``) nothing is queued: the
numbers change when someone presses 重新统计.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# The records the overview counts ("app." prefixes of audited object types).
COUNTED = (
    "registry.",
    "screening.",
    "rectification.",
    "reporting.",
    "visits.",
    "inspections.",
    "campaigns.",
)
CHANGES = frozenset(
    {
        "create",
        "update",
        "delete",
        "import",
        "submit",
        "return",
        "accept",
        "transition",
        "settings_changed",
        "restored",
    }
)


def moves_a_figure(events, object_types) -> bool:
    return bool(CHANGES.intersection(events)) and any(t.startswith(COUNTED) for t in object_types)


def on_recorded(sender, *, events, object_types, **kwargs) -> None:
    if moves_a_figure(events, object_types):
        changed()


def changed() -> None:
    """Queue a refresh once the current transaction commits (once per transaction)."""
    from anju.core import periodic

    if not periodic.deferrable():
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _queue for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_queue, robust=True)  # a queue hiccup never fails the change


def _queue() -> None:
    from anju.overview.tasks import refresh_after_changes

    if queued() is not None:
        return
    delay = dt.timedelta(seconds=settings.OVERVIEW_REFRESH_DELAY)
    refresh_after_changes.using(run_after=timezone.now() + delay).enqueue()


def queued() -> dt.datetime | None:
    """When the refresh queued after changes will run (None: none is queued)."""
    from anju.core import periodic
    from anju.overview.tasks import refresh_after_changes

    if not periodic.deferrable():
        return None
    times = [when for _, when in periodic.waiting(refresh_after_changes)]
    return min(times) if times else None
