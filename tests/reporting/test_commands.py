"""The commands: export_ledger (stable interface), reporting_reminders, and the demo step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from anju.rectification import services as ledger_services
from anju.reporting import services
from anju.reporting.models import WeeklySubmission
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_weeks(send, entry, officer_a):
    """Week 1 sent with one entry; then the entry is edited and a second one added."""
    first = entry()
    s1 = send(1, "2022-06-03 15:00")
    with at("2022-06-06 10:00"):
        ledger_services.update_entry(
            actor=officer_a, entry=first, data={"measures": "6月8日前挂牌"}
        )
    entry(
        nature="共性问题",
        description="部分农户房屋安全鉴定结果未出具",
        measures="6月9日前由镇住建所集中出具鉴定结果",
        deadline=dt.date(2022, 6, 9),
    )
    return s1


def test_export_ledger_for_a_week_is_the_snapshot_sent_then(two_weeks, tmp_path, capsys):
    out = tmp_path / "w1.xlsx"
    with at("2022-06-12 10:00"):
        call_command("export_ledger", "--township", "411081100", "--out", str(out), "--week", "1")
    assert "已导出火龙镇第1周报送的台账（1 条）" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "禹州市脱贫攻坚农村危房改造情况排查整改台账"
    assert sheet["A2"].value == "单位（盖章）：火龙镇人民政府"
    assert sheet["A3"].value == "2022年6月3日"  # the submission date
    assert [c.value for c in sheet[4]] == [
        "序号",
        "问题类型",
        "问题性质",
        "问题表述",
        "整改措施",
        "完成时限",
        "责任单位",
    ]
    row = [c.value for c in sheet[5]]
    assert row[:4] == [1, "农村危房改造", "个性问题", "张三户C级危房未挂牌"]
    # the measures as sent, then the entry's progress as it stood when week 1 was frozen
    assert row[4] == "由村两委于6月10日前完成挂牌并拍照存档\n整改进度：待整改（6月1日起）"
    assert row[5] == dt.datetime(2022, 6, 10) and row[6] == "火龙镇人民政府"
    assert sheet["A6"].value is None  # one entry only: week 1 knew nothing of the second
    assert sheet["A7"].value.startswith("备注：“问题类型”指农村危房改造")
    assert AuditEvent.objects.filter(event="export", object_type="reporting.export_ledger").exists()


def test_export_ledger_without_week_is_todays_ledger(two_weeks, tmp_path):
    out = tmp_path / "now.xlsx"
    with at("2022-06-12 10:00"):
        call_command("export_ledger", "--township", "411081100", "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet["A3"].value == "2022年6月12日"
    assert sheet["E5"].value.split("\n")[0] == "6月8日前挂牌"
    assert [sheet["B6"].value, sheet["C6"].value, sheet["D6"].value] == [
        "农村危房改造",
        "共性问题",
        "部分农户房屋安全鉴定结果未出具",
    ]


def test_export_ledger_refuses_an_unknown_township_or_a_week_without_a_report(
    two_weeks, tmp_path, capsys
):
    out = tmp_path / "x.xlsx"
    with at("2022-06-12 10:00"):
        with pytest.raises(SystemExit) as exc:
            call_command("export_ledger", "--township", "999999999", "--out", str(out))
        assert exc.value.code == 1
        assert "找不到乡镇“999999999”" in capsys.readouterr().err
        with pytest.raises(SystemExit) as exc:
            call_command(
                "export_ledger", "--township", "411081100", "--out", str(out), "--week", "2"
            )
        assert exc.value.code == 1
        assert "火龙镇第2周没有已报送的周报" in capsys.readouterr().err
    assert not out.exists()


def test_export_ledger_refuses_a_county_without_a_round(township_a, tmp_path, capsys):
    """No current round: a message and exit 1, no file (it wrote the file, then failed on
    the missing round while auditing the export)."""
    from anju.campaigns.models import Campaign

    Campaign.objects.update(is_active=False)
    out = tmp_path / "x.xlsx"
    with pytest.raises(SystemExit) as exc:
        call_command("export_ledger", "--township", "411081100", "--out", str(out))
    assert exc.value.code == 1
    assert "尚无“回头看”工作" in capsys.readouterr().err
    assert not out.exists()


def test_reminders_due_soon_returned_and_overdue(
    campaign, schedule, township_a, officer_a, head_a, officer_b, send, city_reviewer
):
    def mine(user, kind):
        return list(Reminder.objects.filter(user=user, kind=kind).values_list("title", flat=True))

    with at("2022-06-02 16:59"):  # more than 24 h before 6月3日 17:00
        call_command("reporting_reminders")
    assert mine(officer_a, "weekly_due_soon") == []
    with at("2022-06-02 17:00"):
        call_command("reporting_reminders")
        call_command("reporting_reminders")  # again: nothing new
    assert mine(officer_a, "weekly_due_soon") == [
        "第1周周报将于6月3日（星期五）17:00截止，请及时生成并提交审批"
    ]
    assert len(mine(officer_b, "weekly_due_soon")) == 1
    s = send(1, "2022-06-03 16:00")  # 火龙镇 sends; 顺店镇 does not
    with at("2022-06-03 17:01"):
        call_command("reporting_reminders")
    assert mine(officer_a, "weekly_overdue") == []
    assert mine(officer_b, "weekly_overdue") == [
        "顺店镇第1周周报已过截止时间（6月3日（星期五）17:00）仍未报送"
    ]
    with at("2022-06-04 09:00"):
        services.return_submission(
            actor=city_reviewer,
            submission=s,
            reason="措施不具体",
            new_due_at=bj("2022-06-06 17:00"),
        )
        call_command("reporting_reminders")
    assert len(mine(officer_a, "weekly_returned")) == 1  # sent at the return, not again
    assert len(mine(head_a, "weekly_returned")) == 1
    with at("2022-06-06 17:05"):  # the new due time passed without a resubmission
        call_command("reporting_reminders")
    assert mine(head_a, "weekly_overdue") == [
        "火龙镇第1周周报已过截止时间（6月6日（星期一）17:00）仍未报送"
    ]


def test_a_returned_report_resent_and_accepted_no_longer_shows_as_returned(
    as_user, campaign, schedule, township_a, officer_a, head_a, officer_b, send, city_reviewer
):
    def pending(user, kind):
        return Reminder.objects.filter(user=user, kind=kind, done_at__isnull=True).count()

    with at("2022-06-03 17:01"):
        call_command("reporting_reminders")  # 火龙镇 and 顺店镇 are overdue
    assert pending(officer_a, "weekly_overdue") == 1 and pending(officer_b, "weekly_overdue") == 1
    s = send(1, "2022-06-03 18:00")  # late, but sent: 火龙镇's overdue reminder is done with
    assert pending(officer_a, "weekly_overdue") == 0 and pending(officer_b, "weekly_overdue") == 1
    with at("2022-06-04 09:00"):
        services.return_submission(
            actor=city_reviewer,
            submission=s,
            reason="措施不具体",
            new_due_at=bj("2022-06-06 17:00"),
        )
    assert pending(officer_a, "weekly_returned") == 1 and pending(head_a, "weekly_returned") == 1
    resent = send(1, "2022-06-06 10:00")
    assert resent.resubmission_of_id == s.pk
    with at("2022-06-06 11:00"):
        services.accept(actor=city_reviewer, submission=resent)
        call_command("reporting_reminders")  # nothing comes back
    assert pending(officer_a, "weekly_returned") == 0 and pending(head_a, "weekly_returned") == 0
    page = as_user(officer_a).get("/reminders/").content.decode()
    assert "周报被市住建局退回：措施不具体" in page and "已处理</span>" in page
    assert "条未读" not in as_user(head_a).get("/").content.decode()  # nothing left to do


def test_the_hourly_run_marks_done_what_was_resolved_before_it_existed(
    campaign, schedule, township_a, officer_a, send, city_reviewer, capsys
):
    """Reminders of a database older than ``done_at``: the run finds their cause resolved."""
    with at("2022-06-03 17:01"):
        call_command("reporting_reminders")
    s = send(1, "2022-06-03 18:00")
    with at("2022-06-04 09:00"):
        services.return_submission(
            actor=city_reviewer,
            submission=s,
            reason="措施不具体",
            new_due_at=bj("2022-06-06 17:00"),
        )
    send(1, "2022-06-06 10:00")
    Reminder.objects.update(done_at=None)
    capsys.readouterr()
    with at("2022-06-06 11:05"):
        call_command("reporting_reminders")
    # overdue and returned, each to the officer and the head
    assert "标为已处理 4 条" in capsys.readouterr().out
    assert not Reminder.objects.filter(
        user=officer_a, kind__in=["weekly_overdue", "weekly_returned"], done_at__isnull=True
    ).exists()


def test_the_demo_builds_a_live_schedule_and_a_history(capsys):
    from anju.campaigns.models import Campaign

    call_command("demo", "--households", "0")
    campaign = Campaign.objects.current()
    schedule = services.schedule_of(campaign)
    assert schedule is not None
    count = WeeklySubmission.objects.count()
    statuses = set(WeeklySubmission.objects.values_list("status", flat=True))
    assert {"submitted", "accepted", "returned"} <= statuses
    assert WeeklySubmission.objects.filter(submitted_at__gt=models_f("due_at")).exists()  # late
    call_command("verify_reports")
    call_command("demo", "--households", "0")
    assert WeeklySubmission.objects.count() == count
    assert "演示周报：已有周报，跳过" in capsys.readouterr().out


def models_f(name):
    from django.db.models import F

    return F(name)
