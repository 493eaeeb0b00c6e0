"""Writing and verifying the audit chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from anju.audit import anchors, chain
from anju.audit.context import Actor, current_actor
from anju.audit.events import Event, Outcome
from anju.audit.models import (
    AuditEvent,
    canonical,
    canonical_detail,
    canonical_json,
    jsonable,
    object_type,
)
from anju.audit.signals import recorded
from anju.core.crypto import audit_chain_mac
from anju.core.dbcopy import copy_rows

_CHAIN_LOCK = 7_236_100  # PostgreSQL advisory-lock key that serialises chain appends


def record(
    event: Event | str,
    *,
    obj: Any = None,
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
    object_label: str = "",
    object_pk: str = "",
) -> AuditEvent:
    """Append one audit event, chained to the previous one by its hash."""
    actor = actor or current_actor()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        entry = AuditEvent(
            ts=timezone.now(),
            user_id=actor.user_id,
            username=actor.username,
            role=actor.role,
            unit_code=actor.unit_code,
            ip=actor.ip,
            event=str(event),
            object_type=object_type(obj) if obj is not None else object_label,
            object_id=str(obj.pk) if obj is not None else object_pk,
            object_repr=(str(obj) if obj is not None else "")[:200],
            outcome=str(outcome),
            detail=jsonable(detail or {}),
            prev_hash=prev,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        recorded.send(AuditEvent, events={entry.event}, object_types={entry.object_type})
    anchors.schedule_daily()
    return entry


_COLUMNS = (
    "ts",
    "user_id",
    "username",
    "role",
    "unit_code",
    "ip",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)
_BATCH = 2000


def record_many(items: list[dict[str, Any]], *, actor: Actor | None = None) -> int:
    """Append many events at once (bulk imports): each item has ``event`` and optionally
    ``obj`` or ``object_label``/``object_pk``, ``outcome`` and ``detail`` (whose dictionary
    keys must all be text, see ``canonical_detail``). One lock, one chain; the rows go in
    by one ``COPY`` on PostgreSQL (``anju.core.dbcopy``), by one ``executemany`` per 2,000
    rows on SQLite (``bulk_create`` spent more time preparing each field than the database
    spent writing)."""
    if not items:
        return 0
    actor = actor or current_actor()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        now = timezone.now()
        ts = connection.ops.adapt_datetimefield_value(now)
        who = (actor.user_id, actor.username, actor.role, actor.unit_code, actor.ip)
        head = canonical(now, *who)[:-1]  # "[ts,user,...,ip" — the fields every row shares
        # made before writing: an object's str() may read the database
        rows = list(_chained(items, ts, who, head, prev))
        if connection.vendor == "postgresql":
            copy_rows(AuditEvent._meta.db_table, _COLUMNS, rows)
        else:
            sql = (
                f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(_COLUMNS)}) "  # noqa: S608 (constants)
                f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
            )
            with connection.cursor() as cursor:
                for start in range(0, len(rows), _BATCH):
                    cursor.executemany(sql, rows[start : start + _BATCH])
        recorded.send(
            AuditEvent,
            events={str(item["event"]) for item in items},
            object_types={
                object_type(item["obj"])
                if item.get("obj") is not None
                else item.get("object_label", "")
                for item in items
            },
        )
    anchors.schedule_daily()
    return len(items)


def _chained(
    items: list[dict[str, Any]], ts: Any, who: tuple[Any, ...], head: str, prev: str
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``record_many`` in ``_COLUMNS`` order, each chained to the one before."""
    for item in items:
        obj = item.get("obj")
        if obj is not None:
            kind, pk, text = object_type(obj), str(obj.pk), str(obj)[:200]
        else:
            kind = item.get("object_label", "")
            pk = str(item.get("object_pk", ""))
            text = item.get("object_repr", "")[:200]
        event = str(item["event"])
        outcome = str(item.get("outcome", Outcome.SUCCESS))
        # The detail is serialised once, in the canonical form, and that text is both
        # stored and spliced into the hashed array: byte-identical to ``canonical()``
        # because a compact JSON array is its items joined by ",".
        detail = canonical_detail(item.get("detail") or {})
        digest = audit_chain_mac(
            f"{head},{canonical_json([event, kind, pk, text, outcome])[1:-1]},"
            f"{detail},{canonical_json(prev)}]"
        )
        yield (ts, *who, event, kind, pk, text, outcome, detail, prev, digest)
        prev = digest


def verify_chain() -> list[int]:
    """The ids of audit rows whose hash or link does not match (empty when intact); the
    whole check, with the anchors and named problems, is ``anju.audit.chain.verify``."""
    return chain.verify().bad_ids
