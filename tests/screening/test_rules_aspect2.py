"""Aspect 2 — dynamic monitoring: A2-01 … A2-03, with the day boundaries exact."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.models import Campaign
from tests.factories import make_household
from tests.screening.helpers import days_before, fires

pytestmark = pytest.mark.django_db
D = dt.date
ACCEPTED_A = {"method": "原址重建", "accepted_on": D(2022, 4, 1), "post_grade": "A"}


# A2-01: no renovation, and 无房户, or dangerous for more than plan_days (90)
@pytest.mark.parametrize("grade", ["C", "D"])
def test_a2_01_fires_the_day_after_plan_days(village_a, grade):
    late = make_household(village_a, grade=grade, assessed_on=days_before(91))
    on_time = make_household(village_a, grade=grade, assessed_on=days_before(90))
    assert fires(late, "A2-01") == (
        f"{grade}级危房，鉴定日期 2022-03-02，至 2022-06-01 已 91 天，超过 90 天仍未纳入改造"
    )
    assert fires(on_time, "A2-01") is None


def test_a2_01_does_not_fire_on_safe_grades_or_with_a_renovation(village_a):
    assert (
        fires(make_household(village_a, grade="B", assessed_on=days_before(400)), "A2-01") is None
    )
    planned = make_household(
        village_a, grade="D", assessed_on=days_before(400), renovation={"method": "原址重建"}
    )
    assert fires(planned, "A2-01") is None


def test_a2_01_does_not_fire_without_an_assessment_date(village_a):
    assert fires(make_household(village_a, grade="D", assessed_on=None), "A2-01") is None


def test_a2_01_fires_on_a_no_house_household_without_renovation(village_a):
    h = make_household(village_a, no_house=True)
    assert fires(h, "A2-01") == "无房户，尚未安排改造（新建或其他保障）"
    housed = make_household(village_a, no_house=True, renovation={"method": "新建"})
    assert fires(housed, "A2-01") is None


def test_a2_01_follows_the_campaigns_plan_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A2-01": {"plan_days": 30}}
    campaign.save()
    h = make_household(village_a, grade="C", assessed_on=days_before(31))
    assert "超过 30 天" in fires(h, "A2-01")
    assert fires(make_household(village_a, grade="C", assessed_on=days_before(30)), "A2-01") is None


# A2-02: dangerous, renovation not accepted, more than finish_days (180) since assessment
def test_a2_02_fires_the_day_after_finish_days(village_a):
    works = {"method": "加固维修", "started_on": D(2022, 1, 1)}
    late = make_household(village_a, grade="C", assessed_on=days_before(181), renovation=works)
    on_time = make_household(
        village_a, grade="C", assessed_on=days_before(180), renovation=dict(works)
    )
    assert fires(late, "A2-02") == (
        "C级危房，鉴定日期 2021-12-02，至 2022-06-01 已 181 天，超过 180 天仍未验收（改造方式 加固维修）"
    )
    assert fires(on_time, "A2-02") is None


def test_a2_02_follows_the_campaigns_finish_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A2-02": {"finish_days": 60}}
    campaign.save()
    works = {"method": "原址重建"}
    late = make_household(village_a, grade="D", assessed_on=days_before(61), renovation=works)
    on_time = make_household(
        village_a, grade="D", assessed_on=days_before(60), renovation=dict(works)
    )
    assert fires(late, "A2-02") == (
        "D级危房，鉴定日期 2022-04-01，至 2022-06-01 已 61 天，超过 60 天仍未验收（改造方式 原址重建）"
    )
    assert fires(on_time, "A2-02") is None


def test_a2_02_does_not_fire_once_accepted_or_without_renovation_or_date(village_a):
    accepted = make_household(
        village_a,
        grade="D",
        assessed_on=days_before(400),
        renovation={"method": "原址重建", "accepted_on": days_before(10)},
    )
    assert fires(accepted, "A2-02") is None
    assert (
        fires(make_household(village_a, grade="D", assessed_on=days_before(400)), "A2-02") is None
    )
    undated = make_household(
        village_a, grade="D", assessed_on=None, renovation={"method": "原址重建"}
    )
    assert fires(undated, "A2-02") is None
    safe = make_household(
        village_a, grade="B", assessed_on=days_before(400), renovation={"method": "加固维修"}
    )
    assert fires(safe, "A2-02") is None


# A2-03: 风险消除 while housing is unsafe
def test_a2_03_fires_on_a_cleared_target_in_an_unrenovated_dangerous_house(village_a):
    h = make_household(village_a, monitoring_type="脱贫不稳定户", risk_state="风险消除", grade="D")
    assert fires(h, "A2-03") == "风险状态为“风险消除”，但住房为D级危房，尚未改造验收"


def test_a2_03_fires_when_accepted_below_b(village_a):
    h = make_household(
        village_a,
        risk_state="风险消除",
        grade="C",
        renovation={"method": "加固维修", "accepted_on": D(2022, 4, 1), "post_grade": "C"},
    )
    assert fires(h, "A2-03") == "风险状态为“风险消除”，但住房为C级危房，验收后等级为C级"


def test_a2_03_does_not_fire_once_accepted_as_a_or_b(village_a):
    h = make_household(village_a, risk_state="风险消除", grade="D", renovation=dict(ACCEPTED_A))
    assert fires(h, "A2-03") is None


def test_a2_03_does_not_fire_while_the_risk_is_open_or_unknown(village_a):
    assert fires(make_household(village_a, risk_state="风险未消除", grade="D"), "A2-03") is None
    assert fires(make_household(village_a, risk_state="", grade="D"), "A2-03") is None


def test_a2_03_does_not_fire_on_a_safe_house(village_a):
    assert fires(make_household(village_a, risk_state="风险消除", grade="B"), "A2-03") is None


def test_a2_03_no_house_needs_an_accepted_renovation(village_a):
    waiting = make_household(
        village_a, risk_state="风险消除", no_house=True, renovation={"method": "新建"}
    )
    assert fires(waiting, "A2-03") == "风险状态为“风险消除”，但该户为无房户，尚无已验收的改造"
    housed = make_household(
        village_a,
        risk_state="风险消除",
        no_house=True,
        renovation={"method": "新建", "accepted_on": D(2022, 4, 1)},
    )
    assert fires(housed, "A2-03") is None


def test_a2_03_fires_when_accepted_with_an_empty_post_grade(village_a):
    h = make_household(
        village_a,
        risk_state="风险消除",
        grade="D",
        renovation={"method": "原址重建", "accepted_on": D(2022, 4, 1), "post_grade": ""},
    )
    assert fires(h, "A2-03") == "风险状态为“风险消除”，但住房为D级危房，验收后等级未填"


def test_a2_03_fires_on_a_post_grade_a_without_acceptance_date(village_a):
    h = make_household(
        village_a,
        risk_state="风险消除",
        grade="C",
        renovation={"method": "加固维修", "accepted_on": None, "post_grade": "A"},
    )
    assert fires(h, "A2-03") == "风险状态为“风险消除”，但住房为C级危房，尚未改造验收"


def test_a2_03_fires_on_a_no_house_household_without_any_renovation(village_a):
    # RULES.md: "无房户 without an accepted renovation" — no renovation at all is not accepted.
    h = make_household(village_a, risk_state="风险消除", no_house=True)
    assert fires(h, "A2-03") == "风险状态为“风险消除”，但该户为无房户，尚无已验收的改造"


def test_a2_03_does_not_fire_without_an_assessment_unless_no_house(village_a):
    for no_house in (False, None):
        h = make_household(village_a, risk_state="风险消除", no_house=no_house)
        assert fires(h, "A2-03") is None
    renovating = make_household(
        village_a, risk_state="风险消除", no_house=False, renovation={"method": "加固维修"}
    )
    assert fires(renovating, "A2-03") is None
