"""Spot-check benchmark: the township ranking and its pages at N households (default 100,000).

    python -m bench inspections                               # scratch SQLite, N = 100,000
    python -m bench.inspections_bench --households 20000 --repeat 10
    DATABASE_URL=postgres://user@host/db python -m bench inspections   # a scratch database there

The database is the demo county (``manage.py demo --households N --seed 2022``: screening,
the ledger and one spot-check sample drawn and partly visited), built in a child process
with its own data folder, or reused from ``--data``. Times ``ranking.compute(campaign)``
(with each of its SQL queries from one run), a dry-run draw (ranking, then each chosen
village's households), and through the Django test client: the planning page (which
ranks the county on every request) plain and with a preview of the parameters and the
sample page (the ranking stored with the sample) as the city reviewer; the inspector's
list and one visit; the township's results page. Prints p50/p95 per case, the SQL queries
of each request and the machine's load average.
"""

from __future__ import annotations

import sys
import time

from bench import _child

ENV = {"ANJU_TASKS_IMMEDIATE": "1"}


def parse(argv):
    parser = _child.arguments("inspections_bench", households=100_000, repeat=20)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.inspections_bench", argv, data=args.data, **ENV)


# --- the child: Django is set up here --------------------------------------------------
def child(args) -> None:
    _child.demo_county(args.households, args.seed)
    print(_child.load_average(), flush=True)
    rank_times(args.repeat)
    pages(args.repeat)
    print(_child.load_average(), flush=True)


def rank_times(repeat: int) -> None:
    from anju.campaigns.models import Campaign
    from anju.inspections import ranking, sampling, services

    campaign = Campaign.objects.current()
    ranked, queries = _queries_of(lambda: ranking.compute(campaign))
    print(
        f"ranking: {len(ranked.villages):,} villages, {len(ranked.townships)} townships; "
        f"expected {sum(v.expected for v in ranked.villages):,}, "
        f"reported {sum(t.reported for t in ranked.townships):,}",
        flush=True,
    )
    print("  its queries, each run again alone with its rows fetched (ms, rows):", flush=True)
    for ms, rows, sql in queries:
        print(f"  {ms:7.1f} {rows:>6,}  {sql[:90]}", flush=True)
    params = sampling.Params(villages=10, per_village=10)
    cases = [
        ("ranking.compute(campaign)", lambda: ranking.compute(campaign)),
        (
            "draw_sample, dry run (K=10, N=10)",
            lambda: services.draw_sample(
                actor=None, campaign=campaign, params=params, seed=2022, dry_run=True
            ),
        ),
    ]
    _child.time_calls(cases, repeat, title="call")


def _queries_of(call):
    """``call()``'s result, and each SQL query it ran, run again: (ms, rows, SQL)."""
    from django.db import connection

    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        result = call()
    timed = []
    for sql, params in seen:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            timed.append(((time.perf_counter() - started) * 1000, rows, " ".join(sql.split())))
    return result, timed


def pages(repeat: int) -> None:
    from django.test import Client

    from anju.accounts.models import User
    from anju.inspections.models import Sample, SampleHousehold

    def client(username):
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    city, inspector, township = client("shi_shenhe"), client("shi_choucha"), client("huolong_jb")
    sample = Sample.objects.order_by("pk").first()
    if sample is None:
        raise SystemExit("the demo county has no spot-check sample (no screening findings?)")
    visited = SampleHousehold.objects.filter(sample=sample).order_by("pk").first()
    preview = "/spot-checks/?villages=20&per_village=10&rank_share=70&fail_at=2"
    cases = [
        ("planning page (reviewer)", lambda: city.get("/spot-checks/")),
        ("planning page, preview K=20", lambda: city.get(preview)),
        ("sample page (reviewer)", lambda: city.get(f"/spot-checks/samples/{sample.pk}/")),
        ("inspector's households", lambda: inspector.get("/spot-checks/mine/")),
        (
            "a visit (inspector)",
            lambda: inspector.get(
                f"/spot-checks/samples/{sample.pk}/households/{visited.household_id}/"
            ),
        ),
        ("township results (officer)", lambda: township.get("/spot-checks/results/")),
    ]
    _child.time_calls(cases, repeat, title="page")


if __name__ == "__main__":
    main(sys.argv[1:])
