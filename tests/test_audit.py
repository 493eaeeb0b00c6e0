"""The audit trail: every data change, append-only, hash-chained (SECURITY.md rows 10–11)."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from anju.audit.context import acting_as
from anju.audit.models import AppendOnlyError, AuditEvent
from anju.audit.services import record, record_many, verify_chain
from anju.units.models import Level, Unit

pytestmark = pytest.mark.django_db

guard = importlib.import_module("anju.audit.migrations.0002_append_only")


def test_sec_10_create_update_delete_record_who_when_and_old_to_new(officer_a, township_a):
    with acting_as(officer_a, ip="10.1.2.3"):
        village = Unit.objects.create(
            code="411081100299", name="旧名村", level=Level.VILLAGE, parent=township_a
        )
        village.name = "新名村"
        village.save()
        village.save()  # no change, no event
        village.delete()
    events = list(AuditEvent.objects.filter(object_type="units.unit").order_by("id"))
    assert [e.event for e in events] == ["create", "update", "delete"]
    update = events[1]
    assert update.detail["changes"] == {"name": ["旧名村", "新名村"]}
    assert (update.username, update.role, update.unit_code, update.ip) == (
        "p_officer_a",
        "township_officer",
        "411081100",
        "10.1.2.3",
    )
    assert update.ts.tzinfo is not None
    assert events[2].detail["before"]["name"] == "新名村"


def test_password_values_never_enter_the_log(officer_a):
    officer_a.set_password("Another#Pass99")
    officer_a.save()
    event = AuditEvent.objects.filter(object_type="accounts.user", event="update").latest("id")
    old, new = event.detail["changes"]["password"]
    assert "Another" not in str(event.detail)
    assert "md5" not in str(event.detail) and "pbkdf2" not in str(event.detail)
    assert new == "（已加密，不记录明文）"


def test_sec_11_the_orm_cannot_change_or_delete_audit_rows():
    entry = record("login", object_label="x")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).update(username="evil")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_sec_11_database_triggers_refuse_raw_sql_changes():
    entry = record("login", object_label="x")
    statements = guard.POSTGRES if connection.vendor == "postgresql" else guard.SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    for sql in (
        "UPDATE audit_auditevent SET username = 'evil' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEvent.objects.get(pk=entry.pk).username == entry.username


def test_the_hash_chain_names_a_row_altered_behind_the_apps_back():
    entries = [record("login", object_label="x", detail={"n": i}) for i in range(5)]
    assert verify_chain() == []
    with connection.cursor() as cursor:  # triggers are off in the test settings
        cursor.execute(
            "UPDATE audit_auditevent SET username = 'forged' WHERE id = %s", [entries[2].pk]
        )
    assert verify_chain() == [entries[2].pk]


def test_bulk_rows_hash_the_same_text_as_single_rows(officer_a, township_a):
    """``record_many`` splices one serialisation into the hashed text; ``verify_chain``
    recomputes it from the stored row, so any difference in bytes shows here."""
    awkward = {
        "z": [1, 2.5, None, True],
        "名字": '王"建\\国\n',
        "nested": {"b": dt.date(2022, 3, 4), "a": Decimal("12.30")},
        "emoji": "🏠",
    }
    record("login", object_label="x", detail={"before": 1})
    with acting_as(officer_a, ip="10.1.2.3"):
        record_many(
            [
                {"event": "import", "obj": township_a, "detail": awkward},
                {"event": "import", "object_label": "y", "object_pk": 7, "detail": {}},
                {"event": "import", "object_label": "y", "object_repr": '片"段'},
            ]
        )
    record_many([{"event": "import", "object_label": "z", "detail": {"k": ["v"]}}])
    record("login", object_label="x", detail={"after": 1})
    rows = list(AuditEvent.objects.order_by("id"))
    assert [r.event for r in rows[-5:]] == ["import"] * 4 + ["login"]
    assert rows[-5].detail["nested"] == {"a": "12.30", "b": "2022-03-04"}
    assert rows[-5].ip == "10.1.2.3" and rows[-2].ip is None
    assert verify_chain() == []


def test_canonical_detail_is_the_slow_path_in_one_pass():
    from anju.audit.events import Event
    from anju.audit.models import canonical_detail, canonical_json, jsonable

    detail = {
        "event": Event.IMPORT,  # a str subclass
        "when": dt.datetime(2022, 5, 6, 7, 8, 9, 10, tzinfo=dt.UTC),
        "time": dt.time(8, 30),
        "id": uuid.UUID(int=5),
        "blob": b"\x00\x01",
        "pair": (Decimal("1.50"), None),
        "deep": {"list": [{"x": dt.date(2020, 1, 2)}, [1, [2.25, False]]]},
        "other": Path("a/b"),
        "text": '引号"与\\反斜杠\u2028',
    }
    assert canonical_detail(detail) == canonical_json(jsonable(detail))


def test_history_page_is_scoped(as_user, officer_a, officer_b, city_reviewer, township_a):
    with acting_as(officer_a):
        village = Unit.objects.create(
            code="411081100298", name="史村", level=Level.VILLAGE, parent=township_a
        )
        village.name = "改名村"
        village.save()
    url = f"/history/units.unit/{village.pk}/"
    page = as_user(officer_a).get(url)
    assert page.status_code == 200
    assert "史村" in page.content.decode() and "改名村" in page.content.decode()
    assert as_user(city_reviewer).get(url).status_code == 200
    assert as_user(officer_b).get(url).status_code == 404
    denied = AuditEvent.objects.filter(event="permission_denied").latest("id")
    assert denied.username == "p_officer_b" and denied.object_id == str(village.pk)
    assert as_user(officer_a).get("/history/nosuch.model/1/").status_code == 404


def test_audit_log_page_is_for_the_audit_admin_only(as_user, audit_admin, city_admin):
    record("login", object_label="x")
    assert as_user(audit_admin).get("/audit/").status_code == 200
    assert as_user(city_admin).get("/audit/").status_code == 403


def test_the_audit_log_names_what_a_person_reads(as_user, audit_admin, officer_a, township_a):
    """#17 item 10: the model's Chinese name, the user's name, the unit's name — not
    "accounts.user 5" or "411081100"; a changed field by its label."""
    officer_a.full_name = "王经办"
    officer_a.save()
    with acting_as(officer_a, ip="10.1.2.3"):
        village = Unit.objects.create(
            code="411081100297", name="读名村", level=Level.VILLAGE, parent=township_a
        )
        village.name = "改读名村"
        village.save()
    body = as_user(audit_admin).get("/audit/").content.decode()
    assert '王经办<div class="small text-body-secondary">p_officer_a</div>' in body
    assert f'<span title="{township_a.code}">{township_a.name}</span>' in body
    assert "行政单位 改读名村" in body and "units.unit" not in body
    assert "名称：<del>读名村</del> → <ins>改读名村</ins>" in body
    assert f"上级单位：<ins>{township_a.name}</ins>" in body  # a unit by name, not its id
    history = as_user(officer_a).get(f"/history/units.unit/{village.pk}/").content.decode()
    assert "名称：<del>读名村</del>" in history and "王经办" in history


def test_an_exports_details_name_its_units_not_their_codes(
    as_user, audit_admin, county, township_a
):
    """An export's filters hold unit codes (precise); the log page shows the units' names and
    its other details with Chinese labels (the CI saw "county': '411081'" on the page)."""
    from anju.core.exports import record_export

    record_export(
        what="rectification.county_rollup",
        filters={"county": county.code, "township": township_a.code, "village": ""},
        rows=26,
        content=b"xlsx",
        unmasked=False,
    )
    record("update", object_label="通报", detail={"townships": {township_a.code: "criticism"}})
    body = as_user(audit_admin).get("/audit/").content.decode()
    assert f"townships：{township_a.name}=criticism" in body  # a code as a key, named too
    assert f"条件：县（市、区）={county.name}，乡镇={township_a.name}；行数：26" in body
    assert "含完整证件号码：否" in body
    assert f"={county.code}" not in body and "filters=" not in body
