"""The reporting pages: the week end to end through the pages, the grid, a snapshot, the
comparison, work plans, home panels — and scope on every URL (顺店镇 never sees 火龙镇's)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.audit.models import AuditEvent
from anju.reporting.models import Status, WeeklySubmission, WorkPlan
from tests.conftest import PASSWORD
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_a_week_end_to_end_through_the_pages(
    as_user, schedule, officer_a, head_a, city_reviewer, entry
):
    entry()
    officer, head, reviewer = as_user(officer_a), as_user(head_a), as_user(city_reviewer)
    with at("2022-06-03 10:00"):
        page = text(officer.get("/reports/"))
        assert "本周：第1周（6月1日—6月3日）" in page and "生成本周周报并提交审批" in page
        # A timestamp sent by the client is ignored: the server's time is stored.
        response = officer.post(
            "/reports/prepare/",
            {"week": "1", "submitted_at": "2022-06-01 08:00", "prepared_at": "x"},
        )
        s = WeeklySubmission.objects.get()
        assert response["Location"] == f"/reports/{s.pk}/"
        assert s.prepared_at == bj("2022-06-03 10:00")
        assert "待审批" in text(head.get("/"))  # the head's home panel
        assert "审批并报送" in text(head.get(f"/reports/{s.pk}/"))
        assert "审批并报送" not in text(officer.get(f"/reports/{s.pk}/"))
        assert officer.post(f"/reports/{s.pk}/approve/").status_code == 403
    with at("2022-06-03 16:59:30"):
        head.post(
            f"/reports/{s.pk}/approve/", {"submitted_at": "2022-06-01 08:00", "reauth": PASSWORD}
        )
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED and s.submitted_at == bj("2022-06-03 16:59:30")
    event = AuditEvent.objects.get(event="submit", object_id=str(s.pk))
    assert (event.username, event.role, event.unit_code) == (
        "p_head_a",
        "township_head",
        "411081100",
    )
    assert event.ts.tzinfo is not None and event.detail["content_hash"] == s.content_hash
    with at("2022-06-04 09:00"):
        grid = text(reviewer.get("/reports/"))
        assert "火龙镇" in grid and "按时报送" in grid and f'href="/reports/{s.pk}/"' in grid
        detail = text(reviewer.get(f"/reports/{s.pk}/"))
        assert "张三户C级危房未挂牌" in detail and "火龙镇人民政府" in detail
        assert s.content_hash in detail and "本乡镇首次报送" in detail
        # A return without a reason: the message is next to the field, nothing changes.
        bad = reviewer.post(
            f"/reports/{s.pk}/return/", {"reason": "", "new_due_at": "2022-06-06T17:00"}
        )
        assert bad.status_code == 200
        assert 'id="id_reason_error"' in text(bad) and "退回必须填写退回理由" in text(bad)
        s.refresh_from_db()
        assert s.status == Status.SUBMITTED
        reviewer.post(
            f"/reports/{s.pk}/return/", {"reason": "措施不具体", "new_due_at": "2022-06-06T17:00"}
        )
        s.refresh_from_db()
        assert s.status == Status.RETURNED and s.new_due_at == bj("2022-06-06 17:00")
        page = text(officer.get("/reports/"))
        assert "已退回" in page and "退回理由：措施不具体" in page and "重新生成并提交审批" in page
    with at("2022-06-05 09:00"):
        officer.post("/reports/prepare/", {"week": "1"})
        again = WeeklySubmission.objects.latest("id")
        head.post(f"/reports/{again.pk}/approve/", {"reauth": PASSWORD})
        reviewer.post(f"/reports/{again.pk}/accept/")
    again.refresh_from_db()
    assert again.status == Status.ACCEPTED and again.resubmission_of == s
    with at("2022-06-05 09:10"):
        assert "已通过" in text(officer.get("/reports/"))


def test_refusals_are_shown_in_chinese(as_user, schedule, officer_a, send):
    send(1, "2022-06-03 15:00")
    with at("2022-06-03 16:00"):
        response = as_user(officer_a).post("/reports/prepare/", {"week": "1"}, follow=True)
    assert "不能重复报送" in text(response)
    assert WeeklySubmission.objects.count() == 1


def test_grid_shows_every_state_in_colour_and_text(
    as_user, campaign, schedule, township_b, officer_b, head_b, send, city_reviewer
):
    send(1, "2022-06-03 16:00")
    send(2, "2022-06-10 17:00:01")
    send(1, "2022-06-04 10:00", township=township_b, officer=officer_b, head=head_b)
    with at("2022-06-11 09:00"):
        page = text(as_user(city_reviewer).get("/reports/"))
    for label in ("按时报送", "逾期报送", "未报送", "待报送"):
        assert label in page
    assert "rep-late" in page and "逾期1秒" in page
    assert "table-responsive mb-3" in page  # scrolls sideways on a phone


def test_compare_two_weeks(
    as_user, campaign, schedule, officer_a, send, entry, city_reviewer, township_a
):
    from anju.rectification import services as ledger_services

    first = entry()
    send(1, "2022-06-03 15:00")
    with at("2022-06-06 10:00"):
        ledger_services.update_entry(
            actor=officer_a, entry=first, data={"measures": "6月8日前挂牌"}
        )
    entry(description="李四户补助未足额发放")
    send(2, "2022-06-10 15:00")
    with at("2022-06-11 09:00"):
        page = text(
            as_user(city_reviewer).get(f"/reports/compare/?township={township_a.pk}&a=1&b=2")
        )
        assert "新增 1 条，删除 0 条，修改 1 条" in page
        assert "李四户补助未足额发放" in page
        assert "<del>由村两委于6月10日前完成挂牌并拍照存档</del>" in page
        assert "<ins>6月8日前挂牌</ins>" in page
        missing = text(
            as_user(city_reviewer).get(f"/reports/compare/?township={township_a.pk}&a=1&b=3")
        )
        assert "火龙镇第3周没有已报送的周报" in missing


def test_scope_on_every_url(
    as_user, campaign, schedule, send, officer_b, head_b, worker_a, township_a, officer_a
):
    s = send(1, "2022-06-03 15:00")
    with at("2022-06-03 15:30"):
        pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
        as_user(officer_a).post("/reports/work-plans/upload/", {"file": pdf})
    plan = WorkPlan.objects.get()
    other = as_user(officer_b)
    other_head = as_user(head_b)
    with at("2022-06-04 09:00"):
        before = AuditEvent.objects.filter(event="permission_denied").count()
        assert other.get(f"/reports/{s.pk}/").status_code == 404
        assert other.post(f"/reports/{s.pk}/refresh/").status_code == 404
        assert other.post(f"/reports/{s.pk}/download/").status_code == 404
        assert other.get(f"/reports/work-plans/{plan.pk}/file/").status_code == 404
        assert other_head.post(f"/reports/{s.pk}/approve/").status_code == 404
        assert other_head.get(f"/reports/{s.pk}/").status_code == 404
        for url in (
            f"/reports/{s.pk}/approve/",
            f"/reports/{s.pk}/accept/",
            f"/reports/{s.pk}/return/",
        ):
            assert other.post(url).status_code == 403
        assert AuditEvent.objects.filter(event="permission_denied").count() > before
        # Lists and comparisons show only their own township.
        assert "火龙镇" not in text(other.get("/reports/"))
        page = text(other.get(f"/reports/compare/?township={township_a.pk}&a=1&b=1"))
        assert "顺店镇第1周没有已报送的周报" in page
        plans = text(other.get("/reports/work-plans/"))
        assert "火龙镇" not in plans and "方案.pdf" not in plans
        # A village worker has no business here.
        for url in ("/reports/", f"/reports/{s.pk}/", "/reports/compare/", "/reports/work-plans/"):
            assert as_user(worker_a).get(url).status_code == 403
        # The township itself and the city can.
        assert as_user(officer_a).get(f"/reports/{s.pk}/").status_code == 200
        assert as_user(officer_a).get(f"/reports/work-plans/{plan.pk}/file/").status_code == 200


def test_the_snapshot_downloads_as_the_official_workbook(
    as_user, schedule, send, entry, city_reviewer
):
    from openpyxl import load_workbook

    entry()
    s = send(1, "2022-06-03 15:00")
    with at("2022-06-04 09:00"):
        response = as_user(city_reviewer).post(f"/reports/{s.pk}/download/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "单位（盖章）：火龙镇人民政府"
    assert sheet["A3"].value == "2022年6月3日"
    assert sheet["D5"].value == "张三户C级危房未挂牌"
    assert AuditEvent.objects.filter(event="export", object_type="reporting.weekly_ledger").exists()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes(extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("方案.pdf", b"<html><script>alert(1)</script></html>", "不是 PDF、DOC 或 DOCX 文件"),
        ("方案.docx", b"PK\x03\x04broken", "已损坏"),
        ("方案.docx", docx_bytes({"word/vbaProject.bin": b"x"}), "含有宏"),
        ("方案.pdf", b"%PDF-1.4 /JavaScript (app.alert(1)) %%EOF", "含有脚本"),
        ("方案.pdf", b"", "空文件"),
        ("方案.doc", OLE + "Workbook".encode("utf-16-le"), "不是 Word 文档"),
        ("方案.doc", OLE + "WordDocument Macros".encode("utf-16-le"), "含有宏"),
    ],
)
def test_work_plan_uploads_are_checked_by_content(
    as_user, campaign, officer_a, name, content, error
):
    with at("2022-05-25 10:00"):
        response = as_user(officer_a).post(
            "/reports/work-plans/upload/", {"file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 200
    assert error in text(response)
    assert 'id="id_file_error"' in text(response)
    assert not WorkPlan.objects.exists()


def test_work_plans_are_stored_under_generated_names_and_the_city_sees_who_has_not(
    as_user, campaign, schedule, officer_a, city_reviewer, settings
):
    with at("2022-05-25 10:00"):
        upload = SimpleUploadedFile("../../etc/火龙镇方案.docx", docx_bytes())
        as_user(officer_a).post("/reports/work-plans/upload/", {"file": upload})
        plan = WorkPlan.objects.get()
        assert plan.original_name == "火龙镇方案.docx" and plan.extension == ".docx"
        assert plan.file.name.startswith(f"work-plans/{plan.township_id}/")
        assert "火龙镇方案" not in plan.file.name and ".." not in plan.file.name
        page = text(as_user(city_reviewer).get("/reports/work-plans/"))
        assert "已上传 <strong>1</strong> 个乡镇" in page and "顺店镇" in page and "未上传" in page
        response = as_user(city_reviewer).get(f"/reports/work-plans/{plan.pk}/file/")
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    with at("2022-05-25 10:02"):
        doc = SimpleUploadedFile("方案.doc", OLE + "WordDocument".encode("utf-16-le"))
        as_user(officer_a).post("/reports/work-plans/upload/", {"file": doc})
    assert WorkPlan.objects.latest("id").extension == ".doc"
    settings.WORK_PLAN_MAX_BYTES = 10
    with at("2022-05-25 10:05"):
        response = as_user(officer_a).post(
            "/reports/work-plans/upload/",
            {"file": SimpleUploadedFile("大.pdf", b"%PDF-" + b"x" * 20)},
        )
    assert "过大，工作方案不能超过 10 字节" in text(response)


def test_home_panels(as_user, campaign, schedule, officer_a, city_reviewer, send):
    send(1, "2022-06-03 15:00")
    with at("2022-06-08 10:00"):
        officer_home = text(as_user(officer_a).get("/"))
        assert "周报 · 第2周" in officer_home and "6月10日（星期五）17:00" in officer_home
        city_home = text(as_user(city_reviewer).get("/"))
        assert "周报 · 第2周" in city_home and "各乡镇逐周报送情况" in city_home


def test_pages_without_a_schedule_say_so(as_user, campaign, city_admin, officer_a):
    with at("2022-05-25 10:00"):
        assert "尚未设置本轮" in text(as_user(officer_a).get("/reports/"))
        assert "设置报送安排" in text(as_user(city_admin).get("/reports/"))
