"""Reads for the screening pages: filtered findings, counts, the comparison table, runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from anju.accounts.roles import COUNTY_WIDE, TOWNSHIP
from anju.registry.models import Household
from anju.screening import rules
from anju.screening.choices import Aspect, Severity
from anju.screening.models import FIRING, Finding, Run, Status
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.campaigns.models import Campaign

STATUS_FILTERS = {
    "": ("未消除（全部）", Q(status__in=FIRING)),
    Status.OPEN.value: (Status.OPEN.label, Q(status=Status.OPEN)),
    Status.CONFIRMED.value: (Status.CONFIRMED.label, Q(status=Status.CONFIRMED)),
    Status.DISMISSED.value: (Status.DISMISSED.label, Q(status=Status.DISMISSED)),
    Status.RESOLVED.value: (Status.RESOLVED.label, Q(status=Status.RESOLVED)),
    "all": ("全部（含已消除）", Q()),
}


@dataclass
class FindingFilter:
    aspect: str = ""
    rule: str = ""
    severity: str = ""
    status: str = ""
    township: str = ""
    village: str = ""
    household: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> FindingFilter:
        get = request.GET
        f = cls(
            aspect=get.get("aspect", ""),
            rule=get.get("rule", ""),
            severity=get.get("severity", ""),
            status=get.get("status", ""),
            township=get.get("township", ""),
            village=get.get("village", ""),
            household=get.get("household", ""),
        )
        # Unknown values are ignored, never an error page.
        if f.aspect not in Aspect.values:
            f.aspect = ""
        if not rules.exists(f.rule):
            f.rule = ""
        if f.severity not in Severity.values:
            f.severity = ""
        if f.status not in STATUS_FILTERS:
            f.status = ""
        if not f.household.isdigit():
            f.household = ""
        return f

    def q(self, *, skip: str = "") -> Q:
        q = STATUS_FILTERS[self.status][1] if skip != "status" else Q()
        if self.aspect and skip != "aspect":
            q &= Q(aspect=self.aspect)
        if self.rule:
            q &= Q(rule_code=self.rule)
        if self.severity:
            q &= Q(severity=self.severity)
        if self.township:
            q &= Q(township__code=self.township)
        if self.village:
            q &= Q(village__code=self.village)
        if self.household:
            q &= Q(household_id=int(self.household))
        return q


def findings_for(user: User, f: FindingFilter) -> QuerySet[Finding]:
    return (
        Finding.objects.for_user(user)
        .filter(f.q())
        .select_related("household", "listed", "township", "village")
        .order_by("township_id", "village_id", "household_id", "rule_code")
    )


def counts_by_aspect(user: User, f: FindingFilter) -> dict[str, int]:
    rows = Finding.objects.for_user(user).filter(f.q(skip="aspect")).values("aspect")
    return dict(rows.annotate(n=Count("id")).values_list("aspect", "n"))


def counts_by_status(user: User, f: FindingFilter) -> dict[str, int]:
    rows = Finding.objects.for_user(user).filter(f.q(skip="status")).values("status")
    return dict(rows.annotate(n=Count("id")).values_list("status", "n"))


def hits_by_rule(user: User) -> dict[str, int]:
    rows = Finding.objects.for_user(user).firing().values("rule_code")
    return dict(rows.annotate(n=Count("id")).values_list("rule_code", "n"))


def open_by_aspect(user: User) -> dict[str, int]:
    rows = Finding.objects.for_user(user).filter(status=Status.OPEN).values("aspect")
    return dict(rows.annotate(n=Count("id")).values_list("aspect", "n"))


def dismissals_for(user: User, state: str) -> QuerySet[Finding]:
    qs = Finding.objects.for_user(user).filter(status=Status.DISMISSED)
    if state == "pending":
        qs = qs.filter(reviewed_at__isnull=True)
    elif state == "upheld":
        qs = qs.filter(reviewed_at__isnull=False)
    return qs.select_related(
        "household", "listed", "township", "village", "decided_by", "reviewed_by"
    ).order_by("-decided_at", "-id")


# --- the comparison table -----------------------------------------------------------------
ASPECT_KEYS = [a.value for a in Aspect]


@dataclass
class Row:
    unit: Unit | None  # None: the total
    households: int = 0
    by_aspect: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    total: int = 0
    dismissed: int = 0
    problem_households: int = 0

    @property
    def aspects(self) -> list[int]:
        return [self.by_aspect.get(k, 0) for k in ASPECT_KEYS]

    @property
    def per_hundred(self) -> Decimal | None:
        if not self.households:
            return None
        value = Decimal(self.total * 100) / Decimal(self.households)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def comparison(
    user: User, campaign: Campaign, *, township: Unit | None = None
) -> tuple[list[Row], Row]:
    """Per township (or per village of ``township``): households in scope, firing findings
    by aspect and severity, findings per 100 households. Returns the rows and a total."""
    units = Unit.objects.for_user(user)
    if township is not None or user.role in TOWNSHIP:
        parent = township or user.unit
        units = units.villages().filter(parent=parent)
        key = "village_id"
    elif user.role in COUNTY_WIDE:
        units = units.townships()
        key = "township_id"
    else:
        units = units.villages()
        key = "village_id"
    shown = list(units.order_by("code"))
    ids = [u.pk for u in shown]
    households = dict(
        Household.objects.in_campaign_scope(all_groups=campaign.scope_all_groups)
        .filter(**{f"{key}__in": ids})
        .values(key)
        .annotate(n=Count("id"))
        .values_list(key, "n")
    )
    aggregates = {f"a{k}": Count("id", filter=Q(aspect=k)) for k in ASPECT_KEYS}
    found = {
        row[key]: row
        for row in Finding.objects.firing()
        .filter(**{f"{key}__in": ids})
        .values(key)
        .annotate(
            total=Count("id"),
            errors=Count("id", filter=Q(severity=Severity.ERROR)),
            warnings=Count("id", filter=Q(severity=Severity.WARNING)),
            dismissed=Count("id", filter=Q(status=Status.DISMISSED)),
            problem_households=Count("household_id", distinct=True),
            **aggregates,
        )
    }
    rows: list[Row] = []
    total = Row(unit=None)
    for unit in shown:
        data = found.get(unit.pk, {})
        row = Row(
            unit=unit,
            households=households.get(unit.pk, 0),
            by_aspect={k: data.get(f"a{k}", 0) for k in ASPECT_KEYS},
            errors=data.get("errors", 0),
            warnings=data.get("warnings", 0),
            total=data.get("total", 0),
            dismissed=data.get("dismissed", 0),
            problem_households=data.get("problem_households", 0),
        )
        rows.append(row)
        total.households += row.households
        total.errors += row.errors
        total.warnings += row.warnings
        total.total += row.total
        total.dismissed += row.dismissed
        total.problem_households += row.problem_households
        for k in ASPECT_KEYS:
            total.by_aspect[k] = total.by_aspect.get(k, 0) + row.by_aspect[k]
    return rows, total


# --- runs ---------------------------------------------------------------------------------
def runs_for(user: User) -> QuerySet[Run]:
    """Runs over units the user covers (re-screens of single households are not listed)."""
    runs = Run.objects.exclude(kind=Run.Kind.HOUSEHOLDS).select_related("unit", "user")
    if user.role in COUNTY_WIDE:
        return runs
    if user.role in TOWNSHIP:
        return runs.filter(Q(unit_id=user.unit_id) | Q(unit__parent_id=user.unit_id))
    return runs.none()
