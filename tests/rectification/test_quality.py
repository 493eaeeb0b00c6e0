"""Ledger quality checks: vague measures (heuristics as word lists), deadlines, measures
copied across townships, closed without evidence, and ledgers thinner than screening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.rectification import quality, services
from anju.rectification.models import LedgerEntry
from anju.rectification.quality import read_measure

GOOD = [
    "由村两委于本周五前完成挂牌并拍照存档",
    "6月15日前补发到张某某户一卡通账户",
    "2022年6月10日前委托鉴定站对3户房屋重新鉴定",
    "拆除李某户旧房，6月20日前验收",
    "核实王某某户改造面积，更正系统信息",
    "补录5户鉴定日期和鉴定人员",
    "对张某户屋面进行维修加固",
    "六月十日前完成挂牌",
    "１５日内补齐档案资料",  # full-width digits
    "12月3日前重新悬挂标识牌并拍照存档",  # 悬挂 is a concrete verb (#17 item 10)
    "重新悬挂标识牌",
    "为该户安装门窗",
]
BAD = [
    "加强管理",
    "进一步落实",
    "高度重视，加大力度",
    "切实加强危房改造工作",
    "压实责任，持续推进",
    "尽快整改",
    "完成",  # an action, but neither object nor time
    "全面完成农村危房改造工作",  # the programme's name is not an object
    "张三户",  # an object, but no action
]


@pytest.mark.parametrize("text", GOOD)
def test_concrete_measures_pass(text):
    assert read_measure(text).concrete, read_measure(text)


@pytest.mark.parametrize("text", BAD)
def test_vague_measures_are_flagged(text):
    assert not read_measure(text).concrete


def test_the_message_names_the_entry_and_what_is_missing(make_entry):
    entry = make_entry(measures="加强管理，进一步落实")
    [issue] = quality.measure_issues(entry)
    assert issue.code == "measure_vague" and issue.field == "measures"
    assert issue.message.startswith("第1号：")
    assert "“加强管理”“进一步落实”" in issue.message
    assert "具体动作" in issue.message and "完成时间" in issue.message
    action_only = make_entry(measures="按要求完成")
    [issue] = quality.measure_issues(action_only)
    assert "具体动作" not in issue.message and "对象" in issue.message


def test_the_word_lists_are_data():
    assert {"加强管理", "进一步落实", "高度重视"} <= set(quality.VAGUE_PHRASES)
    assert {"完成", "补发", "挂牌", "鉴定", "拆除", "维修", "加固", "核实", "更正", "补录"} <= set(
        quality.ACTIONS
    )
    assert {"户", "房", "牌", "补助", "档案"} <= set(quality.OBJECTS)


@pytest.mark.django_db
def test_deadline_checks(make_entry, campaign):
    entry = make_entry()
    assert quality.deadline_issues(entry, campaign) == []
    LedgerEntry.objects.filter(pk=entry.pk).update(deadline=campaign.ends_on + dt.timedelta(days=1))
    entry.refresh_from_db()
    [outside] = quality.deadline_issues(entry, campaign)
    assert outside.code == "deadline_outside" and "不在本轮" in outside.message
    LedgerEntry.objects.filter(pk=entry.pk).update(deadline=None)
    entry.refresh_from_db()
    [missing] = quality.deadline_issues(entry, campaign)
    assert missing.code == "deadline_missing" and missing.message.startswith("第1号")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月19日前完成挂牌", ["2026-12-19"]),
        ("2026年12月19日前", ["2026-12-19"]),
        ("2026-12-19前", ["2026-12-19"]),
        ("十二月十九日前", ["2026-12-19"]),
        ("１２月１９号前", ["2026-12-19"]),  # full-width digits
        ("12月底前", ["2026-12-31"]),
        ("1月10日前", ["2027-01-10"]),  # within a round that runs into the next year
        ("6月15日前", ["2026-06-15"]),  # outside the round: the year it starts
        ("2月30日前", []),  # not a day
        ("对3-5户进行核实", []),
        ("12月5户", []),
    ],
)
def test_the_days_a_measure_names(text, expected):
    days = quality.dates_in_measure(text, dt.date(2026, 11, 1), dt.date(2027, 2, 28))
    assert [d.isoformat() for _, d in days] == expected


@pytest.mark.django_db
def test_a_measure_naming_a_day_after_its_deadline_is_flagged(make_entry, campaign):
    deadline = dt.date.today() + dt.timedelta(days=3)  # the round ends in 30 days
    late = deadline + dt.timedelta(days=14)
    entry = make_entry(
        measures=f"{late.month}月{late.day}日前完成张某户挂牌并拍照存档", deadline=deadline
    )
    [issue] = quality.check_entry(entry)
    assert issue.code == "measure_after_deadline" and issue.field == "measures"
    assert issue.message.startswith("第1号：整改措施写“")
    assert f"（{late:%Y-%m-%d}），晚于完成时限 {deadline:%Y-%m-%d}" in issue.message
    assert [i.code for i in quality.check_entries(LedgerEntry.objects.all())] == [issue.code]
    on_time = make_entry(
        measures=f"{deadline.month}月{deadline.day}日前完成张某户挂牌", deadline=deadline
    )
    assert quality.check_entry(on_time) == []


@pytest.mark.django_db
def test_a_measure_copied_word_for_word_across_townships(
    make_entry, township_b, officer_b, campaign
):
    a = make_entry(measures="本周五前完成张某户挂牌。")
    own = make_entry(measures="本周五前完成张某户挂牌")  # same township: not a copy
    entries_a = LedgerEntry.objects.filter(township=a.township)
    assert [i.code for i in quality.check_entries(entries_a)] == []
    make_entry(
        township=township_b,
        village=None,
        actor=officer_b,
        measures="本周五前 完成张某户挂牌 ",  # spaces and punctuation do not hide a copy
    )
    copied = [i for i in quality.check_entries(entries_a) if i.code == "measure_copied"]
    assert [i.entry_id for i in copied] == [a.pk, own.pk]
    assert "另外 1 个乡镇" in copied[0].message and "顺店镇" not in copied[0].message
    named = quality.check_entries(entries_a, name_townships=True)
    assert "顺店镇" in [i for i in named if i.code == "measure_copied"][0].message


@pytest.mark.django_db
def test_drafts_are_not_counted_as_copies(make_entry, township_b, officer_b):
    make_entry(measures="统一措施：完成挂牌")
    make_entry(
        township=township_b,
        village=None,
        actor=officer_b,
        draft=True,
        measures="统一措施：完成挂牌",
        deadline=None,
    )
    assert quality.check_entries(LedgerEntry.objects.all()) == []


@pytest.mark.django_db
def test_closed_without_evidence(make_entry, officer_a, head_a, photo):
    entry = make_entry()
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    services.transition(actor=head_a, entry=entry, name="close")
    assert quality.check_entries(LedgerEntry.objects.all()) == []
    entry.evidence.all().delete()  # e.g. closed before the rule, or evidence removed
    [issue] = quality.check_entries(LedgerEntry.objects.all())
    assert issue.code == "closed_no_evidence" and "已销号" in issue.message


@pytest.mark.django_db
def test_the_officer_sees_the_checks_on_the_entry_page(
    as_user, officer_a, make_entry, ledger_campaign
):
    entry = make_entry(measures="高度重视")
    body = (
        as_user(officer_a)
        .get(reverse("rectification:entry_detail", args=[entry.pk]))
        .content.decode()
    )
    assert "本条目的质量提示" in body and "“高度重视”" in body


@pytest.mark.django_db
def test_the_city_sees_counts_per_township_and_thin_ledgers(
    as_user, city_reviewer, make_entry, ledger_campaign, households_a, township_a
):
    from django.utils import timezone

    from anju.screening.models import Finding
    from tests.factories import make_household

    make_entry(measures="加强管理")
    now = timezone.now()
    for n in range(6):
        h = make_household(households_a[0].village, head_name=f"户{n}")
        Finding.objects.create(
            rule_code="A1-01",
            aspect="1",
            severity="E",
            household=h,
            township=township_a,
            village=h.village,
            message="没有鉴定",
            opened_at=now,
            updated_at=now,
        )
    response = as_user(city_reviewer).get(reverse("rectification:quality"))
    row = next(r for r in response.context["rows"] if r["township"] == township_a)
    codes = list(quality.CHECKS)
    assert row["counts"][codes.index("measure_vague")] == 1
    assert row["counts"][codes.index("ledger_thin")] == 1
    assert (row["screened"], row["linked"]) == (6, 0)
    body = response.content.decode()
    assert "系统筛查发现 6 户存在问题，台账只涉及 0 户" in body
    detail = as_user(city_reviewer).get(
        reverse("rectification:quality") + f"?township={township_a.pk}"
    )
    assert [i.code for i in detail.context["issues"]] == ["measure_vague"]


@pytest.mark.django_db
def test_a_township_sees_only_its_own_quality(as_user, officer_b, make_entry, ledger_campaign):
    make_entry(measures="加强管理")
    response = as_user(officer_b).get(reverse("rectification:quality"))
    assert response.context["issues"] == [] and response.context["rows"] == []
