"""The screening's part of carrying a closing round's open work into the next round
(``campaigns/carryover.py``): findings still 待确认 or 已确认 move with one history line, and so
do dismissals (已排除) the city has not reviewed yet — left in the closed round, where 推翻 and
认可 are refused (campaigns/guard.py), they would never be reviewed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.carryover import Carrier, register
from anju.screening.models import Finding, FindingEvent, Status

UNRESOLVED = (Status.OPEN, Status.CONFIRMED)


def open_findings(source):
    awaiting_review = Q(status=Status.DISMISSED, reviewed_at__isnull=True)
    return Finding.objects.filter(campaign=source).filter(
        Q(status__in=UNRESOLVED) | awaiting_review
    )


def count(source) -> int:
    return open_findings(source).count()


def move(*, actor, source, target) -> int:
    now = timezone.now()
    rows = list(open_findings(source).values_list("pk", "message"))
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    with transaction.atomic():
        Finding.objects.filter(pk__in=ids).update(campaign=target, updated_at=now)
        FindingEvent.objects.bulk_create(
            FindingEvent(
                finding_id=pk,
                kind=FindingEvent.Kind.CARRIED,
                at=now,
                user=actor,
                message=message,
                reason=f"“{source.name}”结束，转入“{target.name}”。",
            )
            for pk, message in rows
        )
        record(
            Event.UPDATE,
            object_label="screening.finding",
            detail={"carried": ids, "from": source.pk, "to": target.pk},
        )
    return len(ids)


register(Carrier(key="findings", label="未处理的筛查问题", count=count, move=move, order=2))
