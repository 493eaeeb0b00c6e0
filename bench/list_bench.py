"""Household list benchmark: the list page at N households (default 1,000,000).

    python -m bench list                                  # SQLite scratch file in a temp folder
    python -m bench.list_bench --households 200000 --repeat 50
    DATABASE_URL=postgres://user@host/db python -m bench list   # a scratch database there

Fills a scratch database with N households by raw inserts (random bytes stand in for the
encrypted ID numbers), with plausible townships, villages, groups, grades, plaques and
renovations; then requests the list through the Django test client (every middleware and the
template) as a city reviewer and as a township officer: the first page, a filtered page
(village + grade), the next page, and a name search. Prints p50/p95 per case, before and
after the database's statistics are gathered (ANALYZE). Target: p95 < 200 ms.
The work happens in a child process with its own settings and data folder.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
import time

from bench import _child

VILLAGES_PER_TOWNSHIP = 23
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国军强华明德胜富贵松保民振生柱仓春秋福亮涛庆设兰英芝梅凤珍花红霞芳娟"


def parse(argv):
    parser = _child.arguments("list_bench", households=1_000_000, repeat=30)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.list_bench", argv, data=args.data, ANJU_TASKS_IMMEDIATE="1")


# --- the child: fill, then measure ----------------------------------------------------------------
def child(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor}; households: {args.households:,}", flush=True)
    from anju.registry.models import Household

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    villages = make_villages()
    if Household.objects.exists():
        print("reusing the households already in the scratch database", flush=True)
    else:
        fill(args.households, villages, random.Random(args.seed))
        print(f"fill: {time.perf_counter() - started:.1f} s", flush=True)
    users = make_users(villages)
    cases = build_cases(users, villages)
    if connection.vendor == "sqlite":  # a reused database: forget earlier statistics
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat4")
        connection.close()
    measure(cases, args.repeat, "without statistics")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    measure(cases, args.repeat, "after ANALYZE")
    if args.explain:
        explain(users, villages)


def make_villages() -> dict[int, list[int]]:
    """township id → village ids (fictional villages, as the demo makes them)."""
    from anju.units.models import Level, Unit

    result = {}
    for township in Unit.objects.townships().order_by("code"):
        ids = []
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
            ids.append(village.pk)
        result[township.pk] = ids
    return result


def fill(n: int, villages: dict[int, list[int]], rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.registry.models import Assessment, Household, Renovation

    pairs = [(t, v) for t, vs in villages.items() for v in vs]
    now = timezone.now()
    h_cols = [f.column for f in Household._meta.concrete_fields]
    a_cols = [f.column for f in Assessment._meta.concrete_fields]
    r_cols = [f.column for f in Renovation._meta.concrete_fields]

    def insert_sql(model, cols):
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in cols)
        marks = ", ".join(["%s"] * len(cols))
        # identifiers from the model, quoted by the backend; values are parameters
        return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    # columns the bench does not set take the model's default (a field added later)
    defaults = {
        f.column: (None if f.null else f.get_default())
        for model in (Household, Assessment, Renovation)
        for f in model._meta.concrete_fields
    }
    sql_h = insert_sql(Household, h_cols)
    sql_a = insert_sql(Assessment, a_cols)
    sql_r = insert_sql(Renovation, r_cols)
    batch = 5000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(1, n + 1, batch):
            hs, as_, rs = [], [], []
            for i in range(start, min(start + batch, n + 1)):
                township, village = pairs[(i * 7919) % len(pairs)]
                h, a, r = one_household(i, township, village, rng, now)
                hs.append([h.get(c, defaults[c]) for c in h_cols])
                if a:
                    as_.append([a.get(c, defaults[c]) for c in a_cols])
                if r:
                    rs.append([r.get(c, defaults[c]) for c in r_cols])
            cursor.executemany(sql_h, hs)
            cursor.executemany(sql_a, as_)
            cursor.executemany(sql_r, rs)
            if start % 200_000 < batch:
                print(f"  … {min(start + batch - 1, n):,}", flush=True)


def one_household(i, township, village, rng, now):
    grade = rng.choices(["A", "B", "C", "D", None], weights=[30, 25, 17, 8, 20])[0]
    alleviated = rng.random() < 0.7
    monitoring = rng.choices(["", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"], [85, 7, 6, 2])[
        0
    ]
    plaque = rng.random() < 0.6 if grade else None
    renovated = grade in ("C", "D") and rng.random() < 0.8
    h = {
        "id": i,
        "township_id": township,
        "village_id": village,
        "head_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
        "id_number_enc": rng.randbytes(48),
        "id_number_hash": f"{i:064x}",
        "id_number_masked": f"411081********{i % 10000:04d}",
        "id_number_valid": rng.random() > 0.01,
        "phone_enc": None,
        "phone_masked": "",
        "size": rng.randint(1, 7),
        "groups": rng.choice((0, 0, 1, 2, 4, 8, 16, 32, 3, 34)),
        "is_alleviated": alleviated,
        "enjoys_policy": alleviated and rng.random() < 0.8,
        "monitoring_type": monitoring,
        "risk_state": "风险消除" if monitoring and rng.random() < 0.6 else "",
        "no_house": rng.random() < 0.02,
        "structure": rng.choice(("砖混", "砖木", "土木", "石木", "框架", "其他")),
        "year_built": rng.randint(1960, 2020),
        "storeys": rng.choice((1, 1, 1, 2)),
        "floor_area": f"{rng.uniform(30, 160):.2f}",
        "latitude": f"{34.0 + rng.random() * 0.3:.6f}",
        "longitude": f"{113.2 + rng.random() * 0.4:.6f}",
        "dangerous_site": rng.random() < 0.01,
        "suspected_reported_on": None,
        "plaque_posted": plaque,
        "plaque_date": dt.date(2021, 6, 1) if plaque else None,
        "plaque_grade": grade if plaque else "",
        "assessment_id": i if grade else None,
        "renovation_id": i if renovated else None,
        "self_funds": 0,
        "borrowed": False,
        "other_subsidy": "",
        "import_batch_id": None,
        "created_at": now,
        "updated_at": now,
    }
    a = None
    if grade:
        a = {
            "id": i,
            "household_id": i,
            "kind": "鉴定",
            "assessed_on": dt.date(2021, 1, 1) + dt.timedelta(days=i % 500),
            "grade": grade,
            "assessor": "禹州市房屋安全鉴定站",
            "result_issued": True,
            "created_at": now,
        }
    r = None
    if renovated:
        accepted = rng.random() < 0.7
        r = {
            "id": i,
            "household_id": i,
            "method": "加固维修" if grade == "C" else "原址重建",
            "method_reason": "",
            "started_on": dt.date(2022, 3, 1),
            "completed_on": dt.date(2022, 6, 1) if accepted else None,
            "accepted_on": dt.date(2022, 6, 20) if accepted else None,
            "post_grade": "A" if accepted else "",
            "craftsman": "",
            "subsidy_amount": "15000.00" if accepted else None,
            "payment_channel": "一卡通" if accepted else "",
            "created_at": now,
        }
    return h, a, r


def make_users(villages):
    from django.utils import timezone

    from anju.accounts.models import User
    from anju.accounts.roles import Role
    from anju.units.models import Unit

    def user(username, role, unit):
        User.objects.filter(username=username).delete()
        u = User(username=username, full_name=username, role=role, unit=unit)
        u.set_password("Bench#2022pw")
        u.must_change_password = False
        u.password_changed_at = timezone.now()
        u.save()
        return u

    township = Unit.objects.get(code="411081100")
    return {
        "reviewer": user("bench_reviewer", Role.CITY_REVIEWER, Unit.objects.get(code="411081")),
        "officer": user("bench_officer", Role.TOWNSHIP_OFFICER, township),
    }


def build_cases(users, villages):
    from django.test import Client

    from anju.units.models import Unit

    township = Unit.objects.get(code="411081100")
    village = villages[township.pk][3]
    clients = {}
    for key, u in users.items():
        clients[key] = Client()
        clients[key].force_login(u)
    first = clients["reviewer"].get("/households/")
    assert first.status_code == 200, first.status_code
    after = re.search(r"after=(\d+)", first.content.decode()).group(1)
    filtered = f"/households/?township={township.pk}&village={village}&grade=C"
    return [
        ("city reviewer · first page", clients["reviewer"], "/households/"),
        ("city reviewer · village + grade", clients["reviewer"], filtered),
        ("city reviewer · next page", clients["reviewer"], f"/households/?after={after}"),
        ("city reviewer · grade C, whole county", clients["reviewer"], "/households/?grade=C"),
        (
            "city reviewer · accepted renovations",
            clients["reviewer"],
            "/households/?renovation=accepted",
        ),
        ("city reviewer · name search 王建", clients["reviewer"], "/households/?q=王建"),
        ("township officer · first page", clients["officer"], "/households/"),
        (
            "township officer · village + grade",
            clients["officer"],
            f"/households/?village={village}&grade=C",
        ),
        ("township officer · name search 王建", clients["officer"], "/households/?q=王建"),
    ]


def measure(cases, repeat: int, label: str) -> None:
    print(f"\n{label}: p50 / p95 / max of {repeat} requests (ms)", flush=True)
    for name, client, url in cases:
        for _ in range(3):  # warm-up
            client.get(url)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p50, p95 = _child.percentiles(times)
        rows = response.content.decode().count('class="card mb-2"')
        flag = "" if p95 < 200 else "  ← over 200 ms"
        print(
            f"  {name:<38} {p50:7.1f} {p95:7.1f} {times[-1]:7.1f}   ({rows} rows){flag}",
            flush=True,
        )


def explain(users, villages) -> None:
    from anju.registry import selectors

    for key, u in users.items():
        for filters in ({}, {"grade": "C"}):
            qs = selectors.households_for(u, filters)
            ids = qs.values_list("id", flat=True).order_by("-id")[:21]
            print(f"\nplan · {key} · {filters or 'first page'} · the page's ids:\n{ids.explain()}")
        rows = selectors.list_rows(qs.filter(pk__in=list(ids)))
        print(f"\nplan · {key} · the page's rows:\n{rows.explain()}")
        count_qs = selectors.households_for(u, {}).order_by().values("id")[:1001]
        print(f"\nplan · {key} · capped count:\n{count_qs.explain()}")


if __name__ == "__main__":
    main(sys.argv[1:])
