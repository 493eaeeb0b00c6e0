"""The monthly figures of 动态监测 (issue #18 step 4): per township, the households new on
this month's lists, assessed in time, waiting, and overdue — by the round's days (lists by
the 5th, assessments by the 20th)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.models import Campaign
from anju.monitoring import monthly
from tests.factories import make_household
from tests.monitoring.lists import command, family, fpjc_book, head_id, write_book

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def lists(tmp_path, county, village_a, village_b):
    """October's list (households 1, 2) and November's (1–5 in 火龙镇, 6 in 顺店镇); the
    registry holds 2 (assessed 11-15), 3 (assessed 12-08) and 4 (not assessed)."""
    october = family(1, village="甲一村") + family(2, village="甲一村", 监测对象类别=None)
    november = october + [
        *family(3, village="甲一村"),
        *family(4, village="甲一村", 消除监测时间="无"),
        *family(5, village="甲一村", 是否危房户="/"),
        *family(6, "顺店镇", "乙一村"),
    ]
    for rows, day in ((october, "2023年10月31日"), (november, "2023年11月30日")):
        path = fpjc_book(
            tmp_path / f"{day}.xlsx", rows, titles=("监测对象信息", f"数据截至：{day}")
        )
        assert command("import_list", "--source", "fpjc", str(path))[0] == 0
    make_household(village_a, id_number=head_id(2), grade="B", assessed_on=D(2023, 11, 15))
    make_household(village_a, id_number=head_id(3), grade="C", assessed_on=D(2023, 12, 8))
    make_household(village_a, id_number=head_id(4))
    return Campaign.objects.create(
        name="测试轮次", county=county, starts_on=D(2023, 6, 1), ends_on=D(2024, 6, 30)
    )


def test_before_the_assess_day_new_households_wait_and_last_months_are_overdue(
    lists, township_a, township_b
):
    found = monthly.figures(lists, today=D(2023, 12, 10))
    # December's new: 3, 4, 5 (listed 11-30); 3 assessed in time; 4 and 5 wait until 12-20;
    # November's 1 is not in the registry at all: overdue since 11-20
    assert found[township_a.pk] == monthly.Month(new=3, in_time=1, waiting=2, overdue=1)
    assert found[township_b.pk] == monthly.Month(new=1, in_time=0, waiting=1, overdue=0)


def test_after_the_assess_day_the_unassessed_are_overdue(lists, township_a, township_b):
    found = monthly.figures(lists, today=D(2023, 12, 21))
    assert found[township_a.pk] == monthly.Month(new=3, in_time=1, waiting=0, overdue=3)
    assert found[township_b.pk] == monthly.Month(new=1, in_time=0, waiting=0, overdue=1)


def test_the_round_days_move_the_months(lists, township_a):
    on_the_11th = D(2023, 12, 11)
    assert monthly.figures(lists, today=on_the_11th)[township_a.pk].overdue == 1
    lists.list_due_day, lists.assess_due_day = 1, 10  # assessments by the 10th
    found = monthly.figures(lists, today=on_the_11th)
    assert found[township_a.pk] == monthly.Month(new=3, in_time=1, waiting=0, overdue=3)
    days = monthly.schedule(lists, on_the_11th)
    assert (days.label, days.assess_due) == ("2023年12月", D(2023, 12, 10))


def test_a_household_on_both_lists_counts_once_by_its_earliest_listing(tmp_path, lists, township_a):
    headers = ("序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "救助类别", "状态")
    row = {"乡镇": "火龙镇", "村": "甲一村", "户主姓名": "户5主", "身份证号": head_id(5)}
    path = write_book(
        tmp_path / "民政.xlsx",
        headers,
        [{**row, "保障人数": 3, "救助类别": "农村低保", "状态": "正常"}],
        titles=("低保名单",),
    )
    assert command("import_list", "--source", "minzheng", str(path))[0] == 0
    found = monthly.figures(lists, today=D(2023, 12, 10))
    assert found[township_a.pk] == monthly.Month(new=3, in_time=1, waiting=2, overdue=1)


def reminders(*args) -> str:
    code, out, err = command("monitoring_reminders", *args)
    assert code == 0, err
    return out


def test_officers_are_reminded_of_the_months_new_households_and_the_overdue_ones(
    lists, village_a, officer_a, officer_b, city_reviewer
):
    from anju.core.models import Reminder
    from anju.registry.models import Assessment, Household

    out = reminders("--date", "2023-12-10")
    assert "新发待鉴定提醒 2 条，逾期未鉴定提醒 1 条，名单未导入提醒 0 条" in out
    due = Reminder.objects.get(user=officer_a, kind="monitoring_due")
    assert due.title == (
        "2023年12月部门名单新增农户 3 户，其中 2 户尚未鉴定，须于12月20日前完成住房安全鉴定。"
    )
    assert due.url == "/screening/?aspect=M"
    overdue = Reminder.objects.get(user=officer_a, kind="monitoring_overdue")
    assert overdue.title.startswith("1 户列入部门名单后已过鉴定时限仍未鉴定")
    assert Reminder.objects.get(user=officer_b, kind="monitoring_due").title.startswith(
        "2023年12月部门名单新增农户 1 户，其中 1 户尚未鉴定"
    )
    assert "新发待鉴定提醒 0 条，逾期未鉴定提醒 0 条" in reminders("--date", "2023-12-10")

    # household 4 is assessed: the reminder naming two is done, one naming one is sent
    household = Household.objects.get(head_name="张三", assessment__isnull=True)
    household.assessment = Assessment.objects.create(
        household=household, grade="B", assessed_on=dt.date(2023, 12, 11)
    )
    household.save()
    out = reminders("--date", "2023-12-11")
    assert "新发待鉴定提醒 1 条" in out and "已处理 1 条" in out
    due.refresh_from_db()
    assert due.done_at is not None
    assert (
        Reminder.objects.pending()
        .get(user=officer_a, kind="monitoring_due")
        .title.startswith("2023年12月部门名单新增农户 3 户，其中 1 户尚未鉴定")
    )

    # January: no list of the month yet after its list day; December's unassessed overdue
    out = reminders("--date", "2024-01-08")
    assert "名单未导入提醒 1 条" in out
    missing = Reminder.objects.get(user=city_reviewer, kind="monitoring_list_due")
    assert missing.title == "本月防返贫监测名单应于1月5日前收到并导入，尚未导入。"
    assert missing.url == "/monitoring/lists/"
    assert not Reminder.objects.pending().filter(kind="monitoring_due").exists()
    assert (
        Reminder.objects.pending()
        .get(user=officer_a, kind="monitoring_overdue")
        .title.startswith(
            "2 户"  # 1 and 5 (not in the registry); 4 was assessed late but is assessed
        )
    )


def test_the_rectification_report_states_the_townships_month(lists, township_a, township_b):
    from anju.acceptance.documents import collect
    from anju.documents.reports import rectification_report
    from tests.test_documents import report, text_of

    figures = collect(lists, township_a, [], today=D(2023, 12, 10))
    assert figures["monitoring"] == {
        "label": "2023年12月",
        "list_due": "12月5日",
        "assess_due": "12月20日",
        "lists": True,
        "new": 3,
        "in_time": 1,
        "waiting": 2,
        "overdue": 1,
    }
    text = text_of(rectification_report(report(monitoring=figures["monitoring"])))
    assert (
        "动态监测：2023年12月防返贫监测、民政部门名单新增农户3户，按时完成住房安全鉴定1户，"
        "待鉴定2户（12月20日前完成）；列入名单后超过鉴定时限仍未鉴定1户（含尚未建档的农户），"
        "正在督促完成。"
    ) in text
    calm = collect(lists, township_b, [], today=D(2023, 12, 21))["monitoring"]
    assert calm["overdue"] == 1  # household 6, unassessed after 12-20
    none = {**calm, "new": 2, "in_time": 2, "waiting": 0, "overdue": 0}
    assert "列入名单的农户无逾期未鉴定。" in text_of(rectification_report(report(monitoring=none)))
    assert "动态监测：" not in text_of(rectification_report(report()))  # no list: not stated
