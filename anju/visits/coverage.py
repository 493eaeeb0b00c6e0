"""How far the visits have got: per village and township, households in scope, visited,
not yet visited (and of those, explained), visits and problems found — "不留死角盲区".

Set-based: one grouped query per table, never a Python loop over households.

``coverage(township, campaign)`` is the figure the weekly submission carries;
``unvisited_unexplained(township, campaign)`` is what blocks the final submission.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from anju.registry.models import Household, HouseholdQuerySet
from anju.units.models import Unit
from anju.visits.models import ProblemStatus, Reason, UnvisitedReason, Visit, VisitProblem


def scope_households(campaign, **where) -> QuerySet:
    """The campaign's in-scope households under ``where`` (township=…, village=…, …)."""
    qs = Household.objects.filter(**where)
    return qs.in_campaign_scope(all_groups=campaign.scope_all_groups)


def _visited(campaign):
    return Exists(Visit.objects.filter(campaign=campaign, household=OuterRef("pk")))


def _explained(campaign):
    return Exists(UnvisitedReason.objects.filter(campaign=campaign, household=OuterRef("pk")))


def with_status(qs: QuerySet, campaign) -> QuerySet:
    """Households annotated with ``visited``, ``explained``, ``last_visit`` and ``visit_count``."""
    last = (
        Visit.objects.filter(campaign=campaign, household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(last=Max("visited_on"), n=Count("id"))
    )
    return qs.annotate(
        visited=_visited(campaign),
        explained=_explained(campaign),
        last_visit=last.values("last")[:1],
        visit_count=last.values("n")[:1],
    )


def unvisited(campaign, **where) -> QuerySet:
    return with_status(scope_households(campaign, **where), campaign).filter(visited=False)


def unvisited_unexplained(township, campaign) -> QuerySet:
    """In-scope households of the township neither visited nor explained (with a phone
    check) in this campaign. The final ledger may be submitted only when this is empty."""
    return unvisited(campaign, township=township).filter(explained=False).order_by("village", "id")


def _rows(campaign, households: QuerySet, key: str) -> dict[int, dict]:
    """Counts per ``key`` ("village" or "township") of the given in-scope households."""
    grouped = (
        households.annotate(visited=_visited(campaign), explained=_explained(campaign))
        .values(key)
        .order_by()
        .annotate(
            in_scope=Count("id"),
            visited_n=Count("id", filter=Q(visited=True)),
            explained_n=Count("id", filter=Q(visited=False, explained=True)),
        )
    )
    rows = {}
    for g in grouped:
        rows[g[key]] = {
            "in_scope": g["in_scope"],
            "visited": g["visited_n"],
            "unvisited": g["in_scope"] - g["visited_n"],
            "explained": g["explained_n"],
            "visits": 0,
            "problems": 0,
        }
    visits = (
        Visit.objects.filter(campaign=campaign, household__in=households.values("pk"))
        .values(unit=F(f"household__{key}"))
        .order_by()
        .annotate(n=Count("id"))
    )
    for v in visits:
        rows.setdefault(v["unit"], _empty())["visits"] = v["n"]
    problems = (
        VisitProblem.objects.filter(visit__campaign=campaign, household__in=households.values("pk"))
        .exclude(status=ProblemStatus.WITHDRAWN)
        .values(unit=F(f"household__{key}"))
        .order_by()
        .annotate(n=Count("id"))
    )
    for p in problems:
        rows.setdefault(p["unit"], _empty())["problems"] = p["n"]
    return rows


def _empty() -> dict:
    return {"in_scope": 0, "visited": 0, "unvisited": 0, "explained": 0, "visits": 0, "problems": 0}


def _finish(row: dict) -> dict:
    row["rate"] = round(row["visited"] / row["in_scope"], 4) if row["in_scope"] else None
    row["problems_per_visit"] = round(row["problems"] / row["visits"], 2) if row["visits"] else None
    row["unexplained"] = row["unvisited"] - row["explained"]
    return row


def _total(rows) -> dict:
    total = _empty()
    for row in rows:
        for k in total:
            total[k] += row[k]
    return _finish(total)


def coverage(township: Unit, campaign) -> dict:
    """The township's coverage as plain data (JSON-ready), village by village."""
    households = scope_households(campaign, township=township)
    rows = _rows(campaign, households, "village")
    villages = []
    for village in Unit.objects.filter(parent=township, level="village").order_by("code"):
        row = rows.pop(village.pk, None) or _empty()
        if row["in_scope"] or row["visits"]:
            villages.append(_finish({"code": village.code, "name": village.name, **row}))
    return {
        "campaign": campaign.pk,
        "township": township.code,
        "township_name": township.name,
        **_total(villages),
        "villages": villages,
    }


def county_coverage(county: Unit | None, campaign) -> dict:
    """Township by township for the city (same columns as ``coverage``)."""
    households = scope_households(campaign, township__parent=county)
    rows = _rows(campaign, households, "township")
    townships = []
    for township in Unit.objects.filter(parent=county, level="township").order_by("code"):
        row = rows.pop(township.pk, None) or _empty()
        townships.append(
            _finish({"code": township.code, "name": township.name, "pk": township.pk, **row})
        )
    return {"campaign": campaign.pk, **_total(townships), "townships": townships}


def worklist(campaign, households: HouseholdQuerySet) -> QuerySet:
    """The in-scope households among ``households``, what is left to do first: unvisited
    (not explained) households, then explained ones, then visited ones, latest last."""
    qs = households.in_campaign_scope(all_groups=campaign.scope_all_groups)
    return (
        with_status(qs, campaign)
        .annotate(**_unvisited_reason(campaign))
        .order_by(
            "visited", "explained", F("last_visit").asc(nulls_first=True), "village__code", "id"
        )
    )


def _unvisited_reason(campaign) -> dict:
    """Why a household was not visited, as the worklist says it (#17 item 10): the reason's
    label (``unvisited_reason``), the details and the date of the phone check."""
    reason = UnvisitedReason.objects.filter(campaign=campaign, household=OuterRef("pk"))
    label = Case(
        *[When(reason=value, then=Value(str(text))) for value, text in Reason.choices],
        default=F("reason"),
        output_field=CharField(),
    )
    return {
        "unvisited_reason": Subquery(reason.annotate(label=label).values("label")[:1]),
        "unvisited_detail": Subquery(reason.values("detail")[:1]),
        "unvisited_checked_on": Subquery(reason.values("phone_checked_on")[:1]),
    }
