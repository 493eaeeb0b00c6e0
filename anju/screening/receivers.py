"""Re-screen households after the registry changed them, and mask the names of those it
anonymises (anju.registry.signals).

``forget_anonymised`` (SECURITY.md row 28, inside the retention run's transaction): the head's
full name is masked (王五 → 王*, ``core.pi.scrub_names``) in the household's findings — the
问题表述, the township's 排除理由 and the city's 审核意见. A finding's history
(``FindingEvent``) is append-only — its queryset refuses ``update()``/``delete()`` and its
``save()`` refuses a change — so the lines it recorded keep their text, as the audit trail
does. ``Hit`` rows need nothing: they are staged and deleted within one chunk's transaction.
"""

from __future__ import annotations

import logging

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from anju.registry import retention
from anju.registry.signals import households_anonymised, households_changed

log = logging.getLogger(__name__)
SYNC_LIMIT = 50  # up to this many households are re-screened in the request itself
TASK_LIMIT = 5000  # up to this many in one background task; beyond, their townships are re-run


def open_finding() -> Exists:
    """A finding of the household still 待确认 or 已确认 keeps its case open (retention)."""
    from anju.screening.models import Finding, Status

    return Exists(
        Finding.objects.filter(household=OuterRef("pk"), status__in=(Status.OPEN, Status.CONFIRMED))
    )


retention.register_open_case("screening.open_finding", open_finding)


@receiver(households_changed, dispatch_uid="screening.rescreen")
def rescreen(sender, household_ids=(), **kwargs):
    from anju.campaigns.models import Campaign
    from anju.screening import services
    from anju.screening.tasks import screen_households_task

    ids = sorted({int(i) for i in household_ids or ()})
    if not ids:
        return
    if Campaign.objects.current() is None:
        # Findings belong to a round: before the first one is published (a fresh install
        # importing its registry) there is nothing to screen into. The round's first run
        # screens every household then.
        log.info("no running round: %d changed households not re-screened", len(ids))
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


@receiver(households_anonymised, dispatch_uid="screening.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, names=None, **kwargs) -> dict[str, int]:
    from anju.core.pi import scrub_names
    from anju.screening.models import Finding

    return {
        "names_in_text": scrub_names(
            lambda pk: Finding.objects.filter(household=pk),
            ("message", "reason", "review_reason"),
            names or {},
            dry_run=dry_run,
        )
    }
