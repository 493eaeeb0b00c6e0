"""The final submission end to end through the pages — generate, sign, upload the sealed
scan, return, generate again, accept — with its audit trail, and who may do what."""

from __future__ import annotations

import hashlib

import pytest

from anju.acceptance import services
from anju.acceptance.models import FinalSubmission, SealedScan, Status
from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from tests.acceptance.conftest import NARRATIVE, png
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def stored(field) -> bytes:
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def test_the_full_flow_through_the_pages(
    as_user, campaign, ready, officer_a, head_a, city_reviewer, township_a
):
    officer, head, reviewer = as_user(officer_a), as_user(head_a), as_user(city_reviewer)
    page = text(officer.get("/acceptance/"))
    assert "火龙镇 · 总结验收" in page and "未提交" in page and "生成并提交主要负责人签字" in page
    assert 'class="table-responsive' not in page or 'tabindex="0"' in page

    # The officer writes the narrative and generates the draft (待签字).
    response = officer.post("/acceptance/prepare/", NARRATIVE)
    assert response.status_code == 302 and response["Location"] == "/acceptance/"
    s = FinalSubmission.objects.get()
    assert s.status == Status.AWAITING_SIGNATURE and s.entry_count == 3
    assert s.situation == NARRATIVE["situation"]
    assert hashlib.sha256(stored(s.docx)).hexdigest() == s.docx_sha256
    assert "整改报告和整改台账待您签字" in text(head.get("/"))  # home panel
    head_page = text(head.get("/acceptance/"))
    assert "签字确认" in head_page and "待签字" in head_page
    assert "签字确认" not in text(officer.get("/acceptance/"))

    # The head signs: server time, both files' SHA-256, the ledger hash, the seal.
    response = head.post(
        f"/acceptance/{s.pk}/sign/",
        {"next": "index", "signed_at": "2000-01-01", "reauth": PASSWORD},
    )
    assert response["Location"] == "/acceptance/"
    s.refresh_from_db()
    assert s.status == Status.SIGNED and s.signed_by == head_a and s.signed_by_name == "p_head_a"
    assert s.signed_at.year > 2000 and len(s.seal) == 64
    sign = AuditEvent.objects.get(event="sign", object_id=str(s.pk))
    assert (sign.username, sign.role, sign.unit_code) == ("p_head_a", "township_head", "411081100")
    assert sign.ts.tzinfo is not None
    assert sign.detail["docx_sha256"] == hashlib.sha256(stored(s.docx)).hexdigest()
    assert sign.detail["xlsx_sha256"] == hashlib.sha256(stored(s.xlsx)).hexdigest()
    assert sign.detail["ledger_hash"] == s.ledger_hash

    # The officer uploads the sealed scan (待审核): one CREATE event for the scan.
    page = text(officer.get("/acceptance/"))
    assert "已签字待上传" in page and 'type="file" name="file"' in page
    response = officer.post(f"/acceptance/{s.pk}/scan/", {"file": png(), "next": "index"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.AWAITING_REVIEW
    scan = SealedScan.objects.get()
    assert (
        AuditEvent.objects.filter(
            event="create", object_type="acceptance.sealedscan", object_id=str(scan.pk)
        ).count()
        == 1
    )

    # The city sees 待审核 in its list and returns it: a reason is required.
    listing = text(reviewer.get("/acceptance/"))
    assert "火龙镇" in listing and "待审核" in listing and "未提交" in listing
    assert f'href="/acceptance/{s.pk}/"' in listing
    assert '<div class="acc-scroll table-responsive mb-3" tabindex="0"' in listing
    bad = reviewer.post(f"/acceptance/{s.pk}/return/", {"reason": " "})
    assert bad.status_code == 200 and "退回必须填写退回理由" in text(bad)
    s.refresh_from_db()
    assert s.status == Status.AWAITING_REVIEW
    reviewer.post(f"/acceptance/{s.pk}/return/", {"reason": "典型案例写得太简略"})
    s.refresh_from_db()
    assert s.status == Status.RETURNED and s.return_reason == "典型案例写得太简略"
    assert AuditEvent.objects.filter(event="return", object_id=str(s.pk)).count() == 1

    # The township prepares a new one; the returned one stays as history.
    page = text(officer.get("/acceptance/"))
    assert "退回理由：典型案例写得太简略" in page and "修改" not in page.split("提交记录")[0][:0]
    officer.post("/acceptance/prepare/", {**NARRATIVE, "cases": "甲一村王五户危房已挂牌。"})
    again = FinalSubmission.objects.exclude(pk=s.pk).get()
    assert again.resubmission_of == s and again.status == Status.AWAITING_SIGNATURE
    returned = Reminder.objects.filter(kind="final_returned")
    assert returned.exists() and not returned.filter(done_at__isnull=True).exists()
    head.post(f"/acceptance/{again.pk}/sign/", {"reauth": PASSWORD})
    officer.post(f"/acceptance/{again.pk}/scan/", {"file": png()})
    reviewer.post(f"/acceptance/{again.pk}/accept/")
    again.refresh_from_db()
    assert again.status == Status.ACCEPTED and again.reviewed_by == city_reviewer
    assert AuditEvent.objects.filter(event="accept", object_id=str(again.pk)).count() == 1
    history = text(officer.get("/acceptance/"))
    assert "已通过" in history and "已退回" in history
    assert "市住建局已审核通过（此前退回 1 次）" in text(reviewer.get("/acceptance/"))

    # Downloads are audited exports of exactly the signed bytes.
    response = reviewer.post(f"/acceptance/{again.pk}/download/docx/")
    assert response.status_code == 200 and response.content == stored(again.docx)
    assert "attachment" in response["Content-Disposition"]
    export = AuditEvent.objects.filter(event="export").latest("id")
    assert export.detail["sha256"] == again.docx_sha256
    response = officer.post(f"/acceptance/{again.pk}/download/xlsx/")
    assert response.status_code == 200 and response.content == stored(again.xlsx)
    scan = SealedScan.objects.filter(submission=again).get()
    response = reviewer.post(f"/acceptance/scans/{scan.pk}/download/")
    assert response.status_code == 200 and response.content == stored(scan.file)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_the_head_of_the_township_signs(
    as_user, campaign, ready, officer_a, head_a, head_b, city_reviewer, hand_in
):
    s = hand_in(sign=False, upload=False)
    for actor in (officer_a, head_b, city_reviewer):
        with pytest.raises(services.AcceptanceError) as refused:
            services.sign(actor=actor, submission=s)
        assert str(refused.value) == "只有火龙镇的乡镇主要负责人可以签字。"
    # Through the pages: the officer's role is refused (403); another head cannot see it (404).
    assert as_user(officer_a).post(f"/acceptance/{s.pk}/sign/").status_code == 403
    assert as_user(head_b).post(f"/acceptance/{s.pk}/sign/").status_code == 404
    s.refresh_from_db()
    assert s.status == Status.AWAITING_SIGNATURE and not s.signed_at
    assert not AuditEvent.objects.filter(event="sign").exists()


def test_the_head_cannot_sign_a_draft_the_ledger_has_moved_past(
    as_user, campaign, ready, officer_a, head_a, hand_in
):
    from anju.rectification import services as ledger_services

    s = hand_in(sign=False, upload=False)
    ledger_services.update_entry(actor=officer_a, entry=ready[0], data={"measures": "当日挂牌"})
    page = text(as_user(head_a).get("/acceptance/"))
    assert "台账又有 1 处变化" in page
    response = as_user(head_a).post(f"/acceptance/{s.pk}/sign/", {"reauth": PASSWORD}, follow=True)
    assert "请经办人重新生成后再签字" in text(response)
    s.refresh_from_db()
    assert s.status == Status.AWAITING_SIGNATURE


def test_the_officer_may_regenerate_until_signed_but_not_after(
    as_user, campaign, ready, officer_a, head_a, hand_in, django_capture_on_commit_callbacks
):
    officer = as_user(officer_a)
    s = hand_in(sign=False, upload=False)
    old_docx = s.docx.name
    with django_capture_on_commit_callbacks(execute=True):  # the old draft's files go
        officer.post("/acceptance/prepare/", {**NARRATIVE, "situation": "新的情况说明。"})
    s.refresh_from_db()
    assert FinalSubmission.objects.count() == 1 and s.situation == "新的情况说明。"
    assert s.docx.name != old_docx and not s.docx.storage.exists(old_docx)
    assert AuditEvent.objects.filter(event="update", object_id=str(s.pk)).exists()
    services.sign(actor=head_a, submission=s)
    response = officer.post("/acceptance/prepare/", NARRATIVE, follow=True)
    assert "已签字待上传" in text(response) and "不能再生成新的一份" in text(response)
    assert FinalSubmission.objects.count() == 1


def test_personal_data_in_the_narrative_is_refused(as_user, campaign, ready, officer_a):
    response = as_user(officer_a).post(
        "/acceptance/prepare/", {**NARRATIVE, "cases": "王五（13812345678）户已挂牌"}
    )
    assert response.status_code == 200 and "个人敏感信息" in text(response)
    assert not FinalSubmission.objects.exists()
