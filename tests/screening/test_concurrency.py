"""Two runs over the same scope at the same time do not corrupt findings: each township is
processed under a lock, so the runs take turns township by township and every finding
exists once, with one "opened" line, whatever the interleaving.

On SQLite the test database of the suite is in memory (shared cache), where concurrent
writers fail instead of waiting, so the SQLite case runs two real ``manage.py screen``
processes against a scratch database file — as two workers would in production. On
PostgreSQL two threads run in the suite's own database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from anju.screening import services
from anju.screening.models import Finding, FindingEvent, Run, Status
from tests.factories import make_household
from tests.screening.helpers import AS_OF

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import json
from django.db.models import Count
from anju.screening.models import Finding, FindingEvent, Run
# A finding is keyed by its household, or (M-01, 应纳未纳) by the listed person it names.
dupes = Finding.objects.values("rule_code", "household_id", "listed_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({
    "findings": Finding.objects.count(),
    "dupes": dupes,
    "opened_events": FindingEvent.objects.filter(kind="opened").count(),
    "events": FindingEvent.objects.count(),
    "runs": list(Run.objects.filter(kind="county").values_list("status", "opened", "hits")),
}))
"""


def _scratch_env(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_DATA_DIR": str(tmp_path),
        "ANJU_TASKS_IMMEDIATE": "1",
        "ANJU_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite case")
def test_two_screen_processes_at_once_on_sqlite(tmp_path):
    env = _scratch_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "demo", "--households", "1500", "--villages-per-township", "3"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    # The demo screens once; start from no findings so both runs compete to open them.
    reset = "from anju.screening.models import Finding; Finding.objects.all().delete()"
    subprocess.run([*manage, "shell", "-c", reset], cwd=ROOT, env=env, check=True)
    screen = [*manage, "screen", "--as-of", AS_OF.isoformat()]
    runs = [
        subprocess.Popen(screen, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    result = subprocess.run(
        [*manage, "shell", "-c", CHECK],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["findings"] > 0
    assert found["dupes"] == 0
    assert found["opened_events"] == found["findings"]
    last_two = found["runs"][:2]
    assert [status for status, _, _ in last_two] == ["done", "done"]
    # Between them the two runs opened every finding exactly once.
    assert sum(opened for _, opened, _ in last_two) == found["findings"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_runs_in_threads(township_a, village_a, village_a2):
    for i in range(30):
        make_household(
            village_a if i % 2 else village_a2, grade="D", assessed_on=AS_OF.replace(year=2021)
        )
    runs = [services.create_run(unit=township_a, as_of=AS_OF) for _ in range(2)]
    start = threading.Barrier(len(runs))
    errors: list[BaseException] = []

    def work(run):
        try:
            start.wait()
            services.execute_run(run.pk)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(run,)) for run in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = list(Finding.objects.values_list("rule_code", "household_id"))
    assert len(keys) == len(set(keys)) > 0
    assert not Finding.objects.exclude(status=Status.OPEN).exists()
    assert FindingEvent.objects.filter(kind="opened").count() == len(keys)
    opened = sorted(
        Run.objects.filter(pk__in=[r.pk for r in runs]).values_list("opened", flat=True)
    )
    assert opened == [0, len(keys)]
