"""Set-based synchronisation of one run's hits into findings (and their history).

Called inside the transaction of one chunk (a township, a village or a few households)
that holds the chunk's lock. Every step is one statement over sets — INSERT … SELECT,
UPDATE … WHERE [NOT] EXISTS — written with the ORM so that it runs on SQLite and
PostgreSQL alike, except the refresh of drifted findings: a join written out (UPDATE …
FROM, SQLite 3.33+), with the ORM's scope as its WHERE. No loop over households or findings.

    stage(run_id, hits)          # the chunk's hits into the staging table
    counts = apply(run=…, scope=…, disabled=…)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from anju.screening.models import FIRING, Finding, FindingEvent, Hit, Run, Status

HIT_COLUMNS = (
    "run_id",
    "rule_code",
    "household_id",
    "township_id",
    "village_id",
    "aspect",
    "severity",
    "message",
    "facts",
)
EVENT_COLUMNS = ("finding_id", "kind", "at", "run_id", "message", "reason")
STAGE_BATCH = 2000
BULK_HITS = 5000  # from here on PostgreSQL plans the inserts of new findings as bulk joins


def stage(run_id: int, hits: Iterable[tuple]) -> int:
    """Write hit tuples (as ``engine.evaluate`` yields them) to the staging table."""
    table = connection.ops.quote_name(Hit._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in HIT_COLUMNS)
    if connection.vendor == "postgresql":
        # one COPY stream instead of a round trip per batch (a county at 10⁵: 17,000 hits
        # staged by executemany took 5–7 s of waiting on a loaded machine). The hits may
        # come from a server-side cursor on this same connection (a county run streams each
        # rule's rows): read them all before the COPY takes the line.
        rows = [(run_id, *hit) for hit in hits]
        if rows:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    marks = ", ".join(["%s"] * len(HIT_COLUMNS))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 — names from model meta
    total, batch = 0, []
    with connection.cursor() as cursor:
        for hit in hits:
            batch.append((run_id, *hit))
            if len(batch) >= STAGE_BATCH:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def would_change(hits: list[tuple], household_ids: list[int], campaign_id=None) -> bool:
    """Whether ``apply`` over the findings of ``household_ids`` with these hits (all of them
    on those households) would write anything: a hit without a finding (open), on a closed
    one (reopen) or differing from its firing finding (change, drift), or a firing finding
    without a hit (close). One read of the households' findings; when nothing would change,
    a save's re-screen stages nothing and runs none of the statements of ``apply``. Errs
    only towards True (then ``apply`` decides, as always). A firing finding of another
    round than ``campaign_id`` (the run's) changes too: it moves into the run's round."""
    table = connection.ops.quote_name(Finding._meta.db_table)
    param: list[int] | str = list(household_ids)
    if connection.vendor == "postgresql":
        where = "household_id = ANY(%s)"
    else:
        where, param = "household_id IN (SELECT value FROM json_each(%s))", json.dumps(param)
    sql = (
        "SELECT rule_code, household_id, status, message, township_id, village_id, facts, "  # noqa: S608
        "campaign_id "
        f"FROM {table} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        findings = {(row[0], row[1]): row[2:] for row in cursor.fetchall()}
    seen = set()
    for code, household, township, village, _aspect, _severity, message, facts in hits:
        key = (code, household)
        seen.add(key)
        found = findings.get(key)
        if found is None or found[0] == Status.RESOLVED:
            return True
        status, old_message, old_township, old_village, old_facts, old_campaign = found
        if campaign_id is not None and old_campaign != campaign_id:
            return True
        if status not in FIRING:  # pragma: no cover - every status is one or the other
            return True
        if (old_message, old_township, old_village) != (message, township, village):
            return True
        if _facts_differ(old_facts, facts):
            return True
    return any(key not in seen and row[0] in FIRING for key, row in findings.items())


def _facts_differ(stored, staged: str) -> bool:
    """The database compares the JSON text on SQLite and the value on PostgreSQL: differ if
    either does."""
    if isinstance(stored, str):
        if connection.vendor != "postgresql" and stored != staged:
            return True
        stored = json.loads(stored)
    return stored != json.loads(staged)


def insert_select(model, columns: tuple[str, ...], queryset) -> int:
    """INSERT INTO model (columns) SELECT … — the SELECT compiled by the ORM from
    ``queryset.values_list(...)`` whose columns are in the same order."""
    select, params = queryset.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        # Only names from model meta and an ORM-compiled SELECT: no outside text.
        cursor.execute(f"INSERT INTO {table} ({cols}) {select}", params)  # noqa: S608
        return cursor.rowcount


def _columns(model, names: tuple[str, ...]) -> str:
    """The quoted columns of ``model``'s fields ``names``, for a written-out statement."""
    return ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in names)


def _const(value, field):
    return Value(value, output_field=field)


NO_NOTE = _const("", TextField())
STAGED = "staged"  # the hit table's alias in the written-out joins


def update_from() -> bool:
    """Whether the database takes UPDATE … FROM: PostgreSQL, SQLite since 3.33 (2020; Django
    5.2 still runs on 3.31)."""
    if connection.vendor != "sqlite":
        return True
    return sqlite3.sqlite_version_info >= (3, 33)  # the library Django's backend uses


class _Sync:
    """The statements of one synchronisation, sharing the run, the time and the hit match."""

    def __init__(self, run: Run, scope: Q, disabled: Iterable[str]):
        self.run = run
        self.now = timezone.now()
        self.at = _const(self.now, DateTimeField())
        self.run_ref = _const(run.pk, IntegerField())
        self.hits = Hit.objects.filter(run_id=run.pk)
        self.match = self.hits.filter(
            rule_code=OuterRef("rule_code"), household_id=OuterRef("household_id")
        )
        self.findings = Finding.objects.filter(scope)
        self.firing = self.findings.filter(status__in=FIRING)
        self.disabled = list(disabled)
        self.bulk = False  # a chunk of thousands of hits (set by ``apply``)

    def from_hit(self, column):
        return Subquery(self.match.values(column)[:1])

    def history(self, findings, kind, message, note=NO_NOTE) -> int:
        """One history line per finding of ``findings`` (INSERT … SELECT)."""
        rows = findings.values_list(
            "id", _const(kind.value, CharField()), self.at, self.run_ref, message, note
        )
        return insert_select(FindingEvent, EVENT_COLUMNS, rows)

    def refreshed(self) -> dict:
        """Columns a firing finding takes from its hit."""
        return {
            "message": self.from_hit("message"),
            "facts": self.from_hit("facts"),
            "township_id": self.from_hit("township_id"),
            "village_id": self.from_hit("village_id"),
            "campaign_id": self.run.campaign_id,
            "last_run_id": self.run.pk,
            "updated_at": self.now,
        }

    def reopen(self) -> int:
        """Closed findings that fire again are reopened (the old decision stays in history)."""
        reopen = self.findings.filter(status=Status.RESOLVED).filter(Exists(self.match))
        count = self.history(reopen, FindingEvent.Kind.REOPENED, self.from_hit("message"))
        if count:
            reopen.update(
                status=Status.OPEN,
                resolved_at=None,
                resolved_run_id=None,
                decided_by_id=None,
                decided_at=None,
                reason="",
                reviewed_by_id=None,
                reviewed_at=None,
                review_reason="",
                **self.refreshed(),
            )
        return count

    def change(self) -> int:
        """Firing findings whose facts changed get a history line; any drift (also a message
        that only moved with the reference date, or units) and a finding of another round
        than the run's are refreshed from the hit. Two statements, each ONE join of the
        findings with the staged hits (a run stages at most one hit per rule and household:
        ``open`` could not insert a second); the ORM's UPDATE asked four correlated
        subqueries per finding and took 2–3 s on PostgreSQL at 10⁵ where nothing drifted."""
        qn = connection.ops.quote_name
        finding, hit = qn(Finding._meta.db_table), qn(Hit._meta.db_table)

        def f(column: str) -> str:
            return f"{finding}.{qn(column)}"

        def h(column: str) -> str:
            return f"{STAGED}.{qn(column)}"

        where, params = self._where(self.firing)
        join = (
            f"{h('run_id')} = %s AND {h('household_id')} = {f('household_id')} "
            f"AND {h('rule_code')} = {f('rule_code')} AND ({where})"
        )
        # NOT (a = b): a NULL on either side is no drift, as the ORM's exclude() compared
        # (no matched pair has one: the hit's columns are NOT NULL, and so are the finding's,
        # its village by ``finding_has_a_subject`` once it has a household)
        refreshed = ("message", "facts", "township_id", "village_id")
        drift = [f"NOT ({h(c)} = {f(c)})" for c in refreshed]
        facts_differ = drift[refreshed.index("facts")]
        # still firing, opened in another round (or in none): one finding per rule and
        # household across rounds, so it is decided in the round it fires in now (#16)
        drift += [f"{f('campaign_id')} IS NULL", f"{f('campaign_id')} <> %s"]
        history = (
            f"INSERT INTO {qn(FindingEvent._meta.db_table)} "  # noqa: S608 — names from meta
            f"({_columns(FindingEvent, EVENT_COLUMNS)}) "
            f"SELECT {f('id')}, %s, %s, %s, {h('message')}, '' "
            f"FROM {finding} JOIN {hit} {STAGED} ON {join} WHERE {facts_differ}"
        )
        update = (
            f"UPDATE {finding} SET "  # noqa: S608 — names from meta
            + ", ".join(f"{qn(c)} = {h(c)}" for c in refreshed)
            + f", {qn('campaign_id')} = %s, {qn('last_run_id')} = %s, {qn('updated_at')} = %s "
            f"FROM {hit} {STAGED} WHERE {join} AND ({' OR '.join(drift)})"
        )
        run, campaign = self.run.pk, self.run.campaign_id
        now = connection.ops.adapt_datetimefield_value(self.now)  # SQLite: the ORM's text
        with connection.cursor() as cursor:
            cursor.execute(history, [FindingEvent.Kind.CHANGED.value, now, run, run, *params])
            count = cursor.rowcount
            if update_from():
                cursor.execute(update, [campaign, run, now, run, *params, campaign])
                return count
        # SQLite before 3.33 has no UPDATE … FROM: the same rows, by correlated subqueries
        drifted = self.match.filter(
            ~Q(message=OuterRef("message"))
            | ~Q(facts=OuterRef("facts"))
            | ~Q(township_id=OuterRef("township_id"))
            | ~Q(village_id=OuterRef("village_id"))
        )
        moved = Exists(self.match) & ~Q(campaign_id=campaign)
        self.firing.filter(Exists(drifted) | moved).update(**self.refreshed())
        return count

    @staticmethod
    def _where(queryset) -> tuple[str, list]:
        """The WHERE of a queryset on Finding alone (no join), naming the table by its own
        name, for a written-out statement over it."""
        query = queryset.query
        joined = {alias for alias, uses in query.alias_refcount.items() if uses}
        if joined - {Finding._meta.db_table}:  # pragma: no cover - a guard
            raise ValueError("a finding scope that joins other tables")
        where, params = query.get_compiler(connection=connection).compile(query.where)
        return where or "1 = 1", list(params)

    def open(self) -> int:
        """New findings for hits without one, and their first history line."""
        known = Finding.objects.filter(
            rule_code=OuterRef("rule_code"), household_id=OuterRef("household_id")
        )
        rows = self.hits.filter(~Exists(known)).values_list(
            "rule_code",
            "aspect",
            "severity",
            "household_id",
            "township_id",
            "village_id",
            _const(Status.OPEN.value, CharField()),
            "message",
            "facts",
            _const(self.run.campaign_id, IntegerField()),
            self.run_ref,
            self.run_ref,
            self.at,
            self.at,
            NO_NOTE,
            NO_NOTE,
        )
        # Only for big chunks: a one-household re-screen keeps its index probes.
        postgres = connection.vendor == "postgresql" and self.bulk
        with connection.cursor() as cursor:
            if postgres:
                # Never probe findings or their history row by row in these two inserts:
                # each table grows while its statement runs, and a nested loop planned on
                # statistics of an empty table becomes a scan per row (a first county run
                # at 10⁶ did not finish in ten minutes).
                cursor.execute("SET LOCAL enable_nestloop = off")
            if postgres:
                # the new findings and their opening lines in ONE statement: the events are
                # made from the inserted rows (RETURNING) instead of finding them again
                return self._open_with_events(rows, cursor)
            count = insert_select(Finding, FINDING_COLUMNS, rows)
            if count:
                already = FindingEvent.objects.filter(
                    finding_id=OuterRef("id"), kind=FindingEvent.Kind.OPENED
                )
                fresh = self.findings.filter(first_run_id=self.run.pk).filter(
                    Exists(self.match), ~Exists(already)
                )
                self.history(fresh, FindingEvent.Kind.OPENED, "message")
            if postgres:
                cursor.execute("SET LOCAL enable_nestloop = on")
                # the statements after these plan with real numbers
                tables = (Finding._meta.db_table, FindingEvent._meta.db_table)
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
        return count

    def _open_with_events(self, rows, cursor) -> int:
        """PostgreSQL, a bulk chunk: INSERT the new findings and, from what it RETURNs, their
        ``opened`` history lines, in one statement; then analyse both tables (the statements
        after these plan with real numbers)."""
        qn = connection.ops.quote_name
        select, params = rows.order_by().query.sql_with_params()
        cols, events = _columns(Finding, FINDING_COLUMNS), _columns(FindingEvent, EVENT_COLUMNS)
        sql = (
            f"WITH made AS (INSERT INTO {qn(Finding._meta.db_table)} ({cols}) {select} "  # noqa: S608
            f"RETURNING id, message) "
            f"INSERT INTO {qn(FindingEvent._meta.db_table)} ({events}) "
            "SELECT id, %s, %s, %s, message, '' FROM made"
        )
        cursor.execute(sql, [*params, FindingEvent.Kind.OPENED.value, self.now, self.run.pk])
        count = cursor.rowcount
        cursor.execute("SET LOCAL enable_nestloop = on")
        if count:  # nothing new (a second run): the statistics still hold
            tables = (Finding._meta.db_table, FindingEvent._meta.db_table)
            cursor.execute("ANALYZE " + ", ".join(map(qn, tables)))
        return count

    def close(self, stale) -> int:
        """Findings whose rule no longer fires are closed (已消除), noting a switched-off rule."""
        note = NO_NOTE
        if self.disabled:
            note = Case(
                When(rule_code__in=self.disabled, then=_const("规则已停用", TextField())),
                default=NO_NOTE,
                output_field=TextField(),
            )
        count = self.history(stale, FindingEvent.Kind.RESOLVED, "message", note)
        if count:
            stale.update(
                status=Status.RESOLVED,
                resolved_at=self.now,
                resolved_run_id=self.run.pk,
                updated_at=self.now,
            )
        return count


FINDING_COLUMNS = (
    "rule_code",
    "aspect",
    "severity",
    "household",
    "township",
    "village",
    "status",
    "message",
    "facts",
    "campaign",
    "first_run",
    "last_run",
    "opened_at",
    "updated_at",
    "reason",
    "review_reason",
)


def apply(
    *, run: Run, scope: Q, disabled: Iterable[str] = (), staged: int | None = None
) -> dict[str, int]:
    """Bring the findings of ``scope`` (a Q on Finding: the chunk's households, which are
    also the households of every staged hit) in line with the staged hits of ``run``.
    ``staged`` (if known) lets a chunk where nothing fires skip to closing. Returns the
    counts of each kind of change."""
    step = _Sync(run, scope, disabled)
    step.bulk = (staged or 0) >= BULK_HITS
    if staged == 0:
        return {
            "hits": 0,
            "reopened": 0,
            "changed": 0,
            "opened": 0,
            "resolved": step.close(step.firing),
        }
    counts = {"reopened": step.reopen(), "changed": step.change(), "opened": step.open()}
    counts["resolved"] = step.close(step.firing.filter(~Exists(step.match)))
    counts["hits"] = staged if staged is not None else step.hits.count()
    step.hits.delete()
    return counts
