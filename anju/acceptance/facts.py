"""What the system knows about a township, for its 整改报告: the screening findings by
aspect and state (dismissals with their reasons), the problems found on house visits and
what became of them, the ledger's drafts, and the households not visited with the reasons
given. Set-based: grouped queries, never a loop over households.

``unhandled`` is what blocks preparing and signing the final report (ADR 0011): findings
still 待确认, entries still drafts (from visits or confirmed findings), and confirmed
findings that reached no ledger entry at all. The findings are the township's own, as the
findings list and the county overview count them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from anju.rectification.models import LedgerEntry, State
from anju.screening.choices import Aspect
from anju.screening.models import Finding, Status
from anju.visits.models import ProblemStatus, UnvisitedReason, Visit, VisitProblem

FINDING_STATES = ("confirmed", "dismissed", "open", "resolved")


def _title(rule_code: str) -> str:
    from anju.screening import rules

    return rules.get(rule_code).title if rules.exists(rule_code) else rule_code


def _confirmed_off_ledger(township):
    """Confirmed findings no entry of the ledger (draft or not) links to."""
    linked = LedgerEntry.objects.filter(findings=OuterRef("pk"))
    return Finding.objects.filter(township=township, status=Status.CONFIRMED).exclude(
        Exists(linked)
    )


def unhandled(township, campaign) -> dict[str, int]:
    """{"findings": 待确认, "drafts": 台账草稿, "confirmed_off_ledger": …, "total": …}."""
    counts = {
        "findings": Finding.objects.filter(township=township, status=Status.OPEN).count(),
        "drafts": LedgerEntry.objects.drafts().filter(campaign=campaign, township=township).count(),
        "confirmed_off_ledger": _confirmed_off_ledger(township).count(),
    }
    counts["total"] = sum(counts.values())
    return counts


def findings(township) -> dict:
    """Per aspect and in total: confirmed, dismissed, open (待确认), resolved (已消除); and
    every dismissal with its village, household, rule and reason (JSON-ready)."""
    grouped = (
        Finding.objects.filter(township=township)
        .values("aspect", "status")
        .order_by()
        .annotate(n=Count("id"))
    )
    lines = {a.value: dict.fromkeys(FINDING_STATES, 0) for a in Aspect}
    for g in grouped:
        if g["aspect"] in lines and g["status"] in FINDING_STATES:
            lines[g["aspect"]][g["status"]] += g["n"]
    rows: list[dict[str, Any]] = [
        {"code": a.value, "label": a.label, **lines[a.value]}
        for a in Aspect
        if a.value not in (Aspect.DATA, Aspect.RECONCILE) or any(lines[a.value].values())
    ]
    total = {s: sum(r[s] for r in rows) for s in FINDING_STATES}
    dismissed = [
        {
            "village": village,
            "household": f"{name}户",
            "problem": _title(rule),
            "reason": reason,
        }
        for village, name, rule, reason in Finding.objects.filter(
            township=township, status=Status.DISMISSED
        )
        .order_by("village__code", "household_id", "rule_code")
        .values_list(
            Coalesce("village__name", "township__name"),
            Coalesce("household__head_name", "listed__head_name"),
            "rule_code",
            "reason",
        )
    ]
    return {"aspects": rows, "total": total, "dismissed": dismissed}


def visit_problems(township, campaign) -> dict:
    """Problems the house visits found (withdrawn ones left out): on the ledger, not taken
    onto it (with the reason), still a draft."""
    qs = VisitProblem.objects.filter(visit__campaign=campaign, household__township=township)
    live = qs.exclude(status=ProblemStatus.WITHDRAWN)
    counts = live.aggregate(
        found=Count("id"),
        discarded=Count("id", filter=Q(status=ProblemStatus.DISCARDED)),
        pending=Count("id", filter=Q(status=ProblemStatus.OPEN, entry__state=State.DRAFT)),
        on_ledger=Count("id", filter=Q(status=ProblemStatus.OPEN) & ~Q(entry__state=State.DRAFT)),
    )
    discards = [
        {
            "village": village,
            "household": f"{name}户",
            "problem": description,
            "reason": reason,
        }
        for village, name, description, reason in live.filter(status=ProblemStatus.DISCARDED)
        .order_by("household__village__code", "household_id", "id")
        .values_list("household__village__name", "household__head_name", "description", "reason")
    ]
    return {**counts, "discards": discards}


def unvisited_reasons(township, campaign) -> list[dict]:
    """Households explained rather than visited, counted per reason (most first)."""
    from anju.visits.models import Reason

    labels = dict(Reason.choices)
    visited = Visit.objects.filter(campaign=campaign, household=OuterRef("household"))
    rows = (
        UnvisitedReason.objects.filter(campaign=campaign, household__township=township)
        .exclude(Exists(visited))
        .values("reason")
        .order_by()
        .annotate(n=Count("id"))
    )
    return sorted(
        ({"reason": str(labels.get(r["reason"], r["reason"])), "n": r["n"]} for r in rows),
        key=lambda r: (-r["n"], r["reason"]),
    )
