"""The two files of a final submission, generated from data:

- the 整改报告 (.docx, GB/T 9704 layout) through ``anju.documents.reports`` — households in
  scope, visited and the reasons for those not visited (``anju.visits.coverage``,
  ``facts``), the screening findings by aspect and state with every dismissal and its
  reason, the visit problems and what became of them, the ledger by aspect and nature with
  the rectified (已销号) count (``in_ledger()``), the open entries with the overdue named,
  what is still unhandled, the typical cases, the officer's narrative (工作开展情况, 长效机制,
  下一步措施), the 签发人 (the township's head) and the attached ledger;
- the final 整改台账 (.xlsx) through ``anju.reporting.ledger.workbook``, each entry's
  progress as it stood at generation.

Both are built from one frozen ledger (``ledger_snapshot``), whose content hash the head's
signature seals; ``figures`` keeps the numbers the report states, for the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.utils import timezone

from anju.acceptance import facts
from anju.accounts.roles import Role
from anju.documents import offices
from anju.documents.reports import (
    AspectLine,
    Explained,
    FindingLine,
    OutstandingItem,
    RectificationReport,
    rectification_report,
)
from anju.monitoring import monthly
from anju.rectification.models import Nature, State
from anju.rectification.official_ledger import title_for
from anju.rectification.selectors import ASPECTS
from anju.rectification.snapshot import content_hash
from anju.reporting import ledger
from anju.visits.coverage import coverage

FIVE_ASPECTS = {"1", "2", "3", "4", "5"}
STATE_LABELS = {s.value: str(s.label) for s in State}
OPEN_ORDER = (State.AWAITING, State.IN_PROGRESS, State.PENDING)


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


def signer_of(township) -> str:
    """The 签发人: the township's head, when it has exactly one active head account (else
    blank, to be signed by hand)."""
    from anju.accounts.models import User

    heads = list(User.objects.filter(unit=township, role=Role.TOWNSHIP_HEAD, is_active=True)[:2])
    return (heads[0].full_name or heads[0].username) if len(heads) == 1 else ""


def figures_of(entries: list[dict], visits: dict, *, today: dt.date | None = None) -> dict:
    """The ledger's and the visits' numbers of the report (JSON-ready)."""
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
    outstanding = []
    for e in entries:
        if e["state"] == State.CLOSED:
            continue
        deadline = dt.date.fromisoformat(e["deadline"]) if e["deadline"] else None
        late = (today - deadline).days if (today and deadline and deadline < today) else 0
        outstanding.append(
            {
                "number": e["number"],
                "description": e["description"],
                "deadline": e["deadline"],
                "state": STATE_LABELS.get(e["state"], e["state"]),
                "overdue_days": late,
            }
        )
    total = len(entries)
    common = sum(1 for e in entries if e["nature"] == Nature.COMMON)
    rectified = sum(1 for e in entries if e["state"] == State.CLOSED)
    return {
        "households_in_scope": visits.get("in_scope", 0),
        "households_visited": visits.get("visited", 0),
        "unvisited": visits.get("unvisited", 0),
        "explained": visits.get("explained", 0),
        "unexplained": visits.get("unexplained", 0),
        "aspects": lines,
        "total": total,
        "common": common,
        "individual": total - common,
        "rectified": rectified,
        "states": {STATE_LABELS[s]: sum(1 for e in entries if e["state"] == s) for s in OPEN_ORDER},
        "overdue": sum(1 for o in outstanding if o["overdue_days"]),
        "outstanding": outstanding,
    }


def collect(campaign, township, entries: list[dict], *, today: dt.date) -> dict:
    """Everything the report states about the township (stored as ``figures``)."""
    figures = figures_of(entries, coverage(township, campaign), today=today)
    figures["findings"] = facts.findings(township)
    figures["visit_problems"] = facts.visit_problems(township, campaign)
    figures["unvisited_reasons"] = facts.unvisited_reasons(township, campaign)
    figures["unhandled"] = facts.unhandled(township, campaign)
    figures["monitoring"] = monthly.for_township(township, campaign, today=today)
    figures["signer"] = signer_of(township)
    return figures


def _explained(rows) -> list[Explained]:
    return [Explained(r["village"], r["household"], r["problem"], r["reason"]) for r in rows]


def report_data(
    campaign,
    township,
    figures: dict,
    *,
    situation: str,
    measures: str,
    cases,
    day,
    mechanism: str = "",
    report_number: str = "",
) -> RectificationReport:
    county = offices.county_name(campaign) or (township.parent.name if township.parent_id else "")
    found = figures.get("findings") or {"aspects": [], "dismissed": []}
    visits = figures.get("visit_problems") or {}
    unhandled = figures.get("unhandled") or {}
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
                overdue_days=o.get("overdue_days", 0),
            )
            for o in figures["outstanding"]
        ],
        cases=list(cases),
        situation=situation,
        measures=measures,
        mechanism=mechanism,
        day=day,
        recipient=offices.bureau(campaign),
        report_number=report_number,
        signer=figures.get("signer", ""),
        unvisited_reasons=[(r["reason"], r["n"]) for r in figures.get("unvisited_reasons", [])],
        unexplained=figures.get("unexplained", 0),
        findings=[
            FindingLine(a["label"], a["confirmed"], a["dismissed"], a["open"], a["resolved"])
            for a in found["aspects"]
        ],
        dismissed=_explained(found["dismissed"]),
        visit_found=visits.get("found", 0),
        visit_on_ledger=visits.get("on_ledger", 0),
        visit_discarded=visits.get("discarded", 0),
        visit_pending=visits.get("pending", 0),
        visit_discards=_explained(visits.get("discards", [])),
        drafts=unhandled.get("drafts", 0),
        unhandled_findings=unhandled.get("findings", 0),
        confirmed_off_ledger=unhandled.get("confirmed_off_ledger", 0),
        states=figures.get("states", {}),
        monitoring=figures.get("monitoring") or {},
        attachment=title_for(county),
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
    mechanism: str = "",
    report_number: str = "",
) -> Generated:
    """Freeze the township's ledger now and build both files from it. Raises
    ``PersonalDataInDocument`` when the text carries an ID, phone or bank number."""
    entries = ledger.current_entries(campaign, township)
    figures = collect(campaign, township, entries, today=day)
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
            mechanism=mechanism,
            report_number=report_number,
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
