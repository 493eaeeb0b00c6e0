"""Background work of the overview (django-tasks; tests run tasks immediately)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_overview_task(snapshot_id: int, user_id: int | None = None) -> dict:
    """Compute a queued snapshot, acting as the user who asked for it."""
    from anju.accounts.models import User
    from anju.audit.context import SYSTEM, acting_as
    from anju.overview import services
    from anju.overview.models import Snapshot

    snapshot = Snapshot.objects.select_related("campaign").get(pk=snapshot_id)
    user = User.objects.filter(pk=user_id).select_related("unit").first() if user_id else None
    with acting_as(user or SYSTEM):
        snapshot = services.run(snapshot)
    return {"snapshot": snapshot.pk, "status": snapshot.status, "rows": snapshot.rows}


@task()
def refresh_after_changes() -> dict:
    """The refresh queued by changes (``freshness.py``): the current round, as the system."""
    from anju.audit.context import SYSTEM, acting_as
    from anju.campaigns.models import Campaign
    from anju.overview import services

    campaign = Campaign.objects.current()
    if campaign is None:
        return {"snapshot": None}
    with acting_as(SYSTEM):
        snapshot = services.refresh(campaign=campaign, label="数据变更后自动统计")
    return {"snapshot": snapshot.pk, "status": snapshot.status, "seconds": snapshot.seconds}
