"""Reads of the API: query parameters checked, the user's rows, keyset pages.

Every query starts from the model's ``for_user(user)`` (the one definition of scope, as on
the pages); a filter narrows it and never widens it, so a township code outside the user's
scope gives an empty list. A malformed parameter is refused with a message naming it.
Pages are keyset pages in id order (``?after=<last id>&limit=``), never OFFSET: the same
cost on page 1 and page 2,000.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from anju.accounts.roles import Role
from anju.api.auth import BadRequest
from anju.rectification.models import (
    EntryTransition,
    Evidence,
    LedgerEntry,
    LedgerEntryQuerySet,
    Nature,
    ProgressNote,
    State,
)
from anju.registry.choices import Grade
from anju.registry.models import Assessment, Household, Renovation
from anju.screening.choices import Aspect
from anju.screening.models import Finding, Status

if TYPE_CHECKING:
    from anju.accounts.models import User

Filters = dict[str, str]  # the query parameters given, checked (``check_params``)
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
PAGING = ("after", "limit")
# Drafts are the township's working copies: the pages show them to the township only.
DRAFT_READERS = frozenset({Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD})
TOWNSHIP_CODE = re.compile(r"^[0-9]{9}$")
VILLAGE_CODE = re.compile(r"^[0-9]{12}$")
RULE_CODE = re.compile(r"^[A-Z][0-9A-Z]?-[0-9]{2}$")

HOUSEHOLD_FILTERS = ("township", "village", "grade", "updated_since")
FEW_CHANGED = 10_000  # ?updated_since= reads through the index below this many changed rows
FINDING_FILTERS = ("rule", "aspect", "status", "township")
LEDGER_FILTERS = ("township", "state", "nature")


@dataclass(frozen=True)
class Page:
    rows: list[Any]  # dicts of the fields asked for, or model instances
    next: str | None
    limit: int


# --- parameters ------------------------------------------------------------------------
def check_params(params: QueryDict, allowed: tuple[str, ...]) -> Filters:
    """The filters given (empty values dropped); unknown or repeated names are refused."""
    known = set(allowed) | set(PAGING)
    unknown = sorted(set(params) - known)
    if unknown:
        raise BadRequest(
            f"不支持的参数：{'、'.join(unknown)}。可用参数：{'、'.join([*allowed, *PAGING])}。"
        )
    for name in params:
        if len(params.getlist(name)) > 1:
            raise BadRequest(f"参数 {name} 只能给一次。")
    given = {k: (params.get(k) or "").strip() for k in allowed}
    return {k: value for k, value in given.items() if value}


def _code(filters: Filters, name: str, pattern: re.Pattern[str], label: str) -> str | None:
    value = filters.get(name)
    if value is not None and not pattern.match(value):
        raise BadRequest(f"参数 {name} 的值“{value}”无效：应为{label}。")
    return value


def _choice(filters: Filters, name: str, choices: list[str]) -> str | None:
    value = filters.get(name)
    if value is not None and value not in choices:
        raise BadRequest(f"参数 {name} 的值“{value}”无效：应为 {'、'.join(choices)} 之一。")
    return value


def _since(filters: Filters, name: str) -> dt.datetime | None:
    value = filters.get(name)
    if value is None:
        return None
    # An unencoded "+08:00" arrives as " 08:00": take it as meant.
    value = re.sub(r" ([0-9]{2}:?[0-9]{2})$", r"+\1", value)
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None:
        if day is None:
            raise BadRequest(
                f"参数 {name} 的值“{value}”无效：应为日期 2031-06-01 或时间 2031-06-01T08:00:00+08:00。"
            )
        moment = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def keyset(params: QueryDict) -> tuple[int, int]:
    after, limit = params.get("after", "").strip(), params.get("limit", "").strip()
    if after and not re.fullmatch(r"[0-9]{1,18}", after):
        raise BadRequest(f"参数 after 的值“{after}”无效：应为上一页最后一条的 id（非负整数）。")
    if limit and not (re.fullmatch(r"[0-9]{1,3}", limit) and 1 <= int(limit) <= MAX_LIMIT):
        raise BadRequest(f"参数 limit 的值“{limit}”无效：应为 1 到 {MAX_LIMIT} 之间的整数。")
    return int(after or 0), int(limit or DEFAULT_LIMIT)


def page(
    qs: QuerySet[Model], request: HttpRequest, filters: Filters, *, fields: tuple[str, ...] = ()
) -> Page:
    """One keyset page of ``qs`` (rows as dicts of ``fields``, or model instances).

    Two reads: the page's ids alone (scope and filters, ordered by id), then those rows by
    primary key with what they show. In one query the joins for the units' codes and names
    made SQLite drive from the village table and sort the whole county (5 s at 10⁶)."""
    after, limit = keyset(request.GET)
    ids = list(qs.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[: limit + 1])
    more = len(ids) > limit
    chosen = qs.filter(pk__in=ids[:limit]).order_by("pk")
    rows = list(chosen.values(*fields) if fields else chosen)
    nxt = None
    if more:
        query = urlencode({**filters, "after": ids[limit - 1], "limit": limit})
        nxt = f"{request.path}?{query}"
    return Page(rows=rows, next=nxt, limit=limit)


# --- households ------------------------------------------------------------------------
# What a household row of the API reads: plain values, never the encrypted numbers, their
# lookup hash or the house's coordinates; no model instances (a page is 500 rows).
HOUSEHOLD_VALUES = (
    "id",
    "head_name",
    "id_number_masked",
    "id_number_valid",
    "phone_masked",
    "size",
    "groups",
    "is_alleviated",
    "enjoys_policy",
    "monitoring_type",
    "risk_state",
    "no_house",
    "structure",
    "year_built",
    "storeys",
    "floor_area",
    "dangerous_site",
    "suspected_reported_on",
    "plaque_posted",
    "plaque_date",
    "plaque_grade",
    "self_funds",
    "borrowed",
    "other_subsidy",
    "created_at",
    "updated_at",
    "township__code",
    "township__name",
    "village__code",
    "village__name",
    "assessment_id",
    "assessment__grade",
    "renovation_id",
    "renovation__method",
    "renovation__started_on",
    "renovation__completed_on",
    "renovation__accepted_on",
)


def households(user: User, params: QueryDict) -> tuple[QuerySet[Household], Filters]:
    f = check_params(params, HOUSEHOLD_FILTERS)
    qs = Household.objects.for_user(user)
    township = _code(f, "township", TOWNSHIP_CODE, " 9 位乡镇代码")
    if township:
        qs = qs.filter(township__code=township)
    village = _code(f, "village", VILLAGE_CODE, " 12 位村代码")
    if village:
        qs = qs.filter(village__code=village)
    grade = _choice(f, "grade", [*Grade.values, "none"])
    if grade == "none":
        qs = qs.filter(assessment__isnull=True)
    elif grade:
        qs = qs.filter(Exists(Assessment.objects.filter(pk=OuterRef("assessment_id"), grade=grade)))
    since = _since(f, "updated_since")
    if since:
        changed = Household.objects.filter(updated_at__gte=since)
        # A sync's poll finds a few changed rows: read them through the updated_at index.
        # Many (a first sync from long ago): walk by id as without the filter. Each plan is
        # fast in its own case and reads the county in the other's (SQLite at 10⁶: 270 ms).
        if changed[: FEW_CHANGED + 1].count() <= FEW_CHANGED:
            qs = qs.filter(pk__in=changed.values("pk"))
        else:
            qs = qs.filter(updated_at__gte=since)
    return qs, f


def household_scope() -> QuerySet[Household]:
    """For ``get_scoped_or_404``: only what the scope check needs."""
    return Household.objects.only("id", "township_id", "village_id")


def household_detail(pk: int) -> tuple[dict[str, Any], Assessment | None, Renovation | None]:
    row = Household.objects.filter(pk=pk).values(*HOUSEHOLD_VALUES).first()
    if row is None:  # deleted between the scope check and this read
        raise Http404("不存在或无权查看")
    assessment = Assessment.objects.filter(pk=row["assessment_id"]).first()
    renovation = Renovation.objects.filter(pk=row["renovation_id"]).first()
    return row, assessment, renovation


# --- findings --------------------------------------------------------------------------
FINDING_VALUES = (
    "id",
    "rule_code",
    "aspect",
    "severity",
    "status",
    "message",
    "facts",
    "campaign_id",
    "opened_at",
    "updated_at",
    "resolved_at",
    "decided_at",
    "reason",
    "household_id",
    "household__head_name",
    "household__id_number_masked",
    # 应纳未纳 (M-01): the department list's record of a household the registry lacks
    "listed_id",
    "listed__source",
    "listed__version_id",
    "listed__head_name",
    "listed__id_number_masked",
    "listed__village_name",
    "listed__first_listed_on",
    "township__code",
    "township__name",
    "village__code",
    "village__name",
)


def findings(user: User, params: QueryDict) -> tuple[QuerySet[Finding], Filters]:
    f = check_params(params, FINDING_FILTERS)
    qs = Finding.objects.for_user(user)
    rule = _code(f, "rule", RULE_CODE, "规则编号，如 A1-01")
    if rule:
        qs = qs.filter(rule_code=rule)
    aspect = _choice(f, "aspect", Aspect.values)
    if aspect:
        qs = qs.filter(aspect=aspect)
    status = _choice(f, "status", Status.values)
    if status:
        qs = qs.filter(status=status)
    township = _code(f, "township", TOWNSHIP_CODE, " 9 位乡镇代码")
    if township:
        qs = qs.filter(township__code=township)
    return qs, f


# --- the ledger ------------------------------------------------------------------------
def _entries(user: User) -> LedgerEntryQuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.for_user(user)
    if user.role not in DRAFT_READERS:
        qs = qs.in_ledger()
    return qs


def ledger(user: User, params: QueryDict) -> tuple[QuerySet[LedgerEntry], Filters]:
    f = check_params(params, LEDGER_FILTERS)
    qs = (
        _entries(user)
        .select_related("township", "village", "campaign")
        .prefetch_related(
            Prefetch(
                "households",
                queryset=Household.objects.only("id", "head_name", "id_number_masked"),
            ),
            Prefetch("findings", queryset=Finding.objects.only("id", "rule_code")),
        )
    )
    township = _code(f, "township", TOWNSHIP_CODE, " 9 位乡镇代码")
    if township:
        qs = qs.filter(township__code=township)
    state = _choice(f, "state", State.values)
    if state:
        qs = qs.filter(state=state)
    elif user.role in DRAFT_READERS:
        qs = qs.in_ledger()  # drafts only when asked for
    nature = _choice(f, "nature", Nature.values)
    if nature:
        qs = qs.filter(nature=nature)
    return qs, f


def ledger_detail_qs(user: User) -> QuerySet[LedgerEntry]:
    """The entries whose detail ``user`` may read, with their history (scope applied by
    ``get_scoped_or_404``; drafts stay the township's)."""
    qs: LedgerEntryQuerySet[LedgerEntry] = LedgerEntry.objects.all()
    if user.role not in DRAFT_READERS:
        qs = qs.in_ledger()
    return qs.select_related("township", "village", "campaign").prefetch_related(
        Prefetch(
            "households", queryset=Household.objects.only("id", "head_name", "id_number_masked")
        ),
        Prefetch("findings", queryset=Finding.objects.only("id", "rule_code")),
        Prefetch("transitions", queryset=EntryTransition.objects.select_related("actor")),
        Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
    )
