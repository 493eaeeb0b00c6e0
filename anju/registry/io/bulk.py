"""Set-based writes for the importer: many rows in few statements, on SQLite and PostgreSQL.

The ORM's ``bulk_create`` prepares every value of every row through the field API, which
costs more than the whole rest of an import of 100,000 households. Here each model gets a
``Table`` that inserts and updates whole batches with parameterised ``executemany`` — on
PostgreSQL the inserts go by ``COPY`` (``anju.core.dbcopy``). The values are already clean
Python values (``date``, ``Decimal``, ``bool``, ``bytes``, text), which both drivers adapt
natively (Django registers the SQLite adapters). The SQL text is built only from the
model's own table and column names, quoted by the backend; every value is a parameter.

Primary keys are allocated up front (``allocate_ids``), so a household can point at its new
assessment and renovation in the same insert: the foreign keys are DEFERRABLE INITIALLY
DEFERRED on both databases and are checked at commit. Must run inside ``atomic()``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeAlias

from django.db import connection, models
from django.utils import timezone

from anju.core.dbcopy import copy_rows

BATCH = 2000
# One row's values in column order: clean Python values the drivers adapt (above). The
# parsers give them as ``object`` and the driver stubs want a union, hence ``Any`` here.
Params: TypeAlias = list[Any]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def column_of(field: models.Field[Any, Any]) -> str:
    """A concrete field's column (the stubs allow None, for fields that have none)."""
    column = field.column
    if column is None:  # pragma: no cover - every concrete field has a column
        raise ValueError(f"{field} has no column")
    return column


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, never used before (not even by deleted
    rows, whose ids the audit trail still names)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = column_of(model._meta.pk)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":  # pragma: no cover - settings allow only these two
            raise NotImplementedError(connection.vendor)
        # SQLite: the transaction is IMMEDIATE, so it holds the write lock already and no
        # one else can take these ids before the insert.
        cursor.execute(f"SELECT MAX({_q(pk)}) FROM {_q(table)}")  # noqa: S608 - names from the model
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


class Table:
    """Inserts and updates of one model's rows as lists of column values."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.attnames)}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        blank = model()
        base: Params = []
        for field in self.fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                base.append(now)
            else:
                base.append(getattr(blank, field.attname))
        self.base = base
        self.now = now
        self.touch = [
            f.attname
            for f in self.fields
            if isinstance(f, models.DateTimeField) and f.auto_now and not f.auto_now_add
        ]

    def new_row(self, pk: int, values: dict[str, object]) -> Params:
        row = self.base.copy()
        row[self.index[self.model._meta.pk.attname]] = pk
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return row

    def insert(self, rows: list[Params]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":  # one stream, no statement per row
            copy_rows(self.model._meta.db_table, [column_of(f) for f in self.fields], rows)
            return
        table = _q(self.model._meta.db_table)
        columns = ", ".join(_q(column_of(f)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])

    def update(self, changes: list[tuple[int, dict[str, object]]]) -> None:
        """``changes``: (pk, {attname: new value}); rows changing the same columns share
        one statement. ``auto_now`` columns are set to now."""
        groups: dict[tuple[str, ...], list[Params]] = defaultdict(list)
        for pk, values in changes:
            names = tuple(sorted(values))
            groups[names].append([*(values[n] for n in names), *([self.now] * len(self.touch)), pk])
        table = _q(self.model._meta.db_table)
        pk_column = _q(column_of(self.model._meta.pk))
        columns = {f.attname: column_of(f) for f in self.fields}
        with connection.cursor() as cursor:
            for names, params in groups.items():
                sets = ", ".join(f"{_q(columns[n])} = %s" for n in (*names, *self.touch))
                sql = f"UPDATE {table} SET {sets} WHERE {pk_column} = %s"  # noqa: S608 - names from the model
                for start in range(0, len(params), BATCH):
                    cursor.executemany(sql, params[start : start + BATCH])
