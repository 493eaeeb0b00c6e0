"""After acceptance the ledger changed (签字后台账已变更): the city reopens the accepted
final with a reason (audited), the township generates it again, the head signs again, and
the history keeps both signatures and both frozen hashes (issue #17 item 4)."""

from __future__ import annotations

import pytest

from anju.acceptance import integrity, services
from anju.acceptance.models import FinalSubmission, Status
from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from anju.rectification import services as ledger_services
from tests.acceptance.conftest import NARRATIVE, png
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def accepted(hand_in, city_reviewer):
    s = hand_in()
    return services.accept(actor=city_reviewer, submission=s)


def test_the_city_reopens_and_the_township_signs_again(
    as_user, campaign, ready, accepted, officer_a, head_a, city_reviewer, township_a
):
    s = accepted
    officer, head, reviewer = as_user(officer_a), as_user(head_a), as_user(city_reviewer)
    # The ledger changes after acceptance: the city sees it and has an action.
    ledger_services.update_entry(
        actor=officer_a, entry=ready[0], data={"measures": "由村两委当日完成挂牌"}
    )
    listing = text(reviewer.get("/acceptance/"))
    assert "签字后台账已变更" in listing and f'href="/acceptance/{s.pk}/#reopen"' in listing
    page = text(reviewer.get(f"/acceptance/{s.pk}/"))
    assert "重新打开，要求乡镇重新上报" in page and "重新打开理由" in page
    # The township sees who may act.
    assert "须由市住建局重新打开这一份" in text(officer.get("/acceptance/"))

    # A reason is required.
    bad = reviewer.post(f"/acceptance/{s.pk}/reopen/", {"reason": "  "})
    assert bad.status_code == 200 and "重新打开必须填写理由" in text(bad)
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED
    reason = "验收后台账修改 1 条整改措施，请重新生成、签字并上传"
    response = reviewer.post(f"/acceptance/{s.pk}/reopen/", {"reason": reason}, follow=True)
    assert "已重新打开火龙镇的总结验收材料" in text(response)
    s.refresh_from_db()
    assert s.status == Status.REOPENED and s.reopen_reason == reason
    assert s.reopened_by == city_reviewer and s.reopened_at and s.reviewed_at
    event = AuditEvent.objects.get(event="reopen", object_id=str(s.pk))
    assert event.username == "p_reviewer" and event.detail["reason"] == reason
    assert event.detail["seal"] == s.seal and event.detail["changed_after_signing"] == 1
    assert set(
        Reminder.objects.filter(kind="final_reopened").values_list("user__username", flat=True)
    ) == {"p_officer_a", "p_head_a"}
    # No longer flagged as changed: it is history now, the next one answers for the ledger.
    assert "签字后台账已变更" not in text(reviewer.get("/acceptance/"))
    assert "已重新打开" in text(reviewer.get("/acceptance/"))

    # The township generates again, the head signs again, the scan, the city accepts.
    page = text(officer.get("/acceptance/"))
    assert "重新打开理由：" + reason in page and "生成并提交主要负责人签字" in page
    officer.post("/acceptance/prepare/", NARRATIVE)
    # The township answered: the reopening's reminders are done.
    assert not Reminder.objects.pending().filter(kind="final_reopened").exists()
    again = FinalSubmission.objects.exclude(pk=s.pk).get()
    assert again.resubmission_of == s and again.status == Status.AWAITING_SIGNATURE
    assert again.ledger_hash != s.ledger_hash
    head.post(f"/acceptance/{again.pk}/sign/", {"reauth": PASSWORD})
    officer.post(f"/acceptance/{again.pk}/scan/", {"file": png()})
    reviewer.post(f"/acceptance/{again.pk}/accept/")
    again.refresh_from_db()
    assert again.status == Status.ACCEPTED and again.signed_by == head_a

    # Both signatures and both frozen hashes stay, and both still verify.
    s.refresh_from_db()
    # Signatures are stamped to the second: the second signing may share the first one's.
    assert s.status == Status.REOPENED and s.signed_at <= again.signed_at
    # (the two reports may be byte-identical when generated within the same minute from the
    # same narrative; the ledgers differ, and each keeps its own frozen hashes)
    assert s.seal != again.seal and s.ledger_hash != again.ledger_hash
    assert s.docx_sha256 and again.docx_sha256 and s.xlsx_sha256 and again.xlsx_sha256
    assert AuditEvent.objects.filter(event="sign").count() == 2
    assert integrity.verify() == []
    history = text(officer.get("/acceptance/"))
    assert history.count("签字 · 台账") == 2 and "重新打开后重新生成" in history
    assert "重新打开：" + reason in history
    assert "验收后重新打开，重新生成" in text(reviewer.get(f"/acceptance/{again.pk}/"))
    old = text(reviewer.get(f"/acceptance/{s.pk}/"))
    assert s.seal in old and s.ledger_hash in old and "乡镇已重新生成" in old
    assert "重新打开，要求乡镇重新上报" not in old


def test_only_the_city_reviewer_reopens_and_only_an_accepted_one(
    as_user, campaign, ready, hand_in, officer_a, head_a, city_reviewer, city_admin
):
    s = hand_in()  # 待审核
    with pytest.raises(services.AcceptanceError) as refused:
        services.reopen(actor=city_reviewer, submission=s, reason="台账有变化")
    assert "只有审核通过的材料才能重新打开" in str(refused.value)
    services.accept(actor=city_reviewer, submission=s)
    for user in (officer_a, head_a, city_admin):
        assert as_user(user).post(f"/acceptance/{s.pk}/reopen/", {"reason": "x"}).status_code in (
            403,
            404,
        )
        assert "重新打开，要求乡镇重新上报" not in text(as_user(user).get(f"/acceptance/{s.pk}/"))
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED
    assert not AuditEvent.objects.filter(event="reopen").exists()


def test_reopening_twice_at_once_reopens_once(campaign, ready, accepted, city_reviewer):
    stale = FinalSubmission.objects.get(pk=accepted.pk)
    services.reopen(actor=city_reviewer, submission=accepted, reason="台账有变化")
    with pytest.raises(services.AcceptanceError):
        services.reopen(actor=city_reviewer, submission=stale, reason="台账有变化")
    assert AuditEvent.objects.filter(event="reopen").count() == 1


def test_a_file_field_without_a_file_has_no_sha256():
    """file_sha256 of a field naming no file is None ("missing"), as for a file gone from the
    storage; it used to open the storage's root and fail."""
    from anju.acceptance.models import FinalSubmission

    assert services.file_sha256(FinalSubmission().docx) is None
