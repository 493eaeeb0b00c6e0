"""退回经办人 (issue #17 item 2): the township head sends a weekly report back to the officer
with a reason instead of approving it — audited, the officer told, nothing sent; the officer
regenerates it and it awaits the head again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from anju.reporting import board, services
from anju.reporting.models import Status, WeeklySubmission
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db

REASON = "第1条整改措施只写了“加强管理”，请写明具体措施"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def awaiting(campaign, schedule, township_a, officer_a, head_a, entry):
    entry()
    with at("2022-06-03 10:00"):
        return services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)


def test_the_head_sends_back_with_a_reason_and_the_officer_regenerates(
    awaiting, campaign, schedule, township_a, officer_a, head_a
):
    with at("2022-06-03 11:00"):
        s = services.send_back(actor=head_a, submission=awaiting, reason=f"  {REASON} ")
    assert s.status == Status.SENT_BACK and s.sent_back_reason == REASON
    assert s.sent_back_by == head_a and s.sent_back_at == bj("2022-06-03 11:00")
    assert s.submitted_at is None and s.seq is None and s.content_hash == ""
    event = AuditEvent.objects.get(event="return", object_id=str(s.pk))
    assert event.detail["reason"] == REASON and event.detail["to"] == "经办人"
    # The officer is told why; the head's 待审批 reminder is done with.
    told = Reminder.objects.get(user=officer_a, kind="weekly_sent_back")
    assert REASON in told.title and told.read_at is None
    assert Reminder.objects.get(user=head_a, kind="weekly_approval").done_at is not None
    # The week is still not sent: the grid shows it as with the township, not as returned.
    c = board.grid(campaign, schedule, [township_a], bj("2022-06-03 12:00"))[0].cells[0]
    assert c.state == board.Timeliness.AWAITING and c.note == "已退回经办人修改"
    # The head cannot approve what was sent back, nor send it back twice.
    with pytest.raises(services.ReportingError, match="已退回经办人"):
        services.approve(actor=head_a, submission=s)
    with pytest.raises(services.ReportingError, match="已退回经办人"):
        services.send_back(actor=head_a, submission=s, reason="再退一次")
    # The officer cannot prepare a second report for the week; regenerating puts it back.
    with at("2022-06-03 12:00"), pytest.raises(services.ReportingError, match="不能重复提交"):
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    with at("2022-06-03 14:00"):
        s = services.refresh(actor=officer_a, submission=s)
    assert s.status == Status.AWAITING and s.prepared_at == bj("2022-06-03 14:00")
    assert Reminder.objects.get(user=officer_a, kind="weekly_sent_back").done_at is not None
    again = Reminder.objects.get(user=head_a, kind="weekly_approval", done_at__isnull=True)
    assert "已由经办人修改后重新提交" in again.title
    with at("2022-06-03 15:00"):
        s = services.approve(actor=head_a, submission=s)
    assert s.status == Status.SUBMITTED and s.on_time
    assert not Reminder.objects.filter(user=head_a, done_at__isnull=True).exists()
    assert WeeklySubmission.objects.count() == 1


def test_only_the_head_of_the_township_sends_back_and_a_reason_is_required(
    awaiting, officer_a, head_b, city_reviewer
):
    for actor in (officer_a, head_b, city_reviewer):
        with pytest.raises(services.ReportingError):
            services.send_back(actor=actor, submission=awaiting, reason=REASON)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING
    assert not AuditEvent.objects.filter(event="return").exists()


def test_a_blank_reason_is_refused(awaiting, head_a):
    with pytest.raises(ValidationError) as refused:
        services.send_back(actor=head_a, submission=awaiting, reason="  ")
    assert "退回经办人必须填写理由" in refused.value.message_dict["reason"][0]
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING


def test_a_sent_report_cannot_be_sent_back(awaiting, head_a):
    with at("2022-06-03 15:00"):
        s = services.approve(actor=head_a, submission=awaiting)
    with pytest.raises(services.ReportingError, match="已报送"):
        services.send_back(actor=head_a, submission=s, reason=REASON)


def test_through_the_pages(as_user, awaiting, officer_a, head_a):
    head, officer = as_user(head_a), as_user(officer_a)
    url = f"/reports/{awaiting.pk}/"
    with at("2022-06-03 11:00"):
        page = text(head.get(url))
        assert "退回经办人" in page and "审批并报送" in page
        assert "退回经办人" not in text(officer.get(url)).split("</h1>")[1].split("整改台账")[0]
        assert officer.post(f"{url}send-back/", {"reason": REASON}).status_code == 403
        # No reason: the message is next to the field, nothing changes.
        refused = head.post(f"{url}send-back/", {"reason": ""})
        assert refused.status_code == 200
        assert "退回经办人必须填写理由" in text(refused)
        awaiting.refresh_from_db()
        assert awaiting.status == Status.AWAITING
        done = head.post(f"{url}send-back/", {"reason": REASON}, follow=True)
        assert "已将第1周周报退回经办人" in text(done)
        assert "乡镇主要负责人已退回经办人" in text(done) and REASON in text(done)
        event = AuditEvent.objects.get(event="return", object_id=str(awaiting.pk))
        assert (event.username, event.role) == ("p_head_a", "township_head")
        mine = text(officer.get("/reports/"))
        assert "被乡镇主要负责人退回经办人的周报" in mine and REASON in mine
        assert "按当前台账重新生成" in text(officer.get(url))
        assert "审批并报送" not in text(head.get(url))
