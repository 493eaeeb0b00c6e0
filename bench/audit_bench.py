"""Audit-chain benchmark: the bulk write an import does, and verifying the chain.

    python -m bench audit                                  # 100,000 rows, SQLite scratch file
    python -m bench.audit_bench --rows 20000
    DATABASE_URL=postgres://user@host/db python -m bench audit

In a child process with its own data folder, appends ``--rows`` audit events shaped like an
import's (one ``create`` per household, a detail of about 1.5 kB: every field old → new)
through ``record_many`` in chunks of 2,000 (as ``registry/io/writer.py`` does), then runs
``verify_chain()`` over them. Prints wall and CPU seconds of each, and the per-row cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal

from bench import _child

CHUNK = 2000


def parse(argv):
    parser = argparse.ArgumentParser(prog="audit_bench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.audit_bench", argv)


def detail(n: int) -> dict:
    """What an imported household's ``create`` event carries (writer.py ``_Writer.create``)."""
    changes = {
        "head_name": [None, f"王建{n % 97}"],
        "id_number_masked": [None, f"411081********{n % 10000:04d}"],
        "phone_masked": [None, f"138****{n % 10000:04d}"],
        "village_id": [None, 100 + n % 600],
        "township_id": [None, 1 + n % 26],
        "size": [None, 1 + n % 6],
        "groups": [None, n % 8],
        "is_alleviated": [None, True],
        "enjoys_policy": [None, n % 2 == 0],
        "monitoring_type": [None, ""],
        "risk_state": [None, ""],
        "no_house": [None, False],
        "structure": [None, "砖木"],
        "year_built": [None, 1980 + n % 40],
        "storeys": [None, 1],
        "floor_area": [None, Decimal("86.50")],
        "latitude": [None, Decimal("34.1523")],
        "longitude": [None, Decimal("113.4712")],
        "dangerous_site": [None, False],
        "plaque_posted": [None, "unknown"],
        "grade": [None, "C"],
        "assessed_on": [None, dt.date(2021, 3, 4)],
        "assessor": [None, "禹州市房屋安全鉴定中心"],
        "method": [None, "修缮加固"],
        "approved_on": [None, dt.date(2021, 5, 6)],
        "completed_on": [None, dt.date(2021, 10, 1)],
        "subsidy_amount": [None, Decimal("15000.00")],
        "self_funds": [None, Decimal("0")],
        "craftsman": [None, "李师傅"],
    }
    return {"changes": changes, "import_batch": 7}


def child(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from anju.audit.services import record_many, verify_chain

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; audit rows: {args.rows:,}", flush=True)
    chunks = []
    for start in range(0, args.rows, CHUNK):
        chunks.append(
            [
                {
                    "event": "create",
                    "object_label": "registry.household",
                    "object_pk": n,
                    "object_repr": f"王建{n % 97}（411081********{n % 10000:04d}）",
                    "detail": detail(n),
                }
                for n in range(start, min(start + CHUNK, args.rows))
            ]
        )
    wall, cpu = time.perf_counter(), time.process_time()
    for items in chunks:
        record_many(items)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"record_many: {wall:.2f} s (CPU {cpu:.2f} s) = {wall / args.rows * 1e6:.1f} µs per row",
        flush=True,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    bad = verify_chain()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"verify_chain: {wall:.2f} s (CPU {cpu:.2f} s), {len(bad)} bad rows; "
        f"{_child.load_average()}",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
