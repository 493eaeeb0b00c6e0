"""Weekly submissions: prepare → approve (sends) → accept / return → resubmit; timeliness at
the deadline's exact second; every refusal; concurrency."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from anju.reporting import board, services
from anju.reporting import weeks as cal
from anju.reporting.models import Status, WeeklySubmission
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db


def cell_of(campaign, schedule, township, week: int, when: str) -> board.Cell:
    return board.grid(campaign, schedule, [township], bj(when))[0].cells[week - 1]


def test_the_officer_prepares_and_only_the_head_sends(
    campaign, schedule, township_a, officer_a, head_a, entry
):
    entry()
    with at("2022-06-03 10:00"):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    assert s.status == Status.AWAITING and s.submitted_at is None and s.content_hash == ""
    assert s.entry_count == 1 and s.entries[0]["description"] == "张三户C级危房未挂牌"
    assert s.prepared_at == bj("2022-06-03 10:00")
    # Not sent until the head approves: the grid says 待审批, and after the due time it is overdue.
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-03 18:00").state == "awaiting"
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-03 18:00").overdue
    # The head was told.
    assert Reminder.objects.get(user=head_a).title.startswith("火龙镇第1周周报待您审批")
    # The officer cannot approve.
    with pytest.raises(services.ReportingError, match="只有火龙镇的乡镇主要负责人可以审批"):
        services.approve(actor=officer_a, submission=s)
    with at("2022-06-03 16:30:12"):
        s = services.approve(actor=head_a, submission=s)
    assert s.status == Status.SUBMITTED
    assert s.submitted_at == bj("2022-06-03 16:30:12")
    assert s.approved_by == head_a and s.seq == 1 and s.prev_hash == ""
    assert len(s.content_hash) == 64
    assert AuditEvent.objects.filter(event="submit", object_id=str(s.pk)).count() == 1
    assert Reminder.objects.get(user=head_a).done_at is not None  # the approval is done


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        ("2022-06-03 16:59:59", "on_time"),
        ("2022-06-03 17:00:00", "on_time"),
        ("2022-06-03 17:00:01", "late"),
        ("2022-06-03 17:01:00", "late"),
    ],
)
def test_timeliness_at_the_deadlines_exact_second(
    campaign, schedule, township_a, send, entry, moment, state
):
    entry()
    s = send(1, moment)
    assert s.on_time is (state == "on_time")
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-05 10:00").state == state


def test_sec_24_the_server_clock_stamps_the_submission(
    campaign, schedule, township_a, officer_a, head_a
):
    with at("2022-06-03 16:00"):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    with at("2022-06-03 17:00:00.999"):
        s = services.approve(actor=head_a, submission=s)
    assert s.submitted_at == bj("2022-06-03 17:00:00") and s.on_time


def test_missing_and_not_yet_due(campaign, schedule, township_a):
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-03 17:00:00").state == "not_due"
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-03 17:00:01").state == "missing"


def test_a_second_submission_for_the_same_week_is_refused(
    campaign, schedule, township_a, officer_a, send
):
    send(1, "2022-06-03 15:00")
    with at("2022-06-03 16:00"), pytest.raises(services.ReportingError) as exc:
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    assert "火龙镇第1周周报已于6月3日（星期五）15:00报送，不能重复报送" in str(exc.value)
    assert "下一次报送时作为变化列出" in str(exc.value)


def test_a_second_preparation_while_awaiting_approval_is_refused(
    campaign, schedule, township_a, officer_a
):
    with at("2022-06-03 10:00"):
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
        with pytest.raises(services.ReportingError, match="正等待乡镇主要负责人审批，不能重复提交"):
            services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    assert WeeklySubmission.objects.count() == 1


def test_the_database_keeps_one_live_report_per_week(campaign, schedule, township_a, send):
    s = send(1, "2022-06-03 15:00")
    twin = WeeklySubmission(
        campaign=campaign,
        township=township_a,
        week=1,
        due_at=s.due_at,
        prepared_by_name="x",
        prepared_at=s.prepared_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_submission_after_the_phase_closed_is_refused(
    campaign, schedule, township_a, officer_a, head_a
):
    with at("2022-06-15 23:00"):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=3)
    with at("2022-06-16 00:00"):
        with pytest.raises(services.ReportingError) as exc:
            services.approve(actor=head_a, submission=s)
        assert str(exc.value) == "排查整改阶段已于2022年6月15日结束，不能再报送周报。"
        with pytest.raises(services.ReportingError, match="排查整改阶段已于2022年6月15日结束"):
            services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=2)
    s.refresh_from_db()
    assert s.status == Status.AWAITING


def test_a_week_that_has_not_started_or_does_not_exist_is_refused(
    campaign, schedule, township_a, officer_a
):
    with at("2022-06-03 10:00"):
        with pytest.raises(services.ReportingError, match="第2周（6月4日—6月10日）尚未开始"):
            services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=2)
        with pytest.raises(services.ReportingError, match="第9周不在本轮排查整改阶段内（共3周）"):
            services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=9)


def test_without_a_schedule_nothing_can_be_sent(campaign, township_a, officer_a):
    with at("2022-06-03 10:00"), pytest.raises(services.ReportingError, match="尚未设置"):
        services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)


def test_another_townships_officer_cannot_prepare(campaign, schedule, township_a, officer_b):
    with (
        at("2022-06-03 10:00"),
        pytest.raises(services.ReportingError, match="只有火龙镇的乡镇经办人"),
    ):
        services.prepare(actor=officer_b, campaign=campaign, township=township_a, week=1)


def test_a_return_needs_a_reason_and_a_new_due_time_in_the_phase(
    campaign, schedule, send, city_reviewer
):
    s = send(1, "2022-06-03 15:00")
    with at("2022-06-04 09:00"):
        with pytest.raises(services.ValidationError) as exc:
            services.return_submission(
                actor=city_reviewer, submission=s, reason="  ", new_due_at=bj("2022-06-06 17:00")
            )
        assert exc.value.message_dict == {
            "reason": ["退回必须填写退回理由，写明需要乡镇改正什么。"]
        }
        with pytest.raises(services.ValidationError) as exc:
            services.return_submission(
                actor=city_reviewer, submission=s, reason="措施不具体", new_due_at=None
            )
        assert exc.value.message_dict == {"new_due_at": ["请填写重新报送截止时间。"]}
        with pytest.raises(services.ValidationError) as exc:
            services.return_submission(
                actor=city_reviewer,
                submission=s,
                reason="措施不具体",
                new_due_at=bj("2022-06-04 08:00"),
            )
        assert "应晚于现在" in exc.value.message_dict["new_due_at"][0]
        with pytest.raises(services.ValidationError) as exc:
            services.return_submission(
                actor=city_reviewer,
                submission=s,
                reason="措施不具体",
                new_due_at=bj("2022-06-16 09:00"),
            )
        assert (
            "不能晚于排查整改阶段结束（2022年6月15日 24:00）"
            in exc.value.message_dict["new_due_at"][0]
        )
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED and s.return_reason == ""


def test_return_and_resubmit_against_the_new_due_time(
    campaign, schedule, township_a, officer_a, head_a, send, city_reviewer, entry
):
    first = entry()
    s = send(1, "2022-06-03 18:00")  # late
    assert not s.on_time
    with at("2022-06-04 09:00"):
        s = services.return_submission(
            actor=city_reviewer,
            submission=s,
            reason="第1号整改措施没有写明完成时间",
            new_due_at=bj("2022-06-06 17:00"),
        )
    assert s.status == Status.RETURNED and s.new_due_at == bj("2022-06-06 17:00")
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-05 10:00").state == "returned"
    told = Reminder.objects.get(user=officer_a, kind="weekly_returned")
    assert "第1周周报被市住建局退回：第1号整改措施没有写明完成时间" in told.title
    assert "6月6日（星期一）17:00前重新报送" in told.title
    assert AuditEvent.objects.filter(event="return", object_id=str(s.pk)).count() == 1
    # The returned report cannot be accepted or returned again.
    with (
        at("2022-06-04 09:05"),
        pytest.raises(services.ReportingError, match="当前为“已退回”，不能通过"),
    ):
        services.accept(actor=city_reviewer, submission=s)
    # The township fixes the entry and sends the week again, before the new due time.
    from anju.rectification import services as ledger_services

    with at("2022-06-05 09:00"):
        ledger_services.update_entry(
            actor=officer_a, entry=first, data={"measures": "由村两委于6月8日前完成挂牌并拍照存档"}
        )
    again = send(1, "2022-06-06 16:00")
    assert again.resubmission_of == s and again.due_at == bj("2022-06-06 17:00")
    assert again.on_time and again.seq == 2 and again.prev_hash == s.content_hash
    assert again.compared_with == s
    assert (
        again.differences["changed"][0]["fields"]["measures"][1]
        == "由村两委于6月8日前完成挂牌并拍照存档"
    )
    assert cell_of(campaign, schedule, township_a, 1, "2022-06-07 10:00").state == "on_time"
    with at("2022-06-07 10:00"):
        services.accept(actor=city_reviewer, submission=again)
    again.refresh_from_db()
    assert again.status == Status.ACCEPTED and again.reviewed_by == city_reviewer


def test_head_of_another_township_and_officers_cannot_review(
    campaign, schedule, send, officer_a, head_b
):
    s = send(1, "2022-06-03 15:00")
    with at("2022-06-04 09:00"):
        with pytest.raises(services.ReportingError, match="只有市住建局审核员"):
            services.accept(actor=officer_a, submission=s)
        with pytest.raises(services.ReportingError, match="只有火龙镇的乡镇主要负责人"):
            services.approve(actor=head_b, submission=s)


def test_two_heads_pressing_approve_at_once_send_once(
    campaign, schedule, township_a, officer_a, head_a
):
    with at("2022-06-03 10:00"):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
        stale = WeeklySubmission.objects.get(pk=s.pk)
        services.approve(actor=head_a, submission=s)
        # The second click works on the copy it loaded before the first one sent it.
        with pytest.raises(services.ReportingError, match="当前为“已报送”，不能审批报送"):
            services.approve(actor=head_a, submission=stale)
    assert WeeklySubmission.objects.get().seq == 1
    assert AuditEvent.objects.filter(event="submit").count() == 1


def test_a_conditional_update_refuses_a_report_changed_underneath(
    campaign, schedule, send, city_reviewer
):
    s = send(1, "2022-06-03 15:00")
    with at("2022-06-04 09:00"):
        services.accept(actor=city_reviewer, submission=WeeklySubmission.objects.get(pk=s.pk))
        with pytest.raises(services.ReportingError, match="当前为“已通过”，不能退回"):
            services.return_submission(
                actor=city_reviewer, submission=s, reason="晚了", new_due_at=bj("2022-06-06 17:00")
            )


def test_regenerating_while_awaiting_takes_the_current_ledger(
    campaign, schedule, township_a, officer_a, head_a, entry
):
    entry()
    with at("2022-06-03 10:00"):
        s = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
    entry(description="李四户补助未足额发放")
    with at("2022-06-03 11:00"):
        s = services.refresh(actor=officer_a, submission=s)
    assert s.entry_count == 2 and s.prepared_at == bj("2022-06-03 11:00")
    with at("2022-06-03 12:00"):
        services.approve(actor=head_a, submission=s)
        with pytest.raises(services.ReportingError, match="已报送，不能再重新生成"):
            services.refresh(actor=officer_a, submission=s)


def test_the_visit_coverage_is_frozen_with_the_report(campaign, schedule, send, township_a):
    from anju.audit.models import jsonable
    from anju.visits import coverage

    s = send(1, "2022-06-03 15:00")
    assert s.extras["visits"] == jsonable(coverage.coverage(township_a, campaign))
    assert s.extras["visits"]["in_scope"] == 0
    assert s.extras["monitoring"]["lists"] is False  # no department list imported yet


def test_the_months_monitoring_is_frozen_with_the_report_and_shown(
    campaign, schedule, send, township_a, as_user, head_a, tmp_path
):
    """动态监测 (#18 step 4): the month's households new on the department lists."""
    from tests.monitoring.lists import command, family, fpjc_book

    rows = family(1) + family(2, "顺店镇", "乙一村")
    path = fpjc_book(tmp_path / "5月.xlsx", rows, titles=("监测对象", "数据截至：2022年5月31日"))
    assert command("import_list", "--source", "fpjc", str(path))[0] == 0
    s = send(3, "2022-06-15 15:00")
    figure = s.extras["monitoring"]
    assert (figure["label"], figure["assess_due"]) == ("2022年6月", "6月20日")
    assert (figure["new"], figure["in_time"], figure["waiting"], figure["overdue"]) == (1, 0, 1, 0)
    page = as_user(head_a).get(f"/reports/{s.pk}/").content.decode()
    assert "动态监测（2022年6月）" in page
    assert "部门名单新增农户 1 户，按时完成鉴定 0 户，待鉴定（6月20日前）1 户" in page


def test_a_figure_that_fails_does_not_block_the_report(campaign, schedule, send, monkeypatch):
    from anju.visits import coverage

    monkeypatch.setattr(coverage, "coverage", lambda township, campaign: 1 / 0)
    s = send(1, "2022-06-03 15:00")
    assert s.status == Status.SUBMITTED
    assert s.extras["visits"] == {"error": "计算失败，未能随周报报送"}
    assert cal.week(schedule, 1).due_at == s.due_at
