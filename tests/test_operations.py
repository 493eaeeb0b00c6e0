"""Operations: audit verification, idle accounts, backup and restore drill, deploy checks."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from anju.audit.services import record
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_sec_11_verify_audit_names_the_altered_row(capsys):
    entries = [record("login", object_label="x", detail={"n": i}) for i in range(3)]
    call_command("verify_audit")
    assert "完整" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET outcome = 'failure' WHERE id = %s", [entries[1].pk]
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert f"id={entries[1].pk}" in capsys.readouterr().err


@pytest.mark.django_db
def test_sec_06_idle_accounts_are_disabled_and_their_sessions_end(officer_a, officer_b):
    client = Client()
    client.post("/account/login/", {"username": "p_officer_a", "password": PASSWORD})
    assert Session.objects.count() == 1
    type(officer_a).objects.filter(pk=officer_a.pk).update(
        last_login=timezone.now() - dt.timedelta(days=91)
    )
    type(officer_b).objects.filter(pk=officer_b.pk).update(last_login=timezone.now())
    call_command("disable_idle_accounts")
    officer_a.refresh_from_db()
    officer_b.refresh_from_db()
    assert officer_a.is_active is False and officer_b.is_active is True
    assert Session.objects.count() == 0
    assert client.get("/").status_code == 302


# Production sets the audit key in the environment: a backup restored on another machine
# verifies only under the same key (docs/SECURITY.md, "Keys").
AUDIT_KEY = "q2jJ5sZ2bWcXn0Kx2uGk1mX0m3V2cM8yq2jJ5sZ2bWc="


def _env(data_dir: Path, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "ANJU_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_AUDIT_KEY": AUDIT_KEY,
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


@pytest.fixture
def scratch_databases(tmp_path):
    """Two empty databases of the suite's kind: (source url or None, target url or None)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None, None
        return
    import psycopg

    base = url.rsplit("/", 1)[0]
    names = [f"anju_drill_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield tuple(f"{base}/{n}" for n in names)
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sec_26_backup_restore_drill(tmp_path, scratch_databases):
    source_url, target_url = scratch_databases
    source = _env(tmp_path / "source", source_url)
    _manage(source, "migrate", "-v0")
    _manage(source, "demo", "--households", "60", "--villages-per-township", "3")
    out = _manage(source, "backup", "--dir", str(tmp_path / "backups")).stdout
    # the database file itself (beside it: the manifest and the tar of uploaded files)
    backup_file = next(
        p for p in (tmp_path / "backups").glob("anju-*") if p.suffix in (".sqlite3", ".pgdump")
    )
    assert backup_file.name in out
    # the audit chain's head, signed, beside the backup and in the anchor folder
    assert backup_file.with_suffix(".anchor.json").exists()
    assert list((tmp_path / "source" / "backups" / "audit-anchors").glob("audit-anchor-*.json"))
    raw = backup_file.read_bytes()
    assert b"Anju@2022" not in raw  # no plaintext secrets in the dump
    assert plaintext_pi(raw) == []  # SECURITY.md row 15: IDs and phones only encrypted

    target = _env(tmp_path / "target", target_url)
    _manage(target, "migrate", "-v0")
    restored = _manage(target, "restore", str(backup_file), "--yes")
    assert "一致" in restored.stdout
    assert "完整" in restored.stdout
    # the restored chain reaches the anchor written with the backup (and the target's own)
    assert re.search(r"与 [12] 个锚点一致", restored.stdout)
    count = "from anju.audit.models import AuditEvent as A; print(A.objects.filter(event='restored').count())"
    assert _manage(target, "shell", "-c", count).stdout.split()[-1] == "1"  # the restore is audited
    # the uploaded files came back too: the signed final reports verify on the copy
    assert "哈希链完整" in restored.stdout
    media = sorted(
        p.relative_to(tmp_path / "target") for p in (tmp_path / "target").rglob("*.docx")
    )
    assert media and media == sorted(
        p.relative_to(tmp_path / "source") for p in (tmp_path / "source").rglob("*.docx")
    )
    _manage(target, "verify_reports")

    # a damaged backup is refused
    damaged = tmp_path / "backups" / ("damaged" + backup_file.suffix)
    damaged.write_bytes(raw[:-10] + b"0123456789")
    damaged.with_suffix(".json").write_text(backup_file.with_suffix(".json").read_text())
    refused = _manage(target, "restore", str(damaged), "--yes", check=False)
    assert refused.returncode != 0
    assert "哈希" in refused.stderr


def test_sec_13_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **_env(tmp_path, None),
        "ANJU_HTTPS": "true",
        "ANJU_BEHIND_PROXY": "true",
        "ANJU_SECRET_KEY": secrets.token_urlsafe(50),
    }
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_sec_12_audit_archive_keeps_every_row_and_refuses_short_retention(tmp_path, capsys):
    with time_machine_travel(timezone.now() - dt.timedelta(days=400)):
        old = record("login", object_label="x")
    with time_machine_travel(timezone.now() - dt.timedelta(days=179)):
        recent = record("login", object_label="x")
    out = tmp_path / "archive.jsonl"
    call_command("archive_audit", "--older-than", "180", "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and f'"id": {old.pk}' in lines[0]
    from anju.audit.models import AuditEvent

    assert AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少 180 天"):
        call_command("archive_audit", "--older-than", "90")


def time_machine_travel(when):
    import time_machine

    return time_machine.travel(when, tick=False)


def plaintext_pi(raw: bytes) -> list[str]:
    """Checksum-valid ID numbers and mobile numbers readable in a database dump."""
    import re

    from anju.registry import idcard

    # Hex digests (keyed lookup hashes, file hashes) are not PI, but random hex holds
    # digit runs that look like a mobile number often enough to make a scan flaky.
    text = re.sub(r"[0-9a-f]{32,}", "#", raw.decode("latin-1"))
    found = [
        m for m in re.findall(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])", text) if idcard.is_valid(m)
    ]
    found += re.findall(r"(?<![0-9A-Fa-f])1[3-9][0-9]{9}(?![0-9])", text)
    return found


@pytest.mark.django_db
def test_analyze_gathers_planner_statistics_for_the_household_table(village_a):
    from anju.core import dbstats
    from tests.factories import make_household

    for _ in range(3):
        make_household(village_a)
    dbstats.analyze()
    dbstats.optimize()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_household'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables"
                " WHERE relname = 'registry_household' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1
