"""The township's ledger as reporting sees it: frozen as data, compared, and laid out as
the official workbook — all through ``anju.rectification.snapshot`` and
``official_ledger.build``, so a file rebuilt from week 3's submission and today's download
come from the same code."""

from __future__ import annotations

import datetime as dt
import logging

from anju.rectification import official_ledger
from anju.rectification.models import LedgerEntry, Source, State
from anju.rectification.snapshot import differences, ledger_snapshot, official_rows

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "number": "序号",
    "problem_type": "问题类型",
    "nature": "问题性质",
    "aspect": "问题方面",
    "description": "问题表述",
    "measures": "整改措施",
    "deadline": "完成时限",
    "responsible_unit": "责任单位",
    "responsible_leader": "责任领导",
    "cause": "产生原因及分析",
    "source": "来源",
    "state": "状态",
    "village": "行政村",
    "households": "涉及户数",
    "evidence": "佐证材料数",
}
_DISPLAY = {
    "state": {s.value: str(s.label) for s in State},
    "source": {s.value: str(s.label) for s in Source},
}


def current_entries(campaign, township) -> list[dict]:
    """The township's ledger now (entries not in draft), as ``ledger_snapshot`` data."""
    entries = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township=township)
        .select_related("village")
    )
    return ledger_snapshot(entries)


def display(field: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    return _DISPLAY.get(field, {}).get(value, str(value))


def readable(diff: dict | None) -> dict:
    """``differences(...)`` with Chinese field names and display values, for the pages."""
    if not diff:
        return {"added": [], "removed": [], "changed": [], "total": 0}
    changed = [
        {
            "id": item["id"],
            "number": item["number"],
            "fields": [
                {
                    "name": FIELD_LABELS.get(name, name),
                    "old": display(name, pair[0]),
                    "new": display(name, pair[1]),
                }
                for name, pair in item["fields"].items()
            ],
        }
        for item in diff.get("changed", [])
    ]
    added, removed = diff.get("added", []), diff.get("removed", [])
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "total": len(added) + len(removed) + len(changed),
    }


def compare(before: list[dict], after: list[dict]) -> dict:
    return readable(differences(before, after))


def workbook(
    *, township, entries: list[dict], as_of: dt.date | None, at: dt.datetime | None = None
) -> tuple[bytes, int]:
    """The official 整改台账 (.xlsx) of ``entries`` and its number of rows; with ``at`` (when
    ``entries`` were frozen) each row shows its progress as it stood then."""
    rows = official_rows(entries, at=at)
    data = official_ledger.build(
        county_name=township.parent.name if township.parent_id else "",
        unit_name=township.government_name,
        as_of=as_of,
        rows=rows,
    )
    return data, len(rows)


def figures(township, campaign) -> dict:
    """The figures a weekly submission freezes beside the ledger, by name (JSON-ready): the
    coverage of the house visits (入户排查覆盖率, ``anju.visits.coverage``) and the month's
    动态监测 (``anju.monitoring.monthly.for_township``). A figure that
    fails does not block the report: its entry records the failure instead."""
    from django.db import transaction

    from anju.audit.models import jsonable
    from anju.monitoring import monthly
    from anju.visits import coverage

    result = {}
    for name, figure in (("visits", coverage.coverage), ("monitoring", monthly.for_township)):
        try:
            with transaction.atomic():  # a failed query must not spoil the caller's transaction
                result[name] = jsonable(figure(township, campaign))
        except Exception:
            log.exception("weekly figure %s failed for %s", name, getattr(township, "code", ""))
            result[name] = {"error": "计算失败，未能随周报报送"}
    return result
