"""A ledger frozen as data: what a weekly submission stores, hashes and compares.

``ledger_snapshot(entries)`` gives one dict per entry with every column, in the order of
the ledger; ``content_hash`` is the SHA-256 of its canonical JSON; ``official_rows`` turns a
snapshot (or live entries) into the rows of the official workbook, so the file a township
downloads today and the one rebuilt from week 3's submission come from the same code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from anju.rectification.models import LedgerEntry
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
        "village": entry.village.name if entry.village_id else "",
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


def content_hash(snapshot: list[dict], *, previous: str = "") -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode()).hexdigest()


def official_rows(snapshot: list[dict]) -> list[LedgerRow]:
    return [
        LedgerRow(
            problem_type=row["problem_type"],
            nature=row["nature"],
            description=row["description"],
            measures=row["measures"],
            deadline=dt.date.fromisoformat(row["deadline"]) if row["deadline"] else None,
            responsible_unit=row["responsible_unit"],
        )
        for row in snapshot
        if row["state"] != "draft"
    ]


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
