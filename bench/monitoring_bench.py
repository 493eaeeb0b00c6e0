"""动态监测 benchmark: a 防返贫监测 export of ~100,000 persons (≈30,000 households) imported as a
list version and reconciled against N registry households (default 100,000).

    python -m bench monitoring                                  # SQLite scratch file
    python -m bench.monitoring_bench --households 1000000       # #20's quiet run
    DATABASE_URL=postgres://user@host/db python -m bench monitoring

In a child process with its own data folder: the demo's units, round and N registry
households (the registry's demo step, set-wise inserts), then an export written like the
real one (two title rows, the header on row 3, one row per person grouped by 户编号, the
monitoring columns) whose households are mostly the registry's heads — some with facts
that contradict it — and one in five heads the registry does not hold (应纳未纳). Times:

- reading the file with calamine alone (the floor any importer stands on),
- ``import_list`` writing the version (parse, check, group, encrypt, write, versions),
- the reconciliation: a county screening run with only the 动态监测比对 rules (M-01 … M-06)
  switched on, first (opening every finding) and again (nothing changes),

and prints each as a ratio to the calamine read.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from bench import _child

PERSONS = 100_000
TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


def parse(argv):
    parser = _child.arguments("monitoring_bench", households=100_000)
    parser.add_argument("--persons", type=int, default=PERSONS)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.monitoring_bench", argv, data=args.data, ANJU_TASKS_IMMEDIATE="1")


def child(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {_child.load_average()}", flush=True)
    heads = registry(args)
    data = Path(_data_dir())
    path = data / "fpjc.xlsx"
    started = time.perf_counter()
    households = write_export(path, heads, args.persons, random.Random(args.seed))
    print(
        f"export written: {args.persons:,} persons, {households:,} households, "
        f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    read, read_cpu = _child_read(path)
    print(f"calamine read alone: {read:.2f} s (CPU {read_cpu:.2f} s)", flush=True)
    version, seconds, cpu = time_import(path)
    print(
        f"import_list: {seconds:.2f} s (CPU {cpu:.2f} s) = {seconds / read:.1f}× the read; "
        f"{version.get_status_display()}, {version.households:,} households, "
        f"{version.persons:,} persons",
        flush=True,
    )
    for problem in [p for p in version.problems if p["level"] == "error"][:5]:
        print(f"  error: {problem}", flush=True)
    for label in ("reconcile (first run)", "reconcile (again)"):
        run, seconds = time_reconcile()
        print(
            f"{label}: {seconds:.2f} s = {seconds / read:.1f}× the read; "
            f"{run.households:,} households in scope, {run.hits:,} hits, opened {run.opened:,}, "
            f"changed {run.changed:,}, resolved {run.resolved:,}",
            flush=True,
        )
    print(f"findings by rule: {by_rule()}", flush=True)
    print(_child.load_average(), flush=True)


def _data_dir() -> str:
    import os

    return os.environ["ANJU_DATA_DIR"]


def registry(args) -> list[tuple]:
    """Units, the demo round and N households; returns (head ID, name, township, village,
    monitoring type, grade) of each."""
    from anju.campaigns import demo as campaigns_demo
    from anju.core import crypto
    from anju.core.management.commands.demo import DemoContext
    from anju.registry import demo as registry_demo
    from anju.registry.models import Household
    from anju.units import demo as units_demo

    ctx = DemoContext(
        households=args.households, seed=args.seed, villages_per_township=23, say=lambda _: None
    )
    started = time.perf_counter()
    for step in (units_demo, campaigns_demo, registry_demo):
        step.build(ctx)
    print(
        f"registry: {Household.objects.count():,} households in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    rows = Household.objects.values_list(
        "id_number_enc",
        "head_name",
        "township__name",
        "village__name",
        "monitoring_type",
        "assessment__grade",
    ).iterator(chunk_size=10_000)
    return [(crypto.decrypt(enc), *rest) for enc, *rest in rows]


def write_export(path: Path, heads: list[tuple], persons: int, rng: random.Random) -> int:
    """The export: ~3.3 persons a household; four in five heads the registry's, one in five
    new; about one in twenty with a fact that contradicts the registry."""
    from anju.monitoring.demo import FPJC_HEADERS, write_list
    from anju.registry import idcard

    # the demo's columns but 消除监测时间 (this export leaves it out)
    headers = [h for h in FPJC_HEADERS if h != "消除监测时间"]
    lines = [["全国防返贫监测信息系统 监测对象信息"], ["数据截至：2026年11月30日"], headers]
    places = sorted({(h[2], h[3]) for h in heads})
    pool = rng.sample(heads, min(len(heads), int(persons / 3.3 * 0.8)))
    written = number = 0
    while number < persons:
        if pool and rng.random() < 0.8:
            head_id, name, township, village, kind, grade = pool.pop()
        else:
            born = dt.date(1940, 1, 1) + dt.timedelta(days=written % 18000)
            head_id = idcard.make("411099", born, 500 + written // 18000)  # unique, not held
            name, (township, village) = "新户" + str(written), rng.choice(places)
            kind, grade = rng.choice(TYPES), None
        if rng.random() < 0.05:
            kind = rng.choice(TYPES)
        dangerous = "是" if grade in ("C", "D") or rng.random() < 0.02 else "否"
        eliminated = "是" if rng.random() < 0.3 else "否"
        code = f"411081{written:08d}"
        size = rng.choice((1, 2, 3, 3, 4, 4, 5, 6))
        written += 1
        for k in range(size):
            number += 1
            born = dt.date(1960, 1, 1) + dt.timedelta(days=number % 18000)
            lines.append(
                [
                    number,
                    "禹州市",
                    township,
                    village,
                    code,
                    f"{code}{k + 1:02d}",
                    name if k == 0 else name[0] + "某",
                    head_id if k == 0 else idcard.make("411098", born, number // 18000),
                    size,
                    "户主" if k == 0 else "之子",
                    "脱贫户",
                    kind or "",
                    "因病",
                    "因安全住房" if rng.random() < 0.05 else "",
                    "202303",
                    eliminated if kind else "",
                    dangerous,
                    "未享受",
                ]
            )
    write_list(path, lines, sheet="监测对象信息")
    return written


def _child_read(path: Path) -> tuple[float, float]:
    import python_calamine

    started, cpu = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return time.perf_counter() - started, time.process_time() - cpu


def time_import(path: Path):
    from anju.audit.context import SYSTEM, acting_as
    from anju.monitoring.importer import import_list

    started, cpu = time.perf_counter(), time.process_time()
    with acting_as(SYSTEM):
        version = import_list(path, source="fpjc", rescreen=False)
    return version, time.perf_counter() - started, time.process_time() - cpu


def time_reconcile():
    from anju.audit.context import SYSTEM, acting_as
    from anju.campaigns.models import Campaign
    from anju.screening import rules, services
    from anju.units.models import Unit

    county = Unit.objects.get(level="county")
    campaign = Campaign.objects.current(county=county)
    campaign.disabled_rules = [r.code for r in rules.all_rules() if not r.code.startswith("M-")]
    campaign.save()
    started = time.perf_counter()
    with acting_as(SYSTEM):
        run = services.execute_run(services.create_run(unit=county, campaign=campaign).pk)
    return run, time.perf_counter() - started


def by_rule() -> dict:
    from django.db.models import Count

    from anju.screening.models import Finding

    rows = Finding.objects.filter(rule_code__startswith="M-").values_list("rule_code")
    return dict(rows.annotate(n=Count("id")).order_by("rule_code"))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
