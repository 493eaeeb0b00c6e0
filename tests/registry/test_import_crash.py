"""An import whose process dies is marked 失败 and can be run again; a dead background worker
is started again (#13 item 3: a worker killed by a hostile file left every later import
排队中, and its batch 导入中, forever).

Processes are really killed here (SIGKILL), and waited for by polling with a deadline."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from anju.audit.models import AuditEvent
from anju.core import liveness
from anju.registry.io import importer, services
from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import row, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
Status = ImportBatch.Status


def until(condition, what: str, seconds: float = 180):
    """Poll ``condition`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    pytest.fail(f"still not {what} after {seconds} s")


def killed_process() -> str:
    """The runner text of a real process, killed with SIGKILL and reaped."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    runner = liveness.describe(child.pid)
    assert liveness.is_alive(runner) is True
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert liveness.is_alive(runner) is False
    return runner


@pytest.fixture
def running_batch(settings, tmp_path, officer_a, village_a):
    """A batch left 导入中 by a process that was killed, its file still stored."""
    settings.DATA_DIR = tmp_path / "data"
    source = write_xlsx(tmp_path / "火龙镇农户.xlsx", [row(village_a, n=n) for n in (1, 2)])
    services.upload_dir().mkdir(parents=True)
    name = "0123456789abcdef0123456789abcdef"
    services.upload_path(name).write_bytes(source.read_bytes())
    batch = importer.new_batch(
        user=officer_a,
        filename=source.name,
        path=source,
        mode=ImportBatch.Mode.ALL,
        create_villages=False,
        upload=name,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.RUNNING, progress=40, runner=killed_process()
    )
    return batch


@pytest.mark.django_db
def test_sec_20_a_batch_whose_process_died_is_failed_on_read_and_runs_again(
    as_user, officer_a, running_batch
):
    client = as_user(officer_a)
    page = client.get(f"/households/import/{running_batch.pk}/").content.decode()
    running_batch.refresh_from_db()
    assert running_batch.status == Status.FAILED and running_batch.crashed
    assert "导入进程意外中止" in page and "没有写入任何数据" in page and "重新导入" in page
    event = AuditEvent.objects.filter(event="import", object_id=str(running_batch.pk)).get()
    assert event.outcome == "failure" and event.detail["status"] == "failed"
    assert Household.objects.count() == 0

    response = client.post(f"/households/import/{running_batch.pk}/retry/")
    again = ImportBatch.objects.exclude(pk=running_batch.pk).get()
    assert response["Location"] == f"/households/import/{again.pk}/"
    assert again.status == Status.DONE and again.created == 2, again.message
    assert again.summary["again_of"] == running_batch.pk
    # the file is taken over by the new batch: the failed one cannot be run a second time
    assert client.post(f"/households/import/{running_batch.pk}/retry/").status_code == 302
    assert ImportBatch.objects.count() == 2


@pytest.mark.django_db
def test_a_batch_whose_process_lives_is_left_running(as_user, officer_a, running_batch):
    ImportBatch.objects.filter(pk=running_batch.pk).update(runner=liveness.this_process())
    as_user(officer_a).get(f"/households/import/{running_batch.pk}/status/")
    running_batch.refresh_from_db()
    assert running_batch.status == Status.RUNNING
    ImportBatch.objects.filter(pk=running_batch.pk).update(runner=killed_process())
    assert services.reap_all()[0].pk == running_batch.pk
    assert services.reap_all() == []  # once


# --- real processes against a scratch database file -----------------------------------------
@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A migrated SQLite database in a scratch data folder, and the environment to use it."""
    folder = tmp_path_factory.mktemp("scratch")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_DATA_DIR": str(folder),
        "ANJU_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("ANJU_TASKS_IMMEDIATE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return SimpleNamespace(folder=folder, env=env, db=folder / "anju.sqlite3")


def query(scratch, sql: str):
    with sqlite3.connect(f"file:{scratch.db}?mode=ro", uri=True, timeout=30) as db:
        return db.execute(sql).fetchall()


def test_sec_20_an_import_killed_mid_run_is_reaped_when_the_worker_starts(scratch):
    village = SimpleNamespace(name="示例村", parent=SimpleNamespace(name="颍川街道"))
    path = write_xlsx(scratch.folder / "农户.xlsx", [row(village, n=n) for n in range(1, 6001)])
    command = [sys.executable, "manage.py", "import_registry", str(path), "--create-villages"]
    child = subprocess.Popen(command, cwd=ROOT, env=scratch.env, stdout=-1, stderr=-1)
    try:
        until(
            lambda: query(scratch, "select 1 from registry_importbatch where status='running'"),
            "running",
        )
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert query(scratch, "select status from registry_importbatch") == [("running",)]
    assert query(scratch, "select count(*) from registry_household") == [(0,)]

    reaped = subprocess.run(
        [sys.executable, "manage.py", "reap_imports"],
        cwd=ROOT,
        env=scratch.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "已标记为失败" in reaped.stdout
    [(status, message)] = query(scratch, "select status, message from registry_importbatch")
    assert status == "failed" and message.startswith("导入进程意外中止")
    assert query(scratch, "select count(*) from registry_household") == [(0,)]


def descendants(pid: int) -> dict[int, str]:
    """Every process under ``pid``: pid → command line."""
    parents, lines = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, todo = {}, [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = lines.get(child, "")
                todo.append(child)
    return found


def worker_under(pid: int) -> int | None:
    return next((p for p, line in descendants(pid).items() if "db_worker" in line), None)


def test_serve_restarts_a_killed_worker_and_ctrl_c_stops_everything(scratch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**scratch.env, "BIN": str(BIN), "HOST": "127.0.0.1", "PORT": str(port)}
    serve = subprocess.Popen(
        ["sh", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        first = until(lambda: worker_under(serve.pid), "started")
        os.kill(first, signal.SIGKILL)
        second = until(lambda: (w := worker_under(serve.pid)) and w != first and w, "restarted")
        until(lambda: any("gunicorn" in line for line in descendants(serve.pid).values()), "up")
        started = descendants(serve.pid)
        assert second in started
        os.killpg(serve.pid, signal.SIGINT)  # what Ctrl+C sends to the terminal's group
        serve.wait(timeout=120)
        until(lambda: all(_gone(p) for p in started), "stopped", 120)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=60)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True
