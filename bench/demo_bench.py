"""`manage.py demo --households N` on a scratch database: households and rows per second.

    python -m bench demo                      # N = 100,000 and 1,000,000, scratch SQLite
    python -m bench.demo_bench 20000 300000   # other sizes

Each run migrates a fresh database in a temporary data folder (ANJU_DATA_DIR), then times
the demo command in a subprocess. The registry step's own time comes from its output line
("演示农户：新增 … 用时 … 秒"); the command's total also covers the other demo steps
(units, logins, screening). With ``DATABASE_URL=postgres://…`` every run gets a scratch
database on that server (created and dropped here; the role needs CREATEDB).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import _child

ROOT = _child.ROOT
SIZES = (100_000, 1_000_000)
STEP_LINE = re.compile(
    r"演示农户：新增 (\d+) 户（安全鉴定 (\d+) 条、危房改造 (\d+) 条），用时 ([\d.]+) 秒"
)


def main(argv: list[str]) -> None:
    sizes = [int(a.replace("_", "").replace(",", "")) for a in argv] or list(SIZES)
    url = _child.postgres_url()
    print(f"database: {'PostgreSQL ' + _redact(url) if url else 'SQLite (scratch file)'}")
    print(f"{'N':>10} {'step s':>8} {'total s':>8} {'households/s':>13} {'rows/s':>9}  size")
    for n in sizes:
        with _child.scratch("demo") as (data_dir, env):
            print(_run(n, env, data_dir), flush=True)


def _run(n: int, env: dict, data_dir: Path) -> str:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.monotonic()
    done = subprocess.run(
        [*manage, "demo", "--households", str(n), "--seed", "2022"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    total = time.monotonic() - started
    match = STEP_LINE.search(done.stdout)
    if not match:
        raise SystemExit(f"演示命令没有输出农户生成结果：\n{done.stdout}\n{done.stderr}")
    households, assessments, renovations = (int(g) for g in match.groups()[:3])
    step = float(match.group(4))
    rows = households + assessments + renovations
    database = data_dir / "anju.sqlite3"
    size = f"{database.stat().st_size / 2**20:,.0f} MB" if database.exists() else "-"
    return (
        f"{n:>10,} {step:>8.1f} {total:>8.1f} {households / step:>13,.0f} "
        f"{rows / step:>9,.0f}  {size}"
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{parts.username or ''}@{host}{parts.path}"


if __name__ == "__main__":
    main(sys.argv[1:])
