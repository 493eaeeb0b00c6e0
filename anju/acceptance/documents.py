"""The two files of a final submission, generated from data:

- the 整改报告 (.docx, GB/T 9704 layout) through ``anju.documents.reports`` — households in
  scope and visited (``anju.visits.coverage``), problems by aspect and nature with the
  rectified (已销号) count from the township's ledger (``in_ledger()``), the items still open
  with their deadlines, the typical cases and the officer's narrative;
- the final 整改台账 (.xlsx) through ``anju.reporting.ledger.workbook``.

Both are built from one frozen ledger (``ledger_snapshot``), whose content hash the head's
signature seals; ``figures`` keeps the numbers the report states, for the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.utils import timezone

from anju.documents.reports import (
    AspectLine,
    OutstandingItem,
    RectificationReport,
    rectification_report,
)
from anju.rectification.models import Nature, State
from anju.rectification.selectors import ASPECTS
from anju.rectification.snapshot import content_hash
from anju.reporting import ledger
from anju.visits.coverage import coverage

FIVE_ASPECTS = {"1", "2", "3", "4", "5"}
STATE_LABELS = {s.value: str(s.label) for s in State}


@dataclass(frozen=True)
class Generated:
    docx: bytes
    xlsx: bytes
    entries: list[dict]
    figures: dict
    ledger_hash: str

    @property
    def docx_sha256(self) -> str:
        return hashlib.sha256(self.docx).hexdigest()

    @property
    def xlsx_sha256(self) -> str:
        return hashlib.sha256(self.xlsx).hexdigest()


def figures_of(entries: list[dict], visits: dict) -> dict:
    """The report's numbers from a ledger snapshot and the visits' coverage (JSON-ready)."""
    lines = []
    labels = dict(ASPECTS)
    codes = [code for code, _ in ASPECTS] + ["other"]
    for code in codes:
        rows = [
            e
            for e in entries
            if (e["aspect"] == code if code != "other" else e["aspect"] not in labels)
        ]
        if code not in FIVE_ASPECTS and not rows:
            continue  # 数据质量 and unclassified lines only when they have problems
        lines.append(
            {
                "code": code,
                "label": labels.get(code, "其他"),
                "common": sum(1 for e in rows if e["nature"] == Nature.COMMON),
                "individual": sum(1 for e in rows if e["nature"] != Nature.COMMON),
                "rectified": sum(1 for e in rows if e["state"] == State.CLOSED),
            }
        )
    outstanding = [
        {
            "number": e["number"],
            "description": e["description"],
            "deadline": e["deadline"],
            "state": STATE_LABELS.get(e["state"], e["state"]),
        }
        for e in entries
        if e["state"] != State.CLOSED
    ]
    total = len(entries)
    common = sum(1 for e in entries if e["nature"] == Nature.COMMON)
    rectified = sum(1 for e in entries if e["state"] == State.CLOSED)
    return {
        "households_in_scope": visits.get("in_scope", 0),
        "households_visited": visits.get("visited", 0),
        "unvisited": visits.get("unvisited", 0),
        "explained": visits.get("explained", 0),
        "aspects": lines,
        "total": total,
        "common": common,
        "individual": total - common,
        "rectified": rectified,
        "outstanding": outstanding,
    }


def report_data(
    campaign, township, figures: dict, *, situation: str, measures: str, cases, day
) -> RectificationReport:
    county = township.parent.name if township.parent_id else ""
    return RectificationReport(
        county=county,
        township=township.name,
        government=township.government_name,
        campaign_name=campaign.name,
        document_number=campaign.document_number,
        households_in_scope=figures["households_in_scope"],
        households_visited=figures["households_visited"],
        aspects=[
            AspectLine(
                label=a["label"],
                common=a["common"],
                individual=a["individual"],
                rectified=a["rectified"],
            )
            for a in figures["aspects"]
        ],
        outstanding=[
            OutstandingItem(
                number=o["number"] or 0,
                description=o["description"],
                deadline=dt.date.fromisoformat(o["deadline"]) if o["deadline"] else None,
                state=o["state"],
            )
            for o in figures["outstanding"]
        ],
        cases=list(cases),
        situation=situation,
        measures=measures,
        day=day,
        recipient=f"{county}住房和城乡建设局" if county else "住房和城乡建设局",
    )


def generate(
    campaign,
    township,
    *,
    situation: str,
    measures: str,
    cases: list[str],
    day: dt.date,
    at: dt.datetime | None = None,
) -> Generated:
    """Freeze the township's ledger now and build both files from it. Raises
    ``PersonalDataInDocument`` when the text carries an ID, phone or bank number."""
    entries = ledger.current_entries(campaign, township)
    figures = figures_of(entries, coverage(township, campaign))
    figures["as_of"] = day.isoformat()
    docx = rectification_report(
        report_data(
            campaign,
            township,
            figures,
            situation=situation,
            measures=measures,
            cases=cases,
            day=day,
        )
    )
    xlsx, _rows = ledger.workbook(
        township=township, entries=entries, as_of=day, at=at or timezone.now()
    )
    return Generated(
        docx=docx,
        xlsx=xlsx,
        entries=entries,
        figures=figures,
        ledger_hash=content_hash(entries),
    )
