"""API benchmark: the read endpoints of /api/v1/ at N households (default 100,000).

    python -m bench api                                   # scratch SQLite, N = 100,000
    python -m bench.api_bench --households 20000 --repeat 10
    DATABASE_URL=postgres://user@host/db python -m bench api   # a scratch database there

The database is the demo county (``manage.py demo --households N --seed 2022``), built in a
child process with its own data folder, or reused from ``--data``. A token is issued as the
API's users get one — the form at /account/tokens/, its text read from the page — for the
city reviewer and for a township officer; then every request goes through the Django test
client with ``Authorization: Bearer <token>`` (every middleware, the token check, the rate
count, the audit record): households (first page, filtered, a later page, 500 rows, changed
since a moment nothing changed after, one household), findings (first page, a common rule,
a rare rule, a later page), the ledger (first page, by state, one entry) and the OpenAPI
document. Prints p50/p95 per case, the SQL queries of each request and the load average.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from urllib.parse import urlencode

from bench import _child

ENV = {"ANJU_TASKS_IMMEDIATE": "1", "ANJU_API_RATE_PER_MINUTE": "1000000"}
TOWNSHIP = "411081100"  # 火龙镇, huolong_jb's
TOKEN = re.compile(r'<code class="user-select-all">(anju_[A-Za-z0-9_-]+)</code>')


def parse(argv):
    parser = _child.arguments("api_bench", households=100_000, repeat=20)
    return parser.parse_args(argv)


def main(argv) -> None:
    args = parse(argv)
    if args.child:
        child(args)
    else:
        _child.run("bench.api_bench", argv, data=args.data, **ENV)


# --- the child: Django is set up here --------------------------------------------------
def child(args) -> None:
    _child.demo_county(args.households, args.seed)
    print(_child.load_average(), flush=True)
    city, township = api_client("shi_shenhe"), api_client("huolong_jb")
    _child.time_calls(cases(city, township), args.repeat, title="request")
    print(_child.load_average(), flush=True)


def api_client(username: str):
    """A test client that sends a token issued on the token page to ``username``."""
    from django.test import Client

    from anju.accounts.models import User

    page = Client()
    page.force_login(User.objects.get(username=username))
    response = page.post("/account/tokens/", {"name": "性能测试", "days": "90"})
    found = TOKEN.search(response.content.decode())
    if found is None:
        raise SystemExit(f"no token on the token page for {username} ({response.status_code})")
    return Client(headers={"authorization": f"Bearer {found.group(1)}"})


def cases(city, township) -> list:
    from django.db.models import Count
    from django.utils import timezone

    from anju.rectification.models import LedgerEntry
    from anju.registry.models import Household
    from anju.screening.models import Finding

    code = TOWNSHIP
    ids = Household.objects.order_by("pk").values_list("pk", flat=True)
    middle = ids[ids.count() // 2]
    village = Household.objects.filter(township__code=code).values_list("village__code", flat=True)[
        0
    ]
    rules = list(
        Finding.objects.values("rule_code").annotate(n=Count("id")).order_by("-n", "rule_code")
    )
    common, rare = rules[0]["rule_code"], rules[-1]["rule_code"]
    findings = Finding.objects.order_by("pk").values_list("pk", flat=True)
    entry = LedgerEntry.objects.in_ledger().order_by("pk").values_list("pk", flat=True).first()
    since = urlencode({"updated_since": (timezone.now() + dt.timedelta(seconds=1)).isoformat()})
    print(
        f"rules: {common} ({rules[0]['n']:,} findings), {rare} ({rules[-1]['n']:,}); "
        f"ledger entries: {LedgerEntry.objects.in_ledger().count():,}",
        flush=True,
    )
    v1 = "/api/v1"
    urls = [
        ("households · first page", city, f"{v1}/households"),
        ("households · township + grade C", city, f"{v1}/households?township={code}&grade=C"),
        ("households · village + grade D", city, f"{v1}/households?village={village}&grade=D"),
        ("households · later page", city, f"{v1}/households?after={middle}"),
        ("households · 500 rows", city, f"{v1}/households?limit=500"),
        ("households · changed since now", city, f"{v1}/households?{since}"),
        ("household · one", city, f"{v1}/households/{middle}"),
        ("findings · first page", city, f"{v1}/findings"),
        (f"findings · rule {common}", city, f"{v1}/findings?rule={common}&status=open"),
        (f"findings · rule {rare} (rarest)", city, f"{v1}/findings?rule={rare}"),
        ("findings · later page", city, f"{v1}/findings?after={findings[findings.count() // 2]}"),
        ("ledger · first page", city, f"{v1}/ledger"),
        ("ledger · pending", city, f"{v1}/ledger?state=pending"),
        ("ledger · one entry", city, f"{v1}/ledger/{entry}"),
        ("openapi.json", city, f"{v1}/openapi.json"),
        ("officer · households first page", township, f"{v1}/households"),
        (
            "officer · households village + C",
            township,
            f"{v1}/households?village={village}&grade=C",
        ),
        ("officer · findings first page", township, f"{v1}/findings?township={code}"),
        ("officer · ledger first page", township, f"{v1}/ledger"),
    ]
    return [(label, lambda c=client, u=url: c.get(u)) for label, client, url in urls]


if __name__ == "__main__":
    main(sys.argv[1:])
