"""Refreshing the overview: compute every number set-wise, then store them in one
transaction as a new snapshot (the page keeps showing the previous one meanwhile).

Called alike by ``manage.py refresh_overview``, the background task behind the city
administrator's "重新统计" button, and the demo. The Snapshot row is audited (created,
then finished); the metric rows are derived data written in bulk with it.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from anju.campaigns.models import Campaign
from anju.overview import compute
from anju.overview.models import Metric, Snapshot

if TYPE_CHECKING:
    from anju.accounts.models import User

KEEP = 3  # finished snapshots kept per campaign (older ones are removed)


class OverviewError(Exception):
    pass


def start(*, campaign: Campaign, actor: User | None = None, label: str = "") -> Snapshot:
    """A snapshot row in state 统计中 (the page shows that a refresh is under way)."""
    user = actor if getattr(actor, "pk", None) else None
    return Snapshot.objects.create(
        campaign=campaign,
        status=Snapshot.Status.RUNNING,
        as_of=timezone.localdate(),
        started_at=timezone.now(),
        requested_by=user,
        requested_by_label=label or (str(user) if user else "系统"),
    )


def run(snapshot: Snapshot) -> Snapshot:
    """Compute and store the numbers of a started snapshot; on failure it is marked 失败
    with the error and nothing of it is stored."""
    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate()
    campaign = snapshot.campaign
    try:
        rows, meta = compute.collect(campaign, today=today, now=now)
        with transaction.atomic():
            Metric.objects.bulk_create(
                (
                    Metric(snapshot=snapshot, township_id=t, village_id=v, key=k, week=w, value=n)
                    for t, v, k, w, n in rows
                ),
                batch_size=2000,
            )
            snapshot.status = Snapshot.Status.DONE
            snapshot.as_of = today
            snapshot.started_at = now
            snapshot.finished_at = timezone.now()
            snapshot.seconds = round(time.monotonic() - started, 3)
            snapshot.rows = len(rows)
            snapshot.meta = meta
            snapshot.save()
            _prune(campaign)
    except Exception as exc:
        snapshot.status = Snapshot.Status.FAILED
        snapshot.finished_at = timezone.now()
        snapshot.error = str(exc)[:2000]
        snapshot.save()
        raise
    return snapshot


def refresh(
    *, campaign: Campaign | None = None, actor: User | None = None, label: str = ""
) -> Snapshot:
    """A new finished snapshot of ``campaign`` (default: the current one), computed now."""
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise OverviewError("尚无进行中的“回头看”轮次，无可统计。")
    return run(start(campaign=campaign, actor=actor, label=label))


def _prune(campaign: Campaign) -> None:
    done = Snapshot.objects.done().filter(campaign=campaign).order_by("-finished_at", "-id")
    for old in done[KEEP:]:
        old.metrics.all().delete()
        old.delete()
    # A run that died without finishing (worker killed) is not left "running" forever.
    stale = timezone.now() - dt.timedelta(hours=6)
    for dead in Snapshot.objects.filter(
        campaign=campaign, status=Snapshot.Status.RUNNING, started_at__lt=stale
    ):
        dead.status = Snapshot.Status.FAILED
        dead.error = "统计超过 6 小时未完成，已视为失败。"
        dead.save()


def running(campaign: Campaign | None) -> Snapshot | None:
    if campaign is None:
        return None
    return (
        Snapshot.objects.filter(campaign=campaign, status=Snapshot.Status.RUNNING)
        .order_by("-started_at")
        .first()
    )


def request_refresh(*, actor: User, campaign: Campaign) -> Snapshot | None:
    """Queue a refresh in the background; None when one is already under way."""
    from anju.overview.tasks import refresh_overview_task

    with transaction.atomic():
        if running(campaign) is not None:
            return None
        snapshot = start(campaign=campaign, actor=actor)
    refresh_overview_task.enqueue(snapshot_id=snapshot.pk, user_id=actor.pk)
    return snapshot
