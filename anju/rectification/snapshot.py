"""A ledger frozen as data: what a weekly submission stores, hashes and compares.

``ledger_snapshot(entries)`` gives one dict per entry with every column, in the order of
the ledger; ``content_hash`` is the SHA-256 of its canonical JSON; ``official_rows`` turns a
snapshot (or live entries) into the rows of the official workbook, so the file a township
downloads today and the one rebuilt from week 3's submission come from the same code.

``official_rows(snapshot, at=moment)`` also writes each entry's progress as it stood at
``moment`` (the freeze time of a submission, or now): its state in the snapshot and the day
it reached that state, from the append-only ``EntryTransition`` rows up to ``moment`` (an
entry never moved is dated by its creation, a closed one by ``closed_at``), and
"已超过完成时限" for an open entry whose deadline had passed. The snapshot format and its
hashes are unchanged, so week 3's copy rebuilt today still shows week 3's progress.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.utils import timezone

from anju.rectification.models import EntryTransition, LedgerEntry, State
from anju.rectification.official_ledger import LedgerRow

FIELDS = (
    "id",
    "number",
    "problem_type",
    "nature",
    "aspect",
    "description",
    "measures",
    "deadline",
    "responsible_unit",
    "responsible_leader",
    "cause",
    "source",
    "state",
    "village",
    "households",
    "evidence",
)


def entry_snapshot(entry: LedgerEntry, *, households: int, evidence: int) -> dict:
    return {
        "id": entry.pk,
        "number": entry.number,
        "problem_type": entry.problem_type,
        "nature": entry.nature,
        "aspect": entry.aspect,
        "description": entry.description,
        "measures": entry.measures,
        "deadline": entry.deadline.isoformat() if entry.deadline else None,
        "responsible_unit": entry.responsible_unit,
        "responsible_leader": entry.responsible_leader,
        "cause": entry.cause,
        "source": entry.source,
        "state": entry.state,
        "village": entry.village.name if entry.village is not None else "",
        "households": households,
        "evidence": evidence,
    }


def ledger_snapshot(entries: Iterable[LedgerEntry]) -> list[dict]:
    """Entries as data, numbered order; two queries for the counts, not one per entry."""
    from django.db.models import Count

    entries = list(entries)
    ids = [e.pk for e in entries]
    counted = {
        row["pk"]: row
        for row in LedgerEntry.objects.filter(pk__in=ids)
        .annotate(h=Count("households", distinct=True), ev=Count("evidence", distinct=True))
        .values("pk", "h", "ev")
    }
    return [
        entry_snapshot(e, households=counted[e.pk]["h"], evidence=counted[e.pk]["ev"])
        for e in sorted(entries, key=lambda e: (e.number is None, e.number or 0, e.pk))
    ]


def content_hash(snapshot: object, *, previous: str = "") -> str:
    """SHA-256 of ``previous`` and the canonical JSON of ``snapshot`` (a ledger snapshot,
    or a weekly report's whole document)."""
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode()).hexdigest()


def official_rows(snapshot: list[dict], *, at: dt.datetime | None = None) -> list[LedgerRow]:
    """The official workbook's rows; with ``at``, each carries its progress at ``at``."""
    kept = [row for row in snapshot if row["state"] != "draft"]
    progress = progress_texts(kept, at=at) if at is not None else {}
    return [
        LedgerRow(
            problem_type=row["problem_type"],
            nature=row["nature"],
            description=row["description"],
            measures=row["measures"],
            deadline=dt.date.fromisoformat(row["deadline"]) if row["deadline"] else None,
            responsible_unit=row["responsible_unit"],
            progress=progress.get(row["id"], ""),
        )
        for row in kept
    ]


def _day(moment: dt.datetime, today: dt.date) -> str:
    day = timezone.localtime(moment).date()
    year = f"{day.year}年" if day.year != today.year else ""
    return f"{year}{day.month}月{day.day}日"


def progress_texts(snapshot: list[dict], *, at: dt.datetime) -> dict[int, str]:
    """{entry id: "整改进度：…"} for the rows of ``snapshot`` as they stood at ``at``."""
    ids = [row["id"] for row in snapshot if row.get("id")]
    if not ids:
        return {}
    since: dict[int, dict[str, dt.datetime]] = {}
    for entry_id, state, moved_at in (
        EntryTransition.objects.filter(entry_id__in=ids, at__lte=at)
        .order_by("at", "id")
        .values_list("entry_id", "to_state", "at")
    ):
        since.setdefault(entry_id, {})[state] = moved_at  # the latest move into each state
    made = {
        pk: (created, closed)
        for pk, created, closed in LedgerEntry.objects.filter(pk__in=ids).values_list(
            "pk", "created_at", "closed_at"
        )
    }
    today = timezone.localtime(at).date()
    texts = {}
    for row in snapshot:
        pk, state = row.get("id"), row["state"]
        if pk not in made:
            continue
        created, closed = made[pk]
        moment = since.get(pk, {}).get(state)
        if state == State.CLOSED:
            moment = moment or closed
        moment = min(moment or created, at)  # never after the freeze (clock skew, the demo)
        label = str(State(state).label) if state in State.values else state
        if state == State.CLOSED:
            text = f"{label}（{_day(moment, today)}）"
        else:
            text = f"{label}（{_day(moment, today)}起）"
            deadline = row.get("deadline")
            if deadline and dt.date.fromisoformat(deadline) < today:
                text += "，已超过完成时限"
        texts[pk] = f"整改进度：{text}"
    return texts


def differences(before: list[dict], after: list[dict]) -> dict[str, list]:
    """What changed between two snapshots: added, removed and changed entries (by id)."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    changed = []
    for pk in sorted(set(old) & set(new)):
        fields = {
            f: [old[pk].get(f), new[pk].get(f)] for f in FIELDS if old[pk].get(f) != new[pk].get(f)
        }
        if fields:
            changed.append({"id": pk, "number": new[pk]["number"], "fields": fields})
    return {
        "added": [new[pk] for pk in sorted(set(new) - set(old))],
        "removed": [old[pk] for pk in sorted(set(old) - set(new))],
        "changed": changed,
    }
