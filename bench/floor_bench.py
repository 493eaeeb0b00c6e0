"""The screening floor: what 29 rule-like scans cost on this machine, with no application around them.

The same predicates and the same table as the project's shared ``floor/floor.py`` (issue #20's
floor): one wide table of N households (grade, method, 12 dates, 8 amounts, 14 flags, 8 texts),
each predicate a full scan returning ids. The benches print it beside their own times so a
ratio is measured in the same minute on the same machine:

    python -m bench floor [--households N]          # SQLite; PostgreSQL too with DATABASE_URL

``floor(n)`` returns {"sqlite": seconds, "postgresql": seconds (when a URL is given)}. On
PostgreSQL the table ``bench_floor_h`` is made in the bench's own database and dropped after.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import sys
import tempfile
import time

# fmt: off
preds = [
 "grade is null and b0=0", "grade is not null and (d0 is null or t0 is null or b1=0)", "grade is not null and b2=0",
 "b2=1 and t1 <> grade", "d1 is not null and (d0 is null or d1 > d0)", "b3=1 and grade <> 'D'",
 "method is null and (b4=1 or (grade in ('C','D') and julianday('2022-06-10') - julianday(d0) > 90))",
 "grade in ('C','D') and method is not null and d5 is null and julianday('2022-06-10') - julianday(d0) > 180",
 "t2='x' and grade in ('C','D') and not (d5 is not null and t3 in ('A','B'))",
 "grade='C' and method='原址重建' and t4 is null", "grade='D' and method='加固维修' and t4 is null", "b3=1 and method='原址重建'",
 "grade in ('A','B') and b4=0 and n0 > 0",
 "method='原址重建' and n1 < case size when 1 then 20 when 2 then 30 when 3 then 40 else 13*size end",
 "method='原址重建' and n1 > case when size<=3 then 60 else 18*size end",
 "(method='加固维修' and n0>15000) or (method='原址重建' and size<=3 and n0 > 630*min(n1, 12*(size+1))) or (method='原址重建' and size>3 and n0>50000)",
 "d5 is not null and (n0 is null or n0=0) and julianday('2022-06-10')-julianday(d5) > 30",
 "d6 is not null and d5 is not null and julianday(d6)-julianday(d5) > 30",
 "n0>0 and t5 is not null and t5<>'一卡通' and coalesce(b5,0)<>1", "b6=1 or (n0>0 and n2 > 2*n0)", "t6 is not null and n0>0",
 "d4 is not null and d5 is null and julianday('2022-06-10')-julianday(d4) > 30", "d5 is not null and (t3 is null or t3 in ('C','D'))",
 "d5 is not null and method='原址重建' and (d7 is null or d8 is null or d9 is null)",
 "d5 is not null and (b7=0 or b8=0 or b9=0 or b10=0 or b11=0 or b12=0 or b13=0)",
 "d5 is not null and method='原址重建' and (b0=0 or b1=0)", "method is not null and t7 is null",
 "substr(idn,18,1) <> 'X' and length(idn)=18 and b13=1",
 "(d2>d3) or (d3>d4) or (d4>d5) or (d5>d6) or (d2>d4) or (d2>d5) or (d2>d6) or (d3>d5) or (d3>d6) or (d4>d6) or (d0>d3)",
]


# fmt: on


def build(path, n):
    db = sqlite3.connect(path)
    db.execute("pragma journal_mode=wal")
    cols = ", ".join(
        [f"d{i} date" for i in range(12)]
        + [f"n{i} real" for i in range(8)]
        + [f"b{i} integer" for i in range(14)]
        + [f"t{i} text" for i in range(8)]
    )
    db.execute(
        f"create table h (id integer primary key, idn text, grade text, method text, size integer, {cols})"
    )
    rnd = random.Random(1)

    def row(i):
        return (
            i,
            f"411081{i:012d}",
            rnd.choice("ABCD"),
            rnd.choice([None, "加固维修", "原址重建"]),
            rnd.randrange(1, 7),
            *[
                f"2021-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
                if rnd.random() < 0.6
                else None
                for _ in range(12)
            ],
            *[rnd.random() * 50000 for _ in range(8)],
            *[rnd.randrange(2) for _ in range(14)],
            *[rnd.choice([None, "x"]) for _ in range(8)],
        )

    db.executemany(f"insert into h values ({','.join('?' * 47)})", (row(i) for i in range(n)))  # noqa: S608 - the fixed predicates above
    db.commit()
    return db


def scans(run):
    t = time.time()
    hits = sum(run(p) for p in preds)
    return time.time() - t, hits


def floor(n: int, pg_url: str | None = None) -> dict[str, float]:
    """Seconds of the 29 scans over n rows: SQLite always, PostgreSQL when ``pg_url``."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="anju-floor-") as tmp:
        db = build(os.path.join(tmp, "floor.sqlite3"), n)
        seconds, _ = scans(lambda p: len(db.execute(f"select id from h where {p}").fetchall()))  # noqa: S608 - the fixed predicates above
        result["sqlite"] = seconds
        if pg_url:
            result["postgresql"] = _pg(db, pg_url)
        db.close()
    return result


def _pg(db, url: str) -> float:
    import psycopg

    types = {"integer": "bigint", "text": "text", "real": "double precision", "date": "date"}
    info = db.execute("pragma table_info(h)").fetchall()
    with psycopg.connect(url) as pg:
        pg.execute("drop table if exists bench_floor_h")
        columns = ", ".join(f"{r[1]} {types[r[2].lower()]}" for r in info)
        pg.execute(f"create table bench_floor_h ({columns})")
        with pg.cursor() as cur, cur.copy("copy bench_floor_h from stdin") as cp:
            for r in db.execute("select * from h"):
                cp.write_row(r)
        pg.commit()
        pg.autocommit = True
        pg.execute("vacuum analyze bench_floor_h")

        def q(p):
            p = re.sub(r"julianday\('([^']+)'\) ?- ?julianday\((\w+)\)", r"(date '\1' - \2)", p)
            p = re.sub(r"julianday\((\w+)\) ?- ?julianday\((\w+)\)", r"(\1 - \2)", p)
            sql = f"select id from bench_floor_h where {p.replace('min(', 'least(')}"  # noqa: S608 - the fixed predicates above
            return len(pg.execute(sql).fetchall())

        try:
            seconds, _ = scans(q)
        finally:
            pg.execute("drop table bench_floor_h")
    return seconds


def line(n: int, pg_url: str | None = None) -> dict[str, float]:
    """Measure and print the floor; returns it."""
    measured = floor(n, pg_url)
    load = os.getloadavg()
    for vendor, seconds in measured.items():
        print(
            f"floor ({vendor}, floor.py): {len(preds)} rule-like scans over {n:,} rows: "
            f"{seconds:.2f} s (load average {load[0]:.1f} on {os.cpu_count()} CPUs)",
            flush=True,
        )
    return measured


def main(argv) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="floor_bench")
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    line(args.households, url if url.startswith(("postgres://", "postgresql://")) else None)


if __name__ == "__main__":
    main(sys.argv[1:])
