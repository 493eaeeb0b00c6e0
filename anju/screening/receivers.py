"""Re-screen households after the registry changed them (anju.registry.signals)."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from anju.registry.signals import households_changed

log = logging.getLogger(__name__)
SYNC_LIMIT = 50  # up to this many households are re-screened in the request itself
TASK_LIMIT = 5000  # up to this many in one background task; beyond, their townships are re-run


@receiver(households_changed, dispatch_uid="screening.rescreen")
def rescreen(sender, household_ids=(), **kwargs):
    from anju.screening import services
    from anju.screening.tasks import screen_households_task

    ids = sorted({int(i) for i in household_ids or ()})
    if not ids:
        return
    if len(ids) <= SYNC_LIMIT:
        try:
            services.screen_households(ids)
        except Exception:  # the edit is saved; the next run catches up
            log.exception("re-screening households %s failed", ids[:10])
    elif len(ids) <= TASK_LIMIT:
        screen_households_task.enqueue(ids)
    else:
        services.rescreen_townships_of(ids)
