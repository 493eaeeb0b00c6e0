"""Import benchmark: a messy-but-valid registry workbook of N rows (default 100,000).

    python -m bench import                                   # SQLite scratch file
    python -m bench.import_bench --rows 20000
    DATABASE_URL=postgres://user@host/db python -m bench import   # a scratch database there

Writes a workbook in the import template with every messy spelling real files carry
(full-width digits, lower-case x, six date forms and date cells, 是/√/Y/1, 元/万元/㎡,
C级, 、，； between key groups), then times, in a child process with its own data folder:

- reading the file with calamine alone (the floor any importer stands on),
- ``import_registry`` into an empty registry (every row new: households, assessments,
  renovations, one audit event per household), with its phases,
- the same file again (every row unchanged: nothing written),
- a dry run.

Target: 100,000 rows imported in under 30 s on a 2-core machine. Prints the ratio of each
to the calamine read. Re-screening is queued as a background task after commit (as in
production), not run inside the import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

from bench import _child

VILLAGES_PER_TOWNSHIP = 23
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国军强华明德胜富贵松保民振生柱仓春秋福亮涛庆设兰英芝梅凤珍花红霞芳娟"
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def parse(argv):
    parser = argparse.ArgumentParser(prog="import_bench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--file", help="keep the generated workbook here (reused when it exists)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:  # re-screening is queued, as in production
        _child.run("bench.import_bench", argv, ANJU_TASKS_IMMEDIATE=None)


# --- the child ------------------------------------------------------------------------------
def child(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from anju.campaigns.demo import demo_round
    from anju.units.models import Unit

    demo_round(Unit.objects.get(code="411081"))  # the re-screen queued after it needs a round
    print(
        f"database: {connection.vendor}; rows: {args.rows:,}; {_child.load_average()}", flush=True
    )
    villages = make_villages()
    data = Path(args.data or os.environ["ANJU_DATA_DIR"])
    path = Path(args.file) if args.file else data / "bench.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_workbook(path, args.rows, villages, random.Random(args.seed))
        print(
            f"workbook written: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    read, read_cpu = time_read(path)
    print(f"calamine read alone: {read:.2f} s (CPU {read_cpu:.2f} s)", flush=True)
    for label, mode in (
        ("import (all new)", "all"),
        ("re-import (unchanged)", "all"),
        ("dry run", "dry_run"),
    ):
        batch, seconds, cpu = time_import(path, mode)
        phases = batch.summary.get("cpu", {})
        shown = ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
        print(
            f"{label}: {seconds:.2f} s = {seconds / read:.1f}× calamine read; "
            f"CPU {cpu:.2f} s = {cpu / read_cpu:.1f}× "
            f"[{batch.status}: +{batch.created} ~{batch.updated} ={batch.unchanged} "
            f"errors {batch.error_count}] (CPU s by phase: {shown})",
            flush=True,
        )
    print(f"{_child.load_average()}", flush=True)


def make_villages() -> list[tuple[str, str]]:
    """(township name, village name) pairs: fictional villages as the demo makes them."""
    from anju.units.models import Level, Unit

    pairs = []
    for township in Unit.objects.townships().order_by("code"):
        for n in range(VILLAGES_PER_TOWNSHIP):
            village, _ = Unit.objects.get_or_create(
                code=f"{township.code}{200 + n:03d}",
                defaults={
                    "name": f"测试{n + 1}村",
                    "level": Level.VILLAGE,
                    "parent": township,
                    "is_fictional": True,
                },
            )
            pairs.append((township.name, village.name))
    return pairs


def messy_date(rng: random.Random, day: dt.date):
    form = rng.randrange(7)
    if form == 0:
        return day
    if form == 1:
        return day.isoformat()
    if form == 2:
        return f"{day.year}/{day.month}/{day.day}"
    if form == 3:
        return f"{day.year}.{day.month}.{day.day}"
    if form == 4:
        return f"{day.year}年{day.month}月{day.day}日"
    if form == 5:
        return f"{day:%Y%m%d}"
    return (day - dt.date(1899, 12, 30)).days  # an Excel serial in a plain number cell


def write_workbook(path: Path, rows: int, villages, rng: random.Random) -> None:
    import xlsxwriter

    from anju.registry import idcard
    from anju.registry.io.columns import COLUMNS

    headers = [c.header for c in COLUMNS]
    index = {h: i for i, h in enumerate(headers)}
    yes = ["是", "√", "Y", "1", "有", "是"]
    no = ["否", "×", "N", "0", "无", "否"]
    groups = [
        "低保户",
        "其他脱贫户",
        "低保户、其他脱贫户",
        "易返贫致贫户，低保边缘家庭",
        "分散供养特困人员；低保户",
        "建档立卡贫困户",
        "农村低保户、建档立卡贫困户",
        "",
    ]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("农户")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers)
    base = dt.date(1940, 1, 1)
    for n in range(1, rows + 1):
        township, village = villages[n % len(villages)]
        born = base + dt.timedelta(days=n // 1000)
        number = idcard.make("411081", born, n % 1000)
        if number.endswith("X") and n % 2:
            number = number[:-1] + "x"
        if n % 7 == 0:
            number = f"{number[:6]} {number[6:14]} {number[14:]}"
        grade = rng.choice("ABCCDD")
        assessed = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(400))
        started = assessed + dt.timedelta(days=rng.randrange(20, 60))
        accepted = started + dt.timedelta(days=rng.randrange(60, 120))
        values = {
            "乡镇": township,
            "行政村": village if n % 3 else village.removesuffix("村"),
            "户主姓名": rng.choice(SURNAMES)
            + ("　" if n % 11 == 0 else "")
            + rng.choice(GIVEN)
            + rng.choice(GIVEN),
            "身份证号": number,
            "联系电话": f"13{rng.randrange(10**9):09d}"
            if n % 4
            else f"138 {rng.randrange(10**4):04d} {rng.randrange(10**4):04d}",
            "家庭人口": str(rng.randint(1, 8)).translate(FULL) if n % 5 == 0 else rng.randint(1, 8),
            "对象类别": rng.choice(groups),
            "是否脱贫户": rng.choice(yes),
            "是否享受政策": rng.choice(yes + no[:1]),
            "监测对象类型": rng.choice(["", "", "脱贫不稳定户", "边缘易致贫户", "无"]),
            "是否无房户": rng.choice(no),
            "房屋结构": rng.choice(["砖木", "土木", "砖混结构", "石木"]),
            "建成年份": rng.randint(1960, 2000),
            "房屋面积": rng.choice(
                [
                    f"{rng.randint(30, 120)}㎡",
                    f"{rng.randint(30, 120)}平方米",
                    rng.randint(30, 120) + 0.5,
                ]
            ),
            "是否危险场地": rng.choice(no),
            "鉴定方式": rng.choice(["鉴定", "评定"]),
            "鉴定日期": messy_date(rng, assessed),
            "鉴定等级": rng.choice(
                [grade, f"{grade}级", grade.translate(str.maketrans("ABCD", "ＡＢＣＤ"))]
            ),
            "鉴定人员": "禹州市房屋安全鉴定站",
            "鉴定结果是否出具": rng.choice(yes),
            "是否挂牌": rng.choice(yes),
            "挂牌日期": messy_date(rng, assessed + dt.timedelta(days=5)),
            "挂牌等级": grade,
            # as national exports write them: the debt columns for everyone
            "自筹资金": 0,
            "是否举债": rng.choice(no),
            "其他住房补助": rng.choice(["", "无"]),
        }
        if grade in "CD":
            values.update(
                {
                    # the national system's words (TEMPLATE.md), canonical ones now and then
                    "改造方式": rng.choice(["维修加固", "加固维修", "修缮加固"])
                    if grade == "C"
                    else rng.choice(["拆除重建", "选址新建", "原址重建", "异地非集中新建"]),
                    "批准日期": messy_date(rng, started - dt.timedelta(days=10)),
                    "开工日期": messy_date(rng, started),
                    "竣工日期": messy_date(rng, accepted - dt.timedelta(days=5)),
                    "验收日期": messy_date(rng, accepted),
                    "验收后等级": "A",
                    "改造后面积": f"{rng.randint(40, 90)}m2",
                    "施工人员资质": f"豫工匠-{rng.randrange(1000):04d}",
                    "是否入住": rng.choice(yes),
                    "补助金额": rng.choice(["2万元", "35,000元", 20000, "3.5万"]),
                    "补助发放日期": messy_date(rng, accepted + dt.timedelta(days=10)),
                    "发放方式": "一卡通",
                    "自筹资金": f"{rng.randrange(0, 20000):,}元",
                    "是否举债": rng.choice(no),
                    "申请书": "√",
                    "鉴定表": "√",
                    "改造协议": rng.choice(yes),
                    "验收表": rng.choice(yes + no),
                }
            )
        for header, value in values.items():
            column = index[header]
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    n, column, dt.datetime(value.year, value.month, value.day), dates
                )
            elif isinstance(value, int | float):
                sheet.write_number(n, column, value)
            else:
                sheet.write_string(n, column, value)
    book.close()


def time_read(path: Path) -> tuple[float, float]:
    import python_calamine

    started, cpu = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return time.perf_counter() - started, time.process_time() - cpu


def time_import(path: Path, mode: str):
    from anju.audit.context import SYSTEM, acting_as
    from anju.registry.io.services import import_path

    started, cpu = time.perf_counter(), time.process_time()
    with acting_as(SYSTEM):
        batch = import_path(path, mode=mode)
    return batch, time.perf_counter() - started, time.process_time() - cpu


if __name__ == "__main__":
    main(sys.argv[1:])
