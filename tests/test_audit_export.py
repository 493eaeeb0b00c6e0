"""The audit admin exports the filtered audit log as .xlsx or CSV; nobody else may
(SECURITY.md row 8). The export is formula-safe and itself audited (rows 18, 19)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zoneinfo

import openpyxl
import pytest
import time_machine

from anju.audit.context import Actor, acting_as
from anju.audit.export import HEADERS
from anju.audit.models import AuditEvent
from anju.audit.services import record

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/audit/export/"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def record_at(when: dt.datetime, user, event: str = "login", **kwargs) -> AuditEvent:
    with time_machine.travel(when, tick=False), acting_as(user, ip="10.0.0.8"):
        return record(event, **kwargs)


def workbook_rows(response) -> list[list]:
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def history(officer_a, officer_b):
    """Logins of two officers on three local days; 03-03 00:10 in Shanghai is 03-02 UTC."""
    return {
        "a_day1": record_at(at(2025, 3, 1, 23, 30), officer_a, detail={"note": "甲"}),
        "a_day3": record_at(at(2025, 3, 3, 0, 10), officer_a),
        "a_update": record_at(at(2025, 3, 1, 9, 0), officer_a, "update", object_label="x"),
        "b_day1": record_at(at(2025, 3, 1, 10, 0), officer_b),
    }


def test_sec_08_audit_admin_exports_the_filtered_audit_log_as_xlsx(
    as_user, audit_admin, township_a, history
):
    client = as_user(audit_admin)
    page = client.get("/audit/?event=login&username=p_officer_a&start=2025-03-01&end=2025-03-02")
    assert page.status_code == 200
    html = page.content.decode()
    assert "导出 Excel" in html and "导出 CSV" in html and 'name="reason"' in html
    assert [e.pk for e in page.context["page"]] == [history["a_day1"].pk]

    rows = workbook_rows(
        client.post(
            URL,
            {
                "event": "login",
                "username": "p_officer_a",
                "start": "2025-03-01",
                "end": "2025-03-02",
            },
        )
    )
    assert rows[0] == HEADERS
    assert rows[0][:4] == ["编号", "时间", "用户名", "姓名"] and rows[0][-1] == "哈希"
    assert len(rows) == 2  # the filter keeps one record: not B's, not the update, not 03-03
    event = history["a_day1"]
    cells = dict(zip(HEADERS, rows[1], strict=True))
    assert cells["编号"] == event.pk
    assert cells["时间"] == dt.datetime(2025, 3, 1, 23, 30)  # local time, not UTC 15:30
    assert cells["用户名"] == "p_officer_a"
    assert cells["姓名"] == "p_officer_a"
    assert cells["角色"] == "乡镇经办人"
    assert cells["单位代码"] == "411081100"
    assert cells["单位"] == township_a.name
    assert cells["IP"] == "10.0.0.8"
    assert cells["事件"] == "登录"
    assert cells["结果"] == "成功"
    assert json.loads(cells["详情"]) == {"note": "甲"}
    assert cells["前序哈希"] == event.prev_hash
    assert cells["哈希"] == event.hash
    # printed: A3 landscape, header repeated, the two hash columns left off the paper
    ws = openpyxl.load_workbook(io.BytesIO(client.post(URL).content)).active
    assert str(ws.page_setup.paperSize) == "8" and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$1" and ws.print_area.startswith("'审计日志'!$A$1:$N$")

    # The end date is a whole local day: 03-03 00:10 Shanghai is in, though it is 03-02 UTC.
    later = workbook_rows(client.post(URL, {"username": "p_officer_a", "start": "2025-03-03"}))
    assert [r[0] for r in later[1:]] == [history["a_day3"].pk]

    # Without filters: every record, oldest first, with the chain's hashes.
    everything = workbook_rows(client.post(URL))
    ids = [r[0] for r in everything[1:]]
    assert len(ids) > 4 and ids == sorted(ids)
    assert set(ids) >= {e.pk for e in history.values()}


def test_sec_08_audit_admin_exports_csv_with_a_bom(as_user, audit_admin, history):
    response = as_user(audit_admin).post(f"{URL}?format=csv", {"username": "p_officer_b"})
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    assert [r[:3] for r in rows[1:]] == [
        [str(history["b_day1"].pk), "2025-03-01 10:00:00", "p_officer_b"]
    ]
    assert rows[1][-1] == history["b_day1"].hash
    # the buttons of the page send the format in the form
    form = as_user(audit_admin).post(URL, {"username": "p_officer_b", "format": "csv"})
    assert form["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "persona", ["city_admin", "security_admin", "officer_a", "city_reviewer", "inspector"]
)
def test_sec_08_only_the_audit_admin_may_export_the_audit_log(request, as_user, persona, history):
    client = as_user(request.getfixturevalue(persona))
    for url in (URL, f"{URL}?format=csv"):
        response = client.post(url)
        assert response.status_code == 403
        assert b"\xe7\xbc\x96\xe5\x8f\xb7" not in response.content  # no "编号" header leaked
    assert client.get("/audit/").status_code == 403
    assert not AuditEvent.objects.filter(event="export").exists()
    denied = AuditEvent.objects.filter(event="permission_denied", detail__path=URL)
    assert denied.count() == 2


def test_the_audit_export_needs_a_login_and_a_post(client, as_user, audit_admin):
    response = client.post(URL)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert as_user(audit_admin).get(URL).status_code == 405  # reading never writes a file
    assert not AuditEvent.objects.filter(event="export").exists()


def test_sec_18_audit_export_is_formula_safe(as_user, audit_admin):
    attacker = Actor(user_id=None, username="=HYPERLINK(1)", role="-1+1", unit_code="@SUM")
    with acting_as(attacker):
        record("login", object_label="+cmd|' /C calc'!A0", detail={"x": "=1+1"})
    client = as_user(audit_admin)
    filters = {"username": "=HYPERLINK(1)"}
    book = openpyxl.load_workbook(io.BytesIO(client.post(URL, filters).content)).active
    assert book.max_row == 2
    cells = dict(zip(HEADERS, list(book[2]), strict=True))
    assert cells["用户名"].value == "'=HYPERLINK(1)"
    assert cells["角色"].value == "'-1+1"
    assert cells["单位代码"].value == "'@SUM"
    assert cells["对象类型"].value == "'+cmd|' /C calc'!A0"
    assert json.loads(cells["详情"].value) == {"x": "=1+1"}  # JSON text, starts with "{"
    for cell in book[2]:
        assert cell.data_type != "f", cell.value
    rows = csv_rows(client.post(URL, {**filters, "format": "csv"}))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["用户名"] == "'=HYPERLINK(1)" and row["对象类型"].startswith("'+")
    for value in rows[1]:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_sec_19_the_audit_export_is_itself_audited_with_rows_and_sha256(
    as_user, audit_admin, history
):
    client = as_user(audit_admin)
    for fmt in ("xlsx", "csv"):
        response = client.post(URL, {"username": "p_officer_a", "format": fmt})
        assert response.status_code == 200
        export = AuditEvent.objects.filter(event="export").latest("id")
        assert export.username == "p_audit" and export.role == "audit_admin"
        assert export.object_type == "审计日志"
        assert export.outcome == "success"
        assert export.detail["rows"] == 3
        assert export.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
        assert export.detail["unmasked"] is False
        assert export.detail["filters"]["username"] == "p_officer_a"
        assert export.detail["filters"]["format"] == fmt
        data = workbook_rows(response)[1:] if fmt == "xlsx" else csv_rows(response)[1:]
        assert len(data) == export.detail["rows"]
    assert AuditEvent.objects.filter(event="export").count() == 2
    # the first export's own record is in a later export's file
    rows = csv_rows(client.post(URL, {"event": "export", "format": "csv"}))
    assert [r[8] for r in rows[1:]] == ["导出", "导出"]


def test_a_bulk_audit_export_needs_a_reason(settings, as_user, audit_admin, history):
    settings.EXPORT_BULK_ROWS = 2
    client = as_user(audit_admin)
    refused = client.post(URL, {"username": "p_officer_a"})
    assert refused.status_code == 400
    assert "须填写导出理由" in refused.content.decode()
    assert not AuditEvent.objects.filter(event="export").exists()
    response = client.post(URL, {"username": "p_officer_a", "reason": "年度审计抽查"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(event="export").detail["reason"] == "年度审计抽查"


def test_an_audit_export_over_the_cap_is_refused(monkeypatch, as_user, audit_admin, history):
    monkeypatch.setattr("anju.audit.export.MAX_ROWS", 2)
    client = as_user(audit_admin)
    refused = client.post(URL, {"username": "p_officer_a", "reason": "全部"})
    assert refused.status_code == 400
    assert "请缩小日期范围" in refused.content.decode()
    assert not AuditEvent.objects.filter(event="export").exists()
    narrowed = client.post(URL, {"username": "p_officer_a", "start": "2025-03-03"})
    assert narrowed.status_code == 200


def test_bad_filters_are_refused_and_the_rate_limit_applies(settings, as_user, audit_admin):
    client = as_user(audit_admin)
    bad = client.post(URL, {"start": "2025-03-05", "end": "2025-03-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert client.post(URL, {"start": "not-a-date"}).status_code == 400
    assert client.post(URL, {"format": "pdf"}).status_code == 400
    assert client.get("/audit/?start=2025-13-01").status_code == 200  # page: error shown
    settings.EXPORT_RATE_PER_MINUTE = 1
    assert client.post(URL).status_code == 200
    limited = client.post(URL)
    assert limited.status_code == 429 and "一分钟后再试" in limited.content.decode()
