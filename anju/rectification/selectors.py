"""Reads of the ledger pages: the user's entries with the list's filters, counts, the
campaign a user works in. Scope always comes from ``LedgerEntry.objects.for_user``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from anju.accounts.roles import CITY, Role
from anju.rectification.models import (
    OPEN_STATES,
    LedgerEntry,
    LedgerEntryQuerySet,
    Light,
    Nature,
    Source,
    State,
)
from anju.units.models import Level, Unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign

# The ledger list's state filter also takes "open": every state before 已销号 (未销号).
OPEN = "open"

ASPECTS = (
    ("1", "住房安全性认定"),
    ("2", "动态监测"),
    ("3", "改造方式"),
    ("4", "面积、补助、自筹"),
    ("5", "改造质量"),
    ("M", "动态监测比对"),
    ("D", "数据质量"),
)
LEDGER_STATES = [s for s in State if s != State.DRAFT]
Entries = LedgerEntryQuerySet[LedgerEntry]


def today() -> dt.date:
    return timezone.localdate()


def county_of(user: User) -> Unit | None:
    unit = getattr(user, "unit", None)
    while unit is not None and unit.level != Level.COUNTY:
        unit = unit.parent
    return unit


def is_city(user: User) -> bool:
    return user.role in CITY


def townships_for(user: User) -> QuerySet[Unit]:
    """The townships a user may pick (city roles: every township of the county)."""
    townships: QuerySet[Unit] = Unit.objects.for_user(user).townships()
    return townships.order_by("code")


def villages_for(user: User, township: Unit | None = None) -> QuerySet[Unit]:
    qs: QuerySet[Unit] = Unit.objects.for_user(user).villages().order_by("code")
    if township is not None:
        qs = qs.filter(parent=township)
    return qs


@dataclass
class Filters:
    township: Unit | None = None
    village: Unit | None = None
    state: str = ""
    nature: str = ""
    aspect: str = ""
    source: str = ""
    light: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.township,
                self.village,
                self.state,
                self.nature,
                self.aspect,
                self.source,
                self.light,
                self.q,
            )
        )


def parse_filters(user: User, params: Mapping[str, str]) -> Filters:
    """The list's query string, each value checked against what the user may choose (a
    filter never widens the scope; an unknown value is ignored)."""
    f = Filters()
    township_id = params.get("township") or ""
    if township_id.isdigit():
        f.township = townships_for(user).filter(pk=int(township_id)).first()
    village_id = params.get("village") or ""
    if village_id.isdigit():
        f.village = villages_for(user, f.township).filter(pk=int(village_id)).first()
    state = params.get("state", "")
    f.state = state if state in State.values or state == OPEN else ""
    nature = params.get("nature", "")
    f.nature = nature if nature in Nature.values else ""
    aspect = params.get("aspect", "")
    f.aspect = aspect if aspect in dict(ASPECTS) else ""
    source = params.get("source", "")
    f.source = source if source in Source.values else ""
    light = params.get("light", "")
    f.light = light if light in Light.values else ""
    f.q = (params.get("q") or "").strip()[:50]
    return f


def entries_for(
    user: User, campaign: Campaign, f: Filters | None = None, *, drafts: bool = False
) -> Entries:
    qs: Entries = LedgerEntry.objects.for_user(user).filter(campaign=campaign)
    qs = qs.drafts() if drafts else qs.in_ledger()
    f = f or Filters()
    if f.township is not None:
        qs = qs.filter(township=f.township)
    if f.village is not None:
        qs = qs.filter(village=f.village)
    if f.nature:
        qs = qs.filter(nature=f.nature)
    if f.aspect:
        qs = qs.filter(aspect=f.aspect)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.light:
        qs = qs.light(f.light, today())
    if f.q:
        # the household match is a subquery, not a join: a join here would also narrow
        # the per-entry counts annotated later (涉及户数)
        named = LedgerEntry.households.through.objects.filter(household__head_name=f.q)
        qs = qs.filter(
            Q(description__icontains=f.q)
            | Q(measures__icontains=f.q)
            | Q(pk__in=named.values("ledgerentry_id"))
            | (Q(number=int(f.q)) if f.q.isdigit() else Q(pk__in=[]))
        )
    return qs


def with_state(qs: Entries, f: Filters) -> Entries:
    """The state filter is applied after the per-state counts are taken."""
    if f.state == OPEN:
        return qs.filter(state__in=OPEN_STATES)
    return qs.filter(state=f.state) if f.state else qs


def state_counts(qs: Entries) -> list[tuple[str, str, int]]:
    """(state, label, count) for each state of the ledger, in the flow's order."""
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("pk", distinct=True)))
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in LEDGER_STATES]


def light_counts(qs: Entries) -> dict[str, int]:
    lit = qs.order_by().with_light(today())
    # the plugin cannot see the light_code that with_light() annotates
    rows = lit.values_list("light_code").annotate(n=Count("pk"))  # type: ignore[misc]
    return dict(rows)


def page_rows(qs: Entries) -> Entries:
    return (
        qs.with_light(today())
        .select_related("township", "village")
        .annotate(
            household_count=Count("households", distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .order_by("township__code", "number")
    )


def can_write(user: User) -> bool:
    return user.role == Role.TOWNSHIP_OFFICER
