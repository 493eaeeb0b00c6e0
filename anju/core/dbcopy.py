"""Bulk inserts by ``COPY … FROM STDIN`` on PostgreSQL (docs/PERFORMANCE.md, issue #20).

An ``executemany`` of INSERTs is pipelined by psycopg, but with Django's client-side
binding every row is still its own statement, parsed and planned by the server one by one:
the registry import's inserts of 10⁵ households (≈370,000 rows in four tables) cost 22 s
of server CPU in its write phase and 4.7 s in its audit phase; by ``COPY`` 3.9 s and
1.2 s, and the client's CPU for them fell from 10.3 s to 3.4 s (psycopg formats the rows
in C). Same rows, same transaction (nothing is written if it rolls back), same triggers
and deferred constraints; only PostgreSQL has it, so callers keep ``executemany`` for
SQLite.

The values must be plain Python values (text, numbers, ``bool``, ``date``, ``datetime``,
``Decimal``, ``bytes``, ``None``); a JSON column takes its JSON as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` into ``table``'s ``columns`` (names from model meta, quoted here);
    returns how many were written. The rows may be a generator, but it must not use this
    connection while the COPY holds it."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
