"""What the benches share: a scratch database in a child process, and the child's helpers.

A bench's ``main(argv)`` is the parent. ``run("bench.x_bench", argv)`` gives it a temporary
data folder (ANJU_DATA_DIR; ``data=`` keeps one), the settings a bench runs with, and — when
``DATABASE_URL`` is ``postgres://…`` — a scratch database created on that server and dropped
afterwards (the role needs CREATEDB; with ``ANJU_BENCH_IN_PLACE=1`` the URL's own database is
emptied and used instead — only for a database of one's own); otherwise SQLite in the data folder. Then it runs the
same module again with ``--child`` and the same arguments: Django is set up there only.
``scratch()`` is the same set-up for a bench that runs its own commands (demo_bench).

The rest is for the child: migrate and build the demo county, time calls and requests
(p50/p95, SQL queries), the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "DJANGO_SETTINGS_MODULE": "anju.settings",
    "ANJU_TOTP_REQUIRED": "false",
    "ANJU_LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}


# --- the parent -------------------------------------------------------------------------
def arguments(
    prog: str, *, households: int, repeat: int | None = None, data: bool = True
) -> argparse.ArgumentParser:
    """The options every bench over a county takes: --households, --seed, and --repeat (how
    many times each case runs), --data (a folder to keep and reuse) when it has them."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--households", type=int, default=households)
    if repeat is not None:
        parser.add_argument(
            "--repeat", type=int, default=repeat, help=f"runs per case (default {repeat})"
        )
    parser.add_argument("--seed", type=int, default=2022)
    if data:
        parser.add_argument("--data", help="data folder to keep and reuse (SQLite)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser


def run(module: str, argv: list[str], *, data: str | None = None, **env: str | None) -> None:
    """Run ``python -m module --child *argv`` over a scratch database (see ``scratch``)."""
    label = module.rsplit(".", 1)[-1].removesuffix("_bench")
    with scratch(label, data=data, **env) as (_, child_env):
        cmd = [sys.executable, "-m", module, "--child", *argv]
        subprocess.run(cmd, cwd=ROOT, env=child_env, check=True)


@contextmanager
def scratch(label: str, *, data: str | None = None, **env: str | None):
    """Yield (data folder, environment) for commands over a scratch database. ``env`` sets
    more variables (None removes one); the caller's other variables pass through."""
    with tempfile.TemporaryDirectory(prefix=f"anju-{label}-bench-") as tmp:
        folder = Path(data).resolve() if data else Path(tmp)
        (folder / "static").mkdir(parents=True, exist_ok=True)
        child_env = {**os.environ, **ENV, "ANJU_DATA_DIR": str(folder)}
        for key, value in env.items():
            if value is None:
                child_env.pop(key, None)
            else:
                child_env[key] = value
        url = postgres_url()
        child_env.pop("DATABASE_URL", None)  # SQLite in the data folder, unless PostgreSQL
        if url is None:
            yield folder, child_env
            return
        if os.environ.get("ANJU_BENCH_IN_PLACE") == "1":
            # a database of one's own (a worktree's), emptied first: no CREATEDB needed
            reset_database(url)
            child_env["DATABASE_URL"] = url
            yield folder, child_env
            return
        name = f"anju_bench_{label}_{uuid.uuid4().hex[:8]}"
        child_env["DATABASE_URL"] = create_database(url, name)
        try:
            yield folder, child_env
        finally:
            drop_database(url, name)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _admin(url: str):
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:  # the URL's database need not exist: the server's own
        return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def create_database(url: str, name: str) -> str:
    """Create the scratch database ``name`` on the server of ``url``; its URL."""
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(url, name)


def reset_database(url: str) -> None:
    """Empty the database of ``url`` (its public schema dropped and made again)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- the child ----------------------------------------------------------------------------
def demo_county(households: int, seed: int) -> None:
    """Migrate; build the demo county (``manage.py demo``) unless it has households already
    (a reused ``--data`` folder)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from anju.registry.models import Household

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}", flush=True)
    if Household.objects.exists():
        print(f"reusing the data folder's demo county (asked for {households:,})", flush=True)
    else:
        started = time.monotonic()
        cmd = [sys.executable, str(ROOT / "manage.py"), "demo"]
        cmd += ["--households", str(households), "--seed", str(seed)]
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"built the demo county in {time.monotonic() - started:,.0f} s", flush=True)
    print(f"households: {Household.objects.count():,}", flush=True)


def percentiles(times: list[float]) -> tuple[float, float]:
    """(p50, p95) of the times, nearest rank."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def time_calls(cases, repeat: int, title: str = "case") -> None:
    """Print p50/p95 (ms) of each case, a (label, call) pair, with the number of SQL queries
    of one call and, for a request through the test client, the response's status. One
    warm-up call first (templates, connections), whose queries are counted."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    width = max(len(label) for label, _ in cases) + 2
    print(f"{title:<{width}} {'p50 ms':>8} {'p95 ms':>8}  status  queries", flush=True)
    for label, call in cases:
        reset_queries()  # a request resets the log: start from an empty one
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = len(captured)  # now: the next request empties the log it reads
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(times)
        status = getattr(result, "status_code", "-")
        print(
            f"{label:<{width}} {p50:>8.1f} {p95:>8.1f}  {status:>6}  {queries:>7}",
            flush=True,
        )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"
