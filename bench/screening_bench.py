"""Screening benchmark: every rule over a county of N households (default 1,000,000).

    python -m bench screening                       # SQLite scratch file in a temp folder
    python -m bench.screening_bench --households 200000
    DATABASE_URL=postgres://user@host/db python -m bench screening   # a scratch database there

Prints: the time to fill the scratch database; the floor (one plain full scan of the
household table, times the number of rules); each rule's query over the whole county with its
messages; a full county run (first run: every finding is new; second run: nothing changed)
and its ratio to the floor; and re-screening one household (median and p95 of 30).
The work happens in a child process with its own settings, so it never touches the data
folder and can run beside a live demo.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid

from bench import _child

AS_OF = dt.date(2026, 11, 29)


def parse(argv):
    parser = _child.arguments("screening_bench", households=1_000_000, data=False)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.screening_bench", argv, ANJU_TASKS_IMMEDIATE="1")


# --- the child: build, then time ----------------------------------------------------------
def child(args) -> None:
    import django

    sys.path.insert(0, str(_child.ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from anju.campaigns.demo import demo_round
    from anju.units.models import Unit

    demo_round(Unit.objects.get(code="411081"))  # a fresh install has no round (#16)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"database: {connection.vendor}, households: {args.households:,}, "
        f"load average at start {load:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    started = time.perf_counter()
    fill(args.households, args.seed)
    print(f"fill: {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from bench import floor_bench

    url = _child.postgres_url()
    outside = floor_bench.line(args.households, url)[connection.vendor]
    measure(outside)


def fill(n: int, seed: int) -> None:
    from django.db import connection, transaction

    from anju.units.models import Level, Unit

    county = Unit.objects.get(code="411081")
    townships = list(Unit.objects.townships().filter(parent=county).order_by("code"))
    villages = []
    for t in townships:
        for k in range(23):
            villages.append(
                Unit(
                    code=f"{t.code}{200 + k:03d}",
                    name=f"{t.name[:2]}{k + 1}村",
                    level=Level.VILLAGE,
                    parent=t,
                    is_fictional=True,
                )
            )
    Unit.objects.bulk_create(villages, ignore_conflicts=True)
    village_ids = {
        t.pk: list(Unit.objects.filter(parent=t).order_by("code").values_list("pk", flat=True))
        for t in townships
    }
    rng = random.Random(seed)
    now = (
        "2026-11-01 00:00:00"
        if connection.vendor == "sqlite"
        else dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    qn = connection.ops.quote_name
    h_cols = [
        "id",
        "township_id",
        "village_id",
        "head_name",
        "id_number_enc",
        "id_number_hash",
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
        "dangerous_site",
        "suspected_reported_on",
        "plaque_posted",
        "plaque_grade",
        "assessment_id",
        "renovation_id",
        "created_at",
        "updated_at",
        # the household's own burden (ADR 0009): 0 / 否 / empty unless its renovation says
        "self_funds",
        "borrowed",
        "other_subsidy",
    ]
    a_cols = [
        "id",
        "household_id",
        "kind",
        "assessed_on",
        "grade",
        "assessor",
        "result_issued",
        "created_at",
    ]
    r_cols = [
        "id",
        "household_id",
        "method",
        "method_reason",
        "approved_on",
        "started_on",
        "completed_on",
        "accepted_on",
        "post_grade",
        "area_after",
        "craftsman",
        "foundation_checked_on",
        "structure_checked_on",
        "final_checked_on",
        "moved_in",
        "old_demolished",
        "subsidy_amount",
        "subsidy_paid_on",
        "payment_channel",
        "payee_agreement",
        "file_application",
        "file_assessment",
        "file_agreement",
        "file_acceptance",
        "file_photos_before",
        "file_photos_after",
        "file_payment_voucher",
        "created_at",
    ]

    from django.apps import apps

    model_of = {m._meta.db_table: m for m in apps.get_models()}

    def insert(table, cols, rows):
        # a NOT NULL column the bench does not list (a field added later) takes its default
        extra = [
            (f.column, f.get_default())
            for f in model_of[table]._meta.concrete_fields
            if f.column not in cols and not f.null and f.get_default() is not None
        ]
        if extra:
            cols = [*cols, *(c for c, _ in extra)]
            rows = [(*row, *(v for _, v in extra)) for row in rows]
        sql = (
            f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(cols))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    per_township = n // len(townships) + 1
    hid = 0
    batch = 20_000
    hs, asm, ren = [], [], []
    day0 = dt.date(2021, 1, 1)

    def d(lo, hi):
        return day0 + dt.timedelta(days=rng.randint(lo, hi))

    def flush():
        with transaction.atomic():
            insert("registry_household", h_cols, hs)
            insert("registry_assessment", a_cols, asm)
            insert("registry_renovation", r_cols, ren)
        hs.clear()
        asm.clear()
        ren.clear()

    def bad(rate=0.02):
        """Inject a problem with this probability (the bench's data is mostly right)."""
        return rng.random() < rate

    ceilings = {1: 15120, 2: 22680, 3: 30240}
    minimum = {1: 20, 2: 30, 3: 40}
    for t in townships:
        for _ in range(per_township):
            if hid >= n:
                break
            hid += 1
            r = rng.random
            size = rng.choice((1, 2, 2, 3, 3, 4, 5, 6))
            in_scope = r() < 0.7
            monitoring = (
                rng.choice(("", "", "", "脱贫不稳定户", "边缘易致贫户")) if in_scope else ""
            )
            no_house = r() < 0.02
            grade = None if no_house or bad(0.03) else rng.choice("AAAABBBCCD")
            dangerous = grade in ("C", "D")
            renovate = (
                (dangerous and not bad(0.05))
                or (no_house and not bad(0.2))
                or (grade and bad(0.003))
            )
            assessed = d(0, 600) if grade else None
            aid = hid if grade else None
            rid = hid if renovate else None
            plaque = (not bad()) if grade else None
            method = accepted = post = None
            if renovate:
                if no_house:
                    method = "新建"
                elif grade in ("A", "B"):
                    method = "加固维修"  # an A/B house that got a subsidy (A3-04)
                elif (grade == "C") != bad(0.05):
                    method = "加固维修"
                else:
                    method = "原址重建" if r() < 0.7 else "异地重建"
            hs_row_index = len(hs)
            hs.append(
                [
                    hid,
                    t.pk,
                    rng.choice(village_ids[t.pk]),
                    "张三",
                    b"x",
                    uuid.uuid4().hex,
                    "411081********000X",
                    not bad(0.005),
                    "",
                    size,
                    rng.choice((0, 1, 2, 32)),
                    in_scope,
                    in_scope or r() < 0.3,
                    monitoring,
                    ("风险消除" if r() < 0.5 else "风险未消除") if monitoring else "",
                    no_house,
                    "砖木",
                    bad(0.005),
                    d(100, 700) if bad(0.03) else None,
                    plaque,
                    (grade if not bad(0.01) else "A") if plaque and grade else "",
                    aid,
                    rid,
                    now,
                    now,
                    0,
                    False,
                    "",
                ]
            )
            if grade:
                asm.append(
                    (
                        hid,
                        hid,
                        "鉴定",
                        None if bad(0.005) else assessed,
                        grade,
                        "" if bad(0.005) else "禹州市房屋安全鉴定站",
                        not bad(0.01),
                        now,
                    )
                )
            if renovate:
                rebuild = method != "加固维修"
                start = (assessed or d(0, 600)) + dt.timedelta(days=rng.randint(5, 80))
                done = start + dt.timedelta(days=rng.randint(30, 100))
                accepted = done + dt.timedelta(days=rng.randint(3, 25)) if not bad(0.1) else None
                post = (rng.choice("AAAB") if not bad(0.01) else "C") if accepted else ""
                paid = (
                    accepted + dt.timedelta(days=rng.randint(5, 60 if bad(0.05) else 28))
                    if accepted and not bad(0.03)
                    else None
                )
                n3 = min(size, 3)
                area = (
                    (
                        rng.randint(minimum[n3], 60)
                        if size <= 3
                        else rng.randint(13 * size, 18 * size)
                    )
                    if rebuild
                    else None
                )
                if area and bad(0.02):
                    area = area - 15 if r() < 0.5 else area + 30
                if not paid:
                    amount = None
                elif method == "加固维修":
                    amount = 15000 if not bad(0.01) else 18000
                elif size > 3:
                    amount = 50000 if not bad(0.01) else 55000
                else:
                    amount = min(630 * min(area, (24, 36, 48)[n3 - 1]), ceilings[n3])
                    amount = amount + 3000 if bad(0.01) else amount
                if accepted and grade and plaque and not bad(0.01):
                    hs[hs_row_index][20] = post or grade  # plaque renewed after acceptance
                files = [not bad(0.005) for _ in range(7)]
                works = (
                    hid,
                    hid,
                    method,
                    "结构尚可" if not bad(0.3) else "",
                    start + dt.timedelta(days=5 if bad(0.005) else -10),  # D-02
                    start,
                    done,
                    accepted,
                    post,
                    area,
                    "" if bad(0.02) else "工匠证2021-001",
                    start if not bad(0.01) else None,
                    start + dt.timedelta(days=20),
                    done if not bad(0.01) else None,
                    (not bad(0.01)) if accepted else None,
                    (not bad(0.01)) if accepted else None,
                    amount,
                    paid,
                    ("一卡通" if not bad(0.02) else "其他") if paid else "",
                    None if paid else None,
                )
                # drawn after the works, in the order the bench has always drawn them
                own = amount * (3 if bad(0.02) else 1) if amount else 0
                hs[hs_row_index][-3:] = [own, bad(0.01), "灾后重建" if bad(0.003) else ""]
                ren.append((*works, *files, now))
            if len(hs) >= batch:
                flush()
    if hs:
        flush()


def measure(outside: float) -> None:
    """``outside``: the floor of floor.py (no application) on this database, same N."""

    from django.db import connection

    from anju.campaigns.models import Campaign
    from anju.registry.models import Household
    from anju.screening import engine, params, services
    from anju.screening.models import Finding, Run
    from anju.units.models import Unit

    campaign = Campaign.objects.current()
    county = Unit.objects.get(code="411081")
    enabled = params.enabled_rules(campaign)

    scan = float("inf")
    for _ in range(3):  # the best of three: the floor is what the machine can do
        started = time.perf_counter()
        scanned = Household.objects.in_campaign_scope().count()
        scan = min(scan, time.perf_counter() - started)
    floor = scan * len(enabled)
    print(
        f"floor: one full scan {scan * 1000:.0f} ms ({scanned:,} in scope) × {len(enabled)} rules = {floor:.1f} s"
    )

    households = engine.households_in_scope(campaign)
    per_rule = []
    for rule in enabled:
        started = time.perf_counter()
        hits = sum(
            1 for _ in engine.evaluate(rule, households, params.effective(campaign, rule), AS_OF)
        )
        per_rule.append((rule.code, time.perf_counter() - started, hits))
    print("per rule (whole county, one query each, messages included):")
    for code, seconds, hits in per_rule:
        print(f"  {code:6} {seconds * 1000:8.0f} ms  {hits:>9,} hits  ×{seconds / scan:5.1f} scan")
    print(f"  rules total: {sum(s for _, s, _ in per_rule):.1f} s")

    for label in ("first run (all findings new)", "second run (nothing changed)"):
        run = services.create_run(unit=county, as_of=AS_OF, campaign=campaign)
        counted = [0]
        started, cpu = time.perf_counter(), time.process_time()
        with _counting(connection, counted):
            run = services.execute_run(run.pk)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"county {label}: {seconds:.1f} s (cpu {cpu:.1f} s, {counted[0]} statements), "
            f"{run.households:,} households, {run.hits:,} hits, {run.opened:,} opened, "
            f"{run.changed:,} changed, {run.resolved:,} resolved; "
            f"ratio to floor.py's floor {seconds / outside:.1f}× (to the scan floor "
            f"{seconds / floor:.1f}×); {_child.load_average()}",
            flush=True,
        )
    print(f"findings stored: {Finding.objects.count():,}")

    rescreen()
    print(f"runs recorded: {Run.objects.count()}")


def rescreen(saves: int = 60) -> None:
    """Re-screen one household as a save does, ``saves`` times (other households each time):
    median and p95 wall time, CPU, and the SQL statements per save — on PostgreSQL counted at
    the driver, so that the prepared rule statements (outside Django's log) count too."""
    from django.db import connection

    from anju.registry.models import Household
    from anju.screening import services

    ids = list(
        Household.objects.in_campaign_scope()
        .order_by("?")
        .values_list("pk", flat=True)[: saves + 1]
    )
    services.screen_households([ids.pop()], as_of=AS_OF)  # compile once, as a process does
    counted = [0]
    times, cpus, statements = [], [], []
    with _counting(connection, counted):
        for pk in ids:
            counted[0] = 0
            started, cpu = time.perf_counter(), time.process_time()
            services.screen_households([pk], as_of=AS_OF)
            times.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            statements.append(counted[0])
    p50, p95 = _child.percentiles(times)
    print(
        f"re-screen one household ({len(ids)} saves): median {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(goal p95 < 20 ms), max {max(times):.1f} ms; cpu median {statistics.median(cpus):.1f} ms; "
        f"statements per save median {statistics.median(statements):g}, max {max(statements)}; "
        f"{_child.load_average()}",
        flush=True,
    )


@contextlib.contextmanager
def _counting(connection, counted):
    """Count every SQL statement sent: at the driver on PostgreSQL, in Django on SQLite."""
    if connection.vendor != "postgresql":

        def wrapper(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            yield
        return
    import psycopg

    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counting(self, *args, **kwargs):
        counted[0] += 1
        return execute(self, *args, **kwargs)

    def counting_many(self, *args, **kwargs):
        counted[0] += 1
        return executemany(self, *args, **kwargs)

    psycopg.Cursor.execute, psycopg.Cursor.executemany = counting, counting_many
    try:
        yield
    finally:
        psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany


if __name__ == "__main__":
    main(sys.argv[1:])
