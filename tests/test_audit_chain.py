"""The keyed, anchored audit chain (SECURITY.md row 11; docs/adr/0012).

Each attack of issue #13 is made the way someone with the database but without
``ANJU_AUDIT_KEY`` would make it — raw SQL (the append-only triggers are off in the test
settings, as they would be for a database owner who drops them), hashes recomputed with
the public algorithm — and ``verify_audit`` must exit 1 naming what was done.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from anju.audit import anchors, chain
from anju.audit.models import AuditEvent, canonical
from anju.audit.services import record, record_many, verify_chain
from anju.core import crypto
from anju.core.backup import set_aside_later_anchors

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[AuditEvent]:
    return [record("login", object_label="x", detail={"n": i}) for i in range(n)]


def _verify(capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``manage.py verify_audit``."""
    try:
        call_command("verify_audit")
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def _rehash_from(first_id: int, digest) -> None:
    """Recompute every hash from ``first_id`` on, as an attacker without the key can."""
    prev = AuditEvent.objects.filter(id__lt=first_id).order_by("-id").first()
    prev_hash = prev.hash if prev else ""
    for entry in AuditEvent.objects.filter(id__gte=first_id).order_by("id"):
        entry.prev_hash = prev_hash
        text = canonical(
            entry.ts,
            entry.user_id,
            entry.username,
            entry.role,
            entry.unit_code,
            entry.ip,
            entry.event,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.outcome,
            entry.detail,
            entry.prev_hash,
        )
        prev_hash = digest(text)
        _sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, prev_hash, entry.pk],
        )


def test_sec_11_truncating_the_last_rows_is_detected_by_the_anchor(capsys):
    rows = _rows(150)
    anchor = anchors.write("daily")
    assert _verify(capsys)[0] == 0
    _sql("DELETE FROM audit_auditevent WHERE id > %s", [rows[99].pk])
    # What is left still chains: only the anchor outside the database can tell.
    assert chain.walk().problems == []
    code, _, err = _verify(capsys)
    assert code == 1
    assert "截断" in err and anchor.name in err
    assert f"末条 id={rows[149].pk}" in err and "现在库中共 100 条" in err


@pytest.mark.parametrize(
    "digest",
    [
        pytest.param(lambda text: hashlib.sha256(text.encode()).hexdigest(), id="plain-sha256"),
        pytest.param(
            lambda text: hmac.new(secrets.token_bytes(32), text.encode(), "sha256").hexdigest(),
            id="another-key",
        ),
    ],
)
def test_sec_11_rehashing_after_an_edit_is_detected(capsys, digest):
    """Edit row 100, then recompute every hash from there on with what is public (the
    canonical text and SHA-256 — the chain before it was keyed — or HMAC with a key of
    one's own): it worked before the chain was keyed."""
    rows = _rows(150)
    _sql("UPDATE audit_auditevent SET username = 'forged' WHERE id = %s", [rows[99].pk])
    _rehash_from(rows[99].pk, digest)
    code, _, err = _verify(capsys)
    assert code == 1
    assert f"审计记录 id={rows[99].pk} " in err
    assert verify_chain()[0] == rows[99].pk


def test_sec_11_deleting_a_row_in_the_middle_is_detected(capsys):
    rows = _rows(150)
    anchor = anchors.write("daily")
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[74].pk])
    code, _, err = _verify(capsys)
    assert code == 1
    assert f"审计记录 id={rows[75].pk} 的前序哈希与上一条（id={rows[73].pk}）不符" in err
    assert f"{anchor.name}" in err and "共 150 条，现在为 149 条" in err


def test_sec_11_deleting_and_relinking_in_the_middle_is_detected(capsys):
    rows = _rows(20)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[9].pk])
    _sql("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", [rows[8].hash, rows[10].pk])
    code, _, err = _verify(capsys)
    assert code == 1
    assert f"审计记录 id={rows[10].pk} 的内容与哈希不符" in err


def test_sec_11_an_altered_anchor_file_is_detected(capsys, _own_audit_anchors):
    rows = _rows(30)
    anchors.write("daily")
    path = anchors.write("backup")
    # hide a truncation: delete the last 10 rows and make the anchor agree
    _sql("DELETE FROM audit_auditevent WHERE id > %s", [rows[19].pk])
    body = json.loads(path.read_text(encoding="utf-8"))
    body.update(rows=20, last_id=rows[19].pk, head=rows[19].hash)
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    code, _, err = _verify(capsys)
    assert code == 1
    assert f"锚点 {path.name}" in err and "签名不符" in err


def test_sec_11_a_missing_anchor_file_is_named(capsys, _own_audit_anchors):
    _rows(3)
    first = anchors.write("daily")
    second = anchors.write("daily")
    anchors.write("daily")
    assert _verify(capsys)[0] == 0
    second.unlink()
    code, _, err = _verify(capsys)
    assert code == 1 and "第 2 号锚点文件缺失" in err
    assert first.exists()


def test_an_anchor_signed_with_another_key_is_named(capsys):
    _rows(3)
    path = anchors.write("daily")
    body = json.loads(path.read_text(encoding="utf-8"))
    body["key_id"] = "deadbeef"
    path.write_text(json.dumps(body), encoding="utf-8")
    code, _, err = _verify(capsys)
    assert code == 1 and "由密钥 deadbeef" in err


def test_an_intact_chain_verifies_and_reports_its_anchors(capsys):
    _rows(5)
    record_many([{"event": "import", "object_label": "y", "detail": {"k": i}} for i in range(5)])
    anchors.write("daily")
    _rows(2)  # rows after the newest anchor are covered by the chain alone
    code, out, _ = _verify(capsys)
    assert code == 0
    assert "共 12 条" in out and "与 1 个锚点一致" in out


def test_the_anchor_command_writes_a_signed_head(capsys, _own_audit_anchors):
    rows = _rows(4)
    call_command("anchor_audit")
    out = capsys.readouterr().out
    [path] = _own_audit_anchors.glob("audit-anchor-*.json")
    body = json.loads(path.read_text(encoding="utf-8"))
    assert (body["rows"], body["last_id"], body["head"]) == (4, rows[-1].pk, rows[-1].hash)
    assert body["key_id"] == crypto.audit_key_id() and body["algorithm"] == "hmac-sha256"
    assert "共 4 条" in out and path.name in out


# --- existing installs: the chain written before the key ----------------------------------------
def _legacy_rows(n: int) -> list[AuditEvent]:
    """Rows as the previous version wrote them: plain SHA-256, no key."""
    rows, prev = [], ""
    for i in range(n):
        entry = AuditEvent(
            ts=dt.datetime(2026, 1, 1, 8, i, tzinfo=dt.UTC),
            event="login",
            object_type="x",
            outcome="success",
            detail={"legacy": i},
            prev_hash=prev,
        )
        entry.hash = entry.legacy_hash()
        entry.save()
        rows.append(entry)
        prev = entry.hash
    return rows


def test_rekey_audit_seals_the_chain_written_before_the_key(capsys):
    legacy = _legacy_rows(6)
    _rows(2)  # the upgraded app appends keyed rows before anyone runs rekey_audit
    code, _, err = _verify(capsys)
    assert code == 1 and "rekey_audit" in err and "6 条" in err
    call_command("rekey_audit")
    assert "已封存" in capsys.readouterr().out
    seal = AuditEvent.objects.get(event="audit_rekeyed")
    assert seal.detail["legacy_rows"] == 6 and seal.detail["legacy_head"] == legacy[-1].hash
    code, out, _ = _verify(capsys)
    assert code == 0 and f"已于 id={seal.pk} 封存" in out
    call_command("rekey_audit")  # once is enough
    assert "无需再次封存" in capsys.readouterr().out
    assert AuditEvent.objects.filter(event="audit_rekeyed").count() == 1

    # the sealed rows are now covered by the key: re-hashing them is detected
    _sql("UPDATE audit_auditevent SET username = 'forged' WHERE id = %s", [legacy[2].pk])
    _rehash_from_legacy(legacy)
    code, _, err = _verify(capsys)
    assert code == 1 and "封存记录" in err


def _rehash_from_legacy(legacy: list[AuditEvent]) -> None:
    prev = ""
    for entry in AuditEvent.objects.filter(id__lte=legacy[-1].pk).order_by("id"):
        entry.prev_hash = prev
        prev = entry.legacy_hash()
        _sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, prev, entry.pk],
        )


def test_rekey_audit_refuses_a_broken_old_chain(capsys):
    legacy = _legacy_rows(4)
    _sql("UPDATE audit_auditevent SET outcome = 'failure' WHERE id = %s", [legacy[1].pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("rekey_audit")
    assert exit_info.value.code == 1
    assert f"id={legacy[1].pk}" in capsys.readouterr().err
    assert not AuditEvent.objects.filter(event="audit_rekeyed").exists()


def test_sec_11_a_chain_rewritten_as_a_pre_key_chain_is_not_sealed(capsys):
    """Re-attack of issue #13: without the key, delete a row and recompute every hash from the
    first with plain SHA-256. The rows now look like a chain written before the key, and
    verify_audit's advice is to run rekey_audit; it must refuse, naming the anchor that the
    rewrite contradicts, so nobody seals the forgery as the chain's beginning."""
    rows = _rows(30)
    anchor = anchors.write("daily")
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [rows[14].pk])
    _rehash_from(rows[0].pk, lambda text: hashlib.sha256(text.encode()).hexdigest())
    assert _verify(capsys)[0] == 1
    with pytest.raises(SystemExit) as exit_info:
        call_command("rekey_audit")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert anchor.name in err and "不能封存" in err
    assert not AuditEvent.objects.filter(event="audit_rekeyed").exists()
    assert _verify(capsys)[0] == 1


def test_a_fresh_chain_needs_no_rekey(capsys):
    _rows(2)
    call_command("rekey_audit")
    assert "无需封存" in capsys.readouterr().out


# --- the daily anchor, the backup's, the page ----------------------------------------------------
def test_the_first_audit_event_of_a_day_writes_an_anchor(
    settings, _own_audit_anchors, django_capture_on_commit_callbacks
):
    settings.AUDIT_ANCHOR_DAILY = True
    anchors._anchored_on = None
    day = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(day, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            first = record("login", object_label="x")
        with django_capture_on_commit_callbacks(execute=True):
            record("login", object_label="x")
        files = sorted(_own_audit_anchors.glob("audit-anchor-*.json"))
        assert len(files) == 1
        body = json.loads(files[0].read_text(encoding="utf-8"))
        assert (body["reason"], body["last_id"], body["head"]) == ("daily", first.pk, first.hash)
        clock.shift(dt.timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            record_many([{"event": "import", "object_label": "y"}])
        assert len(list(_own_audit_anchors.glob("audit-anchor-*.json"))) == 2
    anchors._anchored_on = None


def test_a_restore_sets_aside_the_anchors_written_after_its_backup(tmp_path, _own_audit_anchors):
    _rows(3)
    backup_anchor = anchors.write("backup")
    copy = tmp_path / "anju-x.anchor.json"
    copy.write_bytes(backup_anchor.read_bytes())
    with time_machine.travel(dt.timedelta(hours=1)):
        _rows(2)
        later = anchors.write("daily")
    moved = set_aside_later_anchors(copy)
    assert [m["rows"] for m in moved] == [5]
    assert backup_anchor.exists() and not later.exists()
    assert list(_own_audit_anchors.glob("superseded-*/" + later.name))


def test_the_audit_admin_prints_the_signed_head_and_the_anchors(as_user, audit_admin, city_admin):
    rows = _rows(3)
    anchors.write("backup")
    page = as_user(audit_admin).get("/audit/anchors/")
    assert page.status_code == 200
    html = page.content.decode()
    assert rows[-1].hash in html and crypto.audit_key_id() in html
    assert "data-print" in html and "备份" in html
    assert as_user(city_admin).get("/audit/anchors/").status_code == 403


# --- the algorithm is a setting (SM3 where OpenSSL has it) ---------------------------------------
def _forget_audit_keys():
    for cached in (crypto.audit_algorithm, crypto._audit_keys, crypto._chain_hmac):
        cached.cache_clear()


@pytest.fixture
def fresh_audit_keys():
    _forget_audit_keys()
    yield
    _forget_audit_keys()


def test_the_chain_can_use_hmac_sm3(settings, capsys, fresh_audit_keys):
    try:
        hmac.new(b"k", b"", "sm3")
    except ValueError:
        pytest.skip("OpenSSL without SM3")
    settings.AUDIT_ALGORITHM = "hmac-sm3"
    rows = _rows(3)
    record_many([{"event": "import", "object_label": "y", "detail": {"n": 1}}])
    path = anchors.write("daily")
    assert json.loads(path.read_text(encoding="utf-8"))["algorithm"] == "hmac-sm3"
    assert _verify(capsys)[0] == 0
    key = crypto._audit_keys()[0]
    assert rows[0].hash == hmac.new(key, rows[0].canonical().encode(), "sm3").hexdigest()


def test_an_unknown_algorithm_or_a_bad_key_stops_with_a_message(
    settings, monkeypatch, fresh_audit_keys
):
    settings.AUDIT_ALGORITHM = "md5"
    with pytest.raises(ImproperlyConfigured, match="ANJU_AUDIT_ALGORITHM"):
        record("login", object_label="x")
    settings.AUDIT_ALGORITHM = "hmac-sha256"
    _forget_audit_keys()
    monkeypatch.setenv("ANJU_AUDIT_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(ImproperlyConfigured, match="ANJU_AUDIT_KEY"):
        record("login", object_label="x")
