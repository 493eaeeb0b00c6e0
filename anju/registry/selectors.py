"""Reads of the household pages: the filtered list and its keyset pages, home counts.

The list stays fast at a million households: it is always ``for_user`` + filters, ordered
by id (newest first), read one page at a time by keyset (``id < after`` / ``id > before``),
never with OFFSET; it counts at most ``COUNT_CAP`` rows ("超过 1000 户" beyond), and only
when the count reads few rows (``count_is_cheap``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet

from anju.accounts.roles import COUNTY_WIDE
from anju.core import crypto
from anju.registry import idcard
from anju.registry.models import (
    Assessment,
    Attachment,
    Household,
    HouseholdQuerySet,
    Renovation,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from anju.accounts.models import User

PAGE_SIZE = 20
COUNT_CAP = 1000


def households_for(
    user: User | AnonymousUser, filters: dict[str, Any] | None = None
) -> HouseholdQuerySet:
    """The user's households with the list's filters applied (a filter never widens scope)."""
    qs: HouseholdQuerySet = Household.objects.for_user(user)
    f = filters or {}
    if f.get("township") is not None:
        qs = qs.filter(township=f["township"])
    if f.get("village") is not None:
        qs = qs.filter(village=f["village"])
    if f.get("group"):
        qs = qs.alias(group_bit=F("groups").bitand(int(f["group"]))).filter(group_bit__gt=0)
    # Conditions on the current assessment and renovation are correlated EXISTS, not joins:
    # the database can then walk households newest first and stop after one page, with or
    # without statistics (a join made SQLite sort the whole county first).
    grade = f.get("grade")
    if grade == "none":
        qs = qs.filter(assessment__isnull=True)
    elif grade == "assessed":
        qs = qs.filter(assessment__isnull=False)
    elif grade == "CD":
        current_grade = Assessment.objects.filter(pk=OuterRef("assessment_id"))
        qs = qs.filter(Exists(current_grade.filter(grade__in=["C", "D"])))
    elif grade:
        qs = qs.filter(Exists(Assessment.objects.filter(pk=OuterRef("assessment_id"), grade=grade)))
    plaque = f.get("plaque")
    if plaque == "yes":
        qs = qs.filter(plaque_posted=True)
    elif plaque == "no":
        qs = qs.filter(Q(plaque_posted=False) | Q(plaque_posted__isnull=True))
    # A renovation is a current record with a 改造方式 (RULES.md; ``HAS_RENOVATION``): a
    # record without one counts as none, as screening and the overview count it.
    renovation = f.get("renovation")
    current = Renovation.objects.filter(pk=OuterRef("renovation_id")).exclude(method="")
    if renovation == "none":
        qs = qs.filter(~Exists(current))
    elif renovation == "ongoing":
        qs = qs.filter(Exists(current.filter(accepted_on__isnull=True)))
    elif renovation == "not_accepted":
        qs = qs.filter(~Exists(current.filter(accepted_on__isnull=False)))
    elif renovation == "accepted":
        qs = qs.filter(Exists(current.filter(accepted_on__isnull=False)))
    if f.get("campaign"):
        qs = qs.in_campaign_scope()
    q = (f.get("q") or "").strip()
    if q:
        qs = search(qs, q)
    if f.get("idh"):
        qs = qs.filter(id_number_hash=f["idh"])
    return qs


def looks_like_id_number(text: str) -> bool:
    return idcard.has_shape(idcard.normalize(text))


def id_search_key(text: str) -> str:
    """The keyed hash an ID search continues with (the ID itself never goes in a URL)."""
    return crypto.blind_index(idcard.normalize(text))


def searched_id_label(filters: dict[str, Any], page: Page) -> str:
    """What to tell the user after a search by ID number: the masked number found."""
    if not filters.get("idh"):
        return ""
    if page.rows:
        return f"按身份证号 {page.rows[0].id_number_masked} 精确查找"
    return "按身份证号精确查找：没有找到（或不在您的管辖范围内）"


class NameHasBigrams(Func):
    """PostgreSQL: the head's name holds every bigram of the text (migration registry 0004:
    a GIN index on ``anju_bigrams(head_name)``), so a county-wide name search reads the
    few candidate rows instead of scanning a million names."""

    output_field = BooleanField()

    def __init__(self, text: str) -> None:
        super().__init__(F("head_name"))
        self.grams = sorted({text[i : i + 2] for i in range(len(text) - 1)})

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        column, params = compiler.compile(self.source_expressions[0])
        # the bigrams go as one PostgreSQL array parameter, which the stubs' params
        # (str | int only) do not foresee
        return f"anju_bigrams({column}) @> %s::text[]", (*params, self.grams)  # type: ignore[arg-type]


def search(qs: HouseholdQuerySet, text: str) -> HouseholdQuerySet:
    """A full 18-character ID number matches exactly (through its keyed hash); anything
    else is part of the head's name."""
    if looks_like_id_number(text):
        return qs.by_id_number(text)
    text = text.strip()
    qs = qs.filter(head_name__contains=text)
    if connection.vendor == "postgresql" and len(text) >= 2:
        qs = qs.filter(NameHasBigrams(text))  # the index narrows, LIKE decides
    return qs


@dataclass(frozen=True)
class Page:
    rows: list[Household]
    has_next: bool
    has_previous: bool
    next_after: int | None
    previous_before: int | None

    @property
    def is_first(self) -> bool:
        return not self.has_previous


def keyset_page(
    qs: HouseholdQuerySet,
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
    rows: Callable[[HouseholdQuerySet], QuerySet[Household]] | None = None,
) -> Page:
    """One page of ``qs`` ordered newest first. ``after``: the page below that id (下一页);
    ``before``: the page above that id (上一页); neither: the first page.

    Two steps: the page's ids alone (an index-only read, cheap whatever plan the database
    picks), then those rows with what the page shows (``rows``, default ``list_rows``), still
    through ``qs`` so nothing outside it can appear."""
    ids_qs = qs.values_list("id", flat=True)
    if before is not None:
        ids = list(ids_qs.filter(id__gt=before).order_by("id")[: size + 1])
        has_previous = len(ids) > size
        ids = list(reversed(ids[:size]))
        has_next = bool(ids)
    else:
        if after is not None:
            ids_qs = ids_qs.filter(id__lt=after)
        ids = list(ids_qs.order_by("-id")[: size + 1])
        has_next = len(ids) > size
        ids = ids[:size]
        has_previous = after is not None and bool(ids)
    fetched = {h.pk: h for h in (rows or list_rows)(qs.filter(pk__in=ids))} if ids else {}
    page_rows = [fetched[i] for i in ids if i in fetched]
    return Page(
        rows=page_rows,
        has_next=has_next,
        has_previous=has_previous,
        next_after=ids[-1] if ids else None,
        previous_before=ids[0] if ids else None,
    )


def count_is_cheap(user: User | AnonymousUser, filters: dict[str, Any]) -> bool:
    """Whether counting reads few rows: the unit alone (an index; the count stops at the cap),
    or any filter within one township or village. A county-wide role filtering by grade,
    group, name… over the whole county would read every household, so it gets no total."""
    if set(filters) <= {"township", "village"}:
        return True
    if filters.get("township") or filters.get("village") or filters.get("idh"):
        return True
    return getattr(user, "role", None) not in COUNTY_WIDE


def capped_count(qs: QuerySet[Household], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(n, capped): the exact count up to ``cap``; beyond it only that there are more."""
    n = qs.order_by().values("id")[: cap + 1].count()
    return min(n, cap), n > cap


def list_rows(qs: HouseholdQuerySet) -> HouseholdQuerySet:
    """What a list row shows, in one query."""
    return qs.select_related("township", "village", "assessment", "renovation").only(
        "id",
        "head_name",
        "id_number_masked",
        "id_number_valid",
        "size",
        "groups",
        "plaque_posted",
        "plaque_grade",
        "township__name",
        "village__name",
        "village__is_fictional",
        "assessment__grade",
        "renovation__method",
        "renovation__started_on",
        "renovation__completed_on",
        "renovation__accepted_on",
        "renovation__post_grade",
    )


def household_photos(household: Household) -> QuerySet[Attachment]:
    return Attachment.objects.filter(household=household).select_related("uploaded_by")


def home_counts(user: User | AnonymousUser) -> dict[str, int]:
    """Households in the user's scope, and how many fall in the campaign's scope."""
    qs: HouseholdQuerySet = Household.objects.for_user(user)
    return {"total": qs.count(), "in_scope": qs.in_campaign_scope().count()}
