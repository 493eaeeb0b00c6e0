"""Planner statistics after bulk loads (docs/PERFORMANCE.md, "Household list").

SQLite has no autovacuum/autoanalyze: without ``ANALYZE`` after a bulk load its planner
guesses, and a county-wide name search at 10⁶ households took 192–381 ms instead of 22 ms.
PostgreSQL's autovacuum gets there eventually; an explicit ``ANALYZE`` makes the first
minutes after a big import fast too. ``optimize`` is the cheap periodic form for SQLite
(``PRAGMA optimize`` re-analyses only tables whose statistics drifted).
"""

from __future__ import annotations

import logging
import time

from django.db import connection

log = logging.getLogger(__name__)

# An import that writes at least this many households refreshes the statistics.
BULK_ROWS = 10_000


def analyze(*tables: str) -> float:
    """Gather statistics for ``tables`` (names from model meta), or for the whole database;
    returns the seconds it took. Inside a transaction it reads the transaction's own rows,
    and on PostgreSQL others see the statistics once it commits."""
    started = time.monotonic()
    sql = "ANALYZE"
    if tables:
        names = [connection.ops.quote_name(t) for t in tables]
        # SQLite analyses one table per statement
        sql = "ANALYZE " + ", ".join(names) if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        if sql:
            cursor.execute(sql)
        else:
            for name in names:
                cursor.execute(f"ANALYZE {name}")
    took = time.monotonic() - started
    log.debug("ANALYZE took %.1f s", took)
    return took


def optimize() -> None:
    """The periodic, cheap form: SQLite's ``PRAGMA optimize``; PostgreSQL needs nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


def after_bulk_load(rows: int, *tables: str) -> None:
    if rows >= BULK_ROWS:
        analyze(*tables)
