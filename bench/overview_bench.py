"""County overview benchmark: the refresh and the pages at N households (default 1,000,000).

    python -m bench overview                                   # scratch SQLite, N = 1,000,000
    python -m bench.overview_bench --households 100000 --repeat 20
    python -m bench.overview_bench --data /tmp/anju-1m         # keep / reuse a data folder
    DATABASE_URL=postgres://user@host/db python -m bench overview   # a scratch database there

The database is the demo county (``manage.py demo --households N --seed 2022``: households,
screening, a spot-check sample, weekly reports), built once in a child process with its own
data folder (ANJU_DATA_DIR) — or reused from ``--data`` when it already holds N households.
Then it times ``manage.py refresh_overview`` (the set-based aggregates, with each part on
its own) and the pages through the Django test client with every middleware and template:
the county page as the city reviewer (default order and sorted), its chart data, a
township's page as the city and as the township's officer, and the county summary (.docx
and .xlsx). Prints p50/p95 per case. With ``DATABASE_URL=postgres://…`` a scratch database
is created on that server and dropped afterwards (the role needs CREATEDB).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

from bench import _child

ENV = {"ANJU_TASKS_IMMEDIATE": "1", "ANJU_EXPORT_RATE_PER_MINUTE": "100000"}


def parse(argv):
    parser = _child.arguments("overview_bench", households=1_000_000, repeat=20)
    parser.add_argument("--refreshes", type=int, default=3, help="refresh runs (default 3)")
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.overview_bench", argv, data=args.data, **ENV)


# --- the child: Django is set up here --------------------------------------------------
def child(args) -> None:
    _child.demo_county(args.households, args.seed)
    refresh_times(args)
    parts()
    pages(args)
    size()


def refresh_times(args) -> None:
    from django.core.management import call_command

    from anju.overview.models import Snapshot

    seconds = []
    for _ in range(args.refreshes):
        started = time.perf_counter()
        call_command("refresh_overview", stdout=io.StringIO())
        seconds.append(time.perf_counter() - started)
    latest = Snapshot.objects.done().order_by("-id").first()
    print(
        f"refresh_overview: {', '.join(f'{s:.1f}' for s in seconds)} s "
        f"(median {statistics.median(seconds):.1f} s; {latest.rows:,} metric rows)",
        flush=True,
    )


def parts() -> None:
    """Each aggregate of the refresh on its own (where the time goes)."""
    from django.utils import timezone

    from anju.campaigns.models import Campaign
    from anju.overview import compute as c
    from anju.reporting import weeks as cal
    from anju.reporting.models import Schedule

    campaign = Campaign.objects.current()
    townships = c.townships_of(campaign)
    ids = [t.pk for t in townships]
    schedule = Schedule.objects.filter(campaign=campaign).first()
    weeks = cal.weeks(schedule) if schedule else []
    sink, now, today = c.Sink(), timezone.now(), timezone.localdate()
    steps = {
        "households": lambda: c.households(sink, campaign, ids),
        "findings": lambda: c.findings(sink, ids),
        "ledger": lambda: c.ledger(sink, campaign, ids, today),
        "trend": lambda: c.trend(sink, campaign, ids, weeks),
        "timeliness": lambda: c.timeliness(sink, campaign, schedule, townships, now),
        "visits": lambda: c.visits(sink, campaign, townships),
        "spot-checks": lambda: c.spot_checks(sink, campaign),
    }
    shown = []
    for name, step in steps.items():
        started = time.perf_counter()
        step()
        shown.append(f"{name} {time.perf_counter() - started:.2f}")
    print("  parts (s): " + ", ".join(shown), flush=True)


def pages(args) -> None:
    from django.test import Client

    from anju.accounts.models import User

    reviewer = User.objects.get(username="shi_shenhe")
    officer = User.objects.get(username="huolong_jb")
    city, township = Client(), Client()
    city.force_login(reviewer)
    township.force_login(officer)
    own = f"/overview/townships/{officer.unit_id}/"
    cases = [
        ("county page (reviewer)", city, "get", "/overview/"),
        ("county page sorted by 整改率", city, "get", "/overview/?sort=rate"),
        ("county chart data", city, "get", "/overview/data/"),
        ("township page (reviewer)", city, "get", own),
        ("township page (officer)", township, "get", "/overview/"),
        ("township chart data (officer)", township, "get", f"{own}data/"),
        ("home page (reviewer)", city, "get", "/"),
        ("county summary .docx", city, "post", "/overview/summary/docx/"),
        ("county summary .xlsx", city, "post", "/overview/summary/xlsx/"),
    ]
    print(f"{'page':<32} {'p50 ms':>8} {'p95 ms':>8}  status", flush=True)
    for label, client, method, url in cases:
        getattr(client, method)(url)  # warm: templates, connections
        times, status = [], None
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = getattr(client, method)(url)
            times.append((time.perf_counter() - started) * 1000)
            status = response.status_code
        p50, p95 = _child.percentiles(times)
        print(f"{label:<32} {p50:>8.0f} {p95:>8.0f}  {status}", flush=True)


def size() -> None:
    from django.conf import settings

    name = Path(str(settings.DATABASES["default"]["NAME"]))
    if name.exists():
        print(f"database file: {name.stat().st_size / 2**20:,.0f} MB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
