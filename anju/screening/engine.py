"""Evaluating rules: one set-based query per rule, messages formatted only for its hits."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from anju.registry.models import Household
from anju.screening.rules.base import Households, Params, Rule, Values

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler

    from anju.campaigns.models import Campaign

Hit = tuple[Any, ...]  # (rule, household, township, village, aspect, severity, message, facts)
RuleSet = Iterable[tuple[Rule, Params]]  # the enabled rules with the round's parameters
KEY_COLUMNS = ("id", "township_id", "village_id")


def households_in_scope(
    campaign: Campaign | None,
    *,
    township_id: int | None = None,
    village_id: int | None = None,
    household_ids: Iterable[int] | None = None,
) -> Households:
    """The campaign's households (RULES.md scope), narrowed to a unit or to some households."""
    qs = Household.objects.in_campaign_scope(
        all_groups=bool(campaign and campaign.scope_all_groups)
    )
    if township_id is not None:
        qs = qs.filter(township_id=township_id)
    if village_id is not None:
        qs = qs.filter(village_id=village_id)
    if household_ids is not None:
        qs = qs.filter(id__in=list(household_ids))
    return qs


def hit_rows(
    rule: Rule, households: Households, p: Params, as_of: dt.date
) -> QuerySet[Household, dict[str, Any]]:
    """``.values()`` of the rule's hits: the household keys and the fields its message uses."""
    if rule.on_list:  # on list records (M-01): no household ever is a hit
        return households.none().values(*KEY_COLUMNS)
    plain = [k for k, path in rule.fields.items() if k == path]
    aliased = {k: F(path) for k, path in rule.fields.items() if k != path}
    return rule.hits(households, p, as_of).values(*KEY_COLUMNS, *plain, **aliased)


def evaluate(rule: Rule, households: Households, p: Params, as_of: dt.date) -> Iterator[Hit]:
    """Hit tuples (rule, household, township, village, aspect, severity, message, facts).
    On PostgreSQL the rows stream from a server-side cursor: call ``whole_results()`` in
    the transaction first."""
    for row in hit_rows(rule, households, p, as_of).iterator(chunk_size=5000):
        yield _hit(rule, row, p, as_of)


def _hit(rule: Rule, row: Values, p: Params, as_of: dt.date) -> Hit:
    facts = {k: row[k] for k in rule.fields}
    return (
        rule.code,
        row["id"],
        row["township_id"],
        row["village_id"],
        rule.aspect,
        rule.severity,
        rule.message(row, p, as_of),
        json.dumps(facts, default=str),  # dates and decimals as text, like jsonable()
    )


# --- a few households at once (the re-screen after a save) ---------------------------------
# Building and compiling 29 rule queries through the ORM costs more than running them (on
# PostgreSQL ~80 ms of CPU per save). The households are the only thing that changes from one
# save to the next, so each rule's query is compiled once per (parameters, reference date)
# with the household ids as ONE parameter (an array on PostgreSQL, a JSON list on SQLite) and
# re-run with other ids. The rows go through the same compiler, so values are converted
# exactly as ``evaluate`` converts them (the facts of a finding compare equal either way).
class _Ids:
    """Stands for the ids parameter in a compiled query until it is run."""


def _ids_subquery(marker: _Ids) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (marker,))
    return RawSQL("SELECT value FROM json_each(%s)", (marker,))


def _ids_value(ids: list[int]) -> list[int] | str:
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


class _Compiled:
    __slots__ = ("compiler", "sql", "params", "slot", "names")

    compiler: SQLCompiler
    sql: str
    params: list[Any]
    slot: int
    names: list[str]

    def __init__(self, rule: Rule, all_groups: bool, p: Params, as_of: dt.date) -> None:
        marker = _Ids()
        households = Household.objects.in_campaign_scope(all_groups=all_groups).filter(
            id__in=_ids_subquery(marker)
        )
        query = hit_rows(rule, households, p, as_of).query
        self.compiler = query.get_compiler(using="default")
        sql, params = self.compiler.as_sql()
        slots = [i for i, value in enumerate(params) if value is marker]
        if len(slots) != 1:  # pragma: no cover — a rule that filters households twice
            raise ValueError(f"{rule.code}: the household ids appear {len(slots)} times")
        self.sql, self.params, self.slot = sql, list(params), slots[0]
        self.names = (
            list(query.selected)
            if query.selected
            else [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        )

    def rows(self, ids: list[int]) -> Iterator[Values]:
        params = list(self.params)
        params[self.slot] = _ids_value(ids)
        fetched = _fetch_all(self.sql, params)
        for row in self.compiler.results_iter(results=[fetched]):
            yield dict(zip(self.names, row, strict=True))


def _fetch_all(sql: str, params: list[Any]) -> list[Any]:
    """Run one compiled rule query. On PostgreSQL as a prepared statement of this connection:
    planning the 29 joins is most of a save's database time, and with ``generic_plans()`` in
    force each is planned once per connection (29 rules: ~29 ms → ~9 ms)."""
    if connection.vendor != "postgresql" or not settings.PG_PREPARED:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold  # Django turns automatic preparing off; keep it so
    raw.prepare_threshold = 0
    try:
        with psycopg.Cursor(raw) as cursor:  # server-side binding: the query can be prepared
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    finally:
        raw.prepare_threshold = threshold


def generic_plans() -> None:
    """PostgreSQL, inside a transaction: plan the prepared rule queries once (a generic plan
    on the household ids is an index lookup whatever the ids are)."""
    if connection.vendor == "postgresql" and settings.PG_PREPARED:
        with connection.cursor() as cursor:
            cursor.execute(GENERIC_PLANS)


GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan"


def whole_results() -> None:
    """PostgreSQL, inside a transaction: plan the queries read through server-side cursors
    (``evaluate``, ``.iterator()``) for all their rows, which a run always reads, instead of
    for the first tenth (``cursor_tuple_fraction`` 0.1, the default for cursors). With
    the default the planner chose nested loops that made one county-wide rule (M-06, no
    hit) cost 9.8 s of server CPU instead of 0.17 s at 10⁵ households (#20)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")


def generic_plans_sql() -> str:
    """``generic_plans()`` as text to send with another statement ("" when not needed)."""
    prepared = connection.vendor == "postgresql" and settings.PG_PREPARED
    return GENERIC_PLANS if prepared else ""


_COMPILED: dict[tuple[Any, ...], _Compiled] = {}
_COMPILED_LOCK = threading.Lock()
COMPILED_MAX = 512  # rules × parameter sets × reference dates kept per process


def _compiled(rule: Rule, campaign: Campaign | None, p: Params, as_of: dt.date) -> _Compiled:
    all_groups = bool(campaign and campaign.scope_all_groups)
    key = (connection.vendor, rule.code, all_groups, tuple(sorted(p.items())), as_of)
    entry = _COMPILED.get(key)
    if entry is None:
        entry = _Compiled(rule, all_groups, p, as_of)
        with _COMPILED_LOCK:
            if len(_COMPILED) >= COMPILED_MAX:
                _COMPILED.clear()
            _COMPILED[key] = entry
    return entry


def evaluate_households(
    rule: Rule, campaign: Campaign | None, ids: list[int], p: Params, as_of: dt.date
) -> Iterator[Hit]:
    """The hit tuples of ``evaluate`` over the campaign's households among ``ids``."""
    if rule.on_list:
        return
    for row in _compiled(rule, campaign, p, as_of).rows(sorted(ids)):
        yield _hit(rule, row, p, as_of)


# One statement asks every rule at once which of the households it fires on (a UNION ALL of
# the rules' queries reduced to the household id, ids again as one parameter per branch);
# only the rules that fire — for one household usually none or one — then run their own
# compiled query for the message and facts, over the households they fire on. A save's
# 29 rule statements became 1 + the rules that fire.
class _Union:
    __slots__ = ("sql", "params", "slots")

    def __init__(self, rule_set: RuleSet, all_groups: bool, as_of: dt.date) -> None:
        parts: list[str] = []
        params: list[Any] = []
        slots: list[int] = []
        # branch -1: the households in scope themselves (a save needs their number)
        branches: list[tuple[int, Callable[[Households], Households]]] = [
            (-1, lambda households: households),
            *(
                (index, lambda households, rule=rule, p=p: rule.hits(households, p, as_of))
                for index, (rule, p) in enumerate(rule_set)
            ),
        ]
        for index, hits in branches:
            marker = _Ids()
            households = Household.objects.in_campaign_scope(all_groups=all_groups).filter(
                id__in=_ids_subquery(marker)
            )
            query = hits(households).order_by().values("id").query
            sql, branch = query.get_compiler(using="default").as_sql()
            slots += [len(params) + i for i, value in enumerate(branch) if value is marker]
            params += branch
            # a derived table: ORDER BY, LIMIT or DISTINCT inside a rule stay its own
            parts.append(f"SELECT {index} AS rule_index, u.id FROM ({sql}) u")  # noqa: S608
        self.sql = " UNION ALL ".join(parts)
        self.params, self.slots = params, slots

    def fired(self, ids: list[int]) -> dict[int, list[int]]:
        """Rule index → the ids among ``ids`` it fires on."""
        params = list(self.params)
        value = _ids_value(ids)
        for slot in self.slots:
            params[slot] = value
        fired: dict[int, set[int]] = {}
        for index, pk in _fetch_all(self.sql, params):
            fired.setdefault(index, set()).add(pk)
        return {index: sorted(pks) for index, pks in fired.items()}


_UNIONS: dict[tuple[Any, ...], _Union] = {}


def evaluate_many(
    rule_set: RuleSet, campaign: Campaign | None, ids: list[int], as_of: dt.date
) -> Iterator[Hit]:
    """The hit tuples of ``evaluate_households`` for every (rule, parameters) of
    ``rule_set`` in turn (rules on list records are left out), in few statements."""
    yield from households_and_hits(rule_set, campaign, ids, as_of)[1]


def households_and_hits(
    rule_set: RuleSet, campaign: Campaign | None, ids: list[int], as_of: dt.date
) -> tuple[int, list[Hit]]:
    """How many of ``ids`` are in the campaign's scope, and the hits of ``evaluate_many``:
    the first from the same statement as the rest."""
    rule_set = [(rule, p) for rule, p in rule_set if not rule.on_list]
    if not ids:
        return 0, []
    all_groups = bool(campaign and campaign.scope_all_groups)
    key = (
        connection.vendor,
        all_groups,
        tuple((rule.code, tuple(sorted(p.items()))) for rule, p in rule_set),
        as_of,
    )
    union = _UNIONS.get(key)
    if union is None:
        union = _Union(rule_set, all_groups, as_of)
        with _COMPILED_LOCK:
            if len(_UNIONS) >= UNIONS_MAX:
                _UNIONS.clear()
            _UNIONS[key] = union
    fired = union.fired(sorted(ids))
    in_scope = len(fired.pop(-1, ()))
    hits: list[Hit] = []
    for index, (rule, p) in enumerate(rule_set):
        if index in fired:
            hits += evaluate_households(rule, campaign, fired[index], p, as_of)
    return in_scope, hits


UNIONS_MAX = 32  # rule sets × reference dates kept per process


def count(rule: Rule, households: Households, p: Params, as_of: dt.date) -> int:
    """How many households the rule fires on (the parameter preview); for a rule on list
    records, how many list records (the county's)."""
    if rule.on_list:
        from anju.monitoring.models import ListedHousehold

        return rule.listed_hits(ListedHousehold.objects.all(), p, as_of).count()
    return rule.hits(households, p, as_of).count()
