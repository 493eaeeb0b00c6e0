"""Aspect 4 — area, subsidy, own burden: A4-01 … A4-08. Amounts and areas compare
exactly (a cent or a hundredth of a square metre decides), day limits at their boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.campaigns.models import Campaign
from tests.factories import make_household
from tests.screening.helpers import days_before, fires

pytestmark = pytest.mark.django_db
D = dt.date


FINANCES = ("self_funds", "borrowed", "other_subsidy")  # the household's (ADR 0009)


def rebuilt(village, size, **renovation):
    household = {k: renovation.pop(k) for k in FINANCES if k in renovation}
    return make_household(
        village, size=size, grade="D", renovation={"method": "原址重建", **renovation}, **household
    )


# A4-01: rebuild below the minimum area (20/30/40, 13 per person above 3)
@pytest.mark.parametrize(("size", "minimum"), [(1, 20), (2, 30), (3, 40), (4, 52), (6, 78)])
def test_a4_01_fires_just_below_the_minimum(village_a, size, minimum):
    below = rebuilt(village_a, size, area_after=Decimal(minimum) - Decimal("0.01"))
    at = rebuilt(village_a, size, area_after=Decimal(minimum))
    assert fires(below, "A4-01") == (
        f"改造后面积 {minimum - 1}.99㎡，低于{size}人户最低标准{minimum}㎡"
    )
    assert fires(at, "A4-01") is None


def test_a4_01_message_names_the_values(village_a):
    h = rebuilt(village_a, 3, area_after=26)
    assert fires(h, "A4-01") == "改造后面积 26㎡，低于3人户最低标准40㎡"


def test_a4_01_does_not_fire_without_area_or_on_reinforcement(village_a):
    assert fires(rebuilt(village_a, 3), "A4-01") is None
    reinforced = make_household(
        village_a, grade="C", renovation={"method": "加固维修", "area_after": 10}
    )
    assert fires(reinforced, "A4-01") is None


def test_a4_01_uses_a_decimal_per_person_parameter_exactly(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A4-01": {"min_each": "13.3"}}
    campaign.save()
    assert fires(rebuilt(village_a, 4, area_after="53.2"), "A4-01") is None  # 13.3 × 4
    assert fires(rebuilt(village_a, 4, area_after="53.19"), "A4-01")


# A4-02 (warning): rebuild above the guide (60 up to 3 persons, 18 per person above)
@pytest.mark.parametrize(("size", "guide"), [(1, 60), (2, 60), (3, 60), (4, 72), (5, 90)])
def test_a4_02_fires_just_above_the_guide(village_a, size, guide):
    above = rebuilt(village_a, size, area_after=Decimal(guide) + Decimal("0.01"))
    at = rebuilt(village_a, size, area_after=Decimal(guide))
    assert fires(above, "A4-02") == f"改造后面积 {guide}.01㎡，超过{size}人户控制标准{guide}㎡"
    assert fires(at, "A4-02") is None


def test_a4_02_does_not_fire_without_area(village_a):
    assert fires(rebuilt(village_a, 2), "A4-02") is None


@pytest.mark.parametrize("method", ["加固维修", "其他保障"])
def test_a4_02_does_not_fire_on_a_method_that_is_not_a_rebuild(village_a, method):
    h = make_household(
        village_a, size=2, grade="C", renovation={"method": method, "area_after": 200}
    )
    assert fires(h, "A4-02") is None


# A4-03: subsidy above the ceiling
def test_a4_03_reinforcement_ceiling_is_15000(village_a):
    def reinforced(amount):
        return make_household(
            village_a, grade="C", renovation={"method": "加固维修", "subsidy_amount": amount}
        )

    assert fires(reinforced("15000.01"), "A4-03") == (
        "补助金额 15000.01元，超过加固维修补助上限15000元"
    )
    assert fires(reinforced("15000"), "A4-03") is None


@pytest.mark.parametrize(
    ("size", "area", "ceiling", "why"),
    [
        (1, "40", "15120", "630元/㎡×24㎡"),
        (2, "30", "18900", "630元/㎡×30㎡"),
        (3, "50", "30240", "630元/㎡×48㎡"),
        (3, "33.33", "20997.9", "630元/㎡×33.33㎡"),
    ],
)
def test_a4_03_small_rebuild_ceiling_is_630_per_square_metre_up_to_the_cap(
    village_a, size, area, ceiling, why
):
    over = rebuilt(
        village_a, size, area_after=area, subsidy_amount=Decimal(ceiling) + Decimal("0.01")
    )
    at = rebuilt(village_a, size, area_after=area, subsidy_amount=ceiling)
    message = fires(over, "A4-03")
    assert message == (
        f"补助金额 {Decimal(ceiling) + Decimal('0.01')}元，超过{size}人户重建补助上限（{why}）{ceiling}元"
    )
    assert fires(at, "A4-03") is None


def test_a4_03_large_rebuild_ceiling_is_50000(village_a):
    assert fires(rebuilt(village_a, 4, area_after=80, subsidy_amount="50000.01"), "A4-03") == (
        "补助金额 50000.01元，超过4人户重建补助上限50000元"
    )
    assert fires(rebuilt(village_a, 4, subsidy_amount="50000"), "A4-03") is None


def test_a4_03_does_not_fire_on_missing_amount_or_area(village_a):
    assert fires(rebuilt(village_a, 3, area_after=50), "A4-03") is None
    # n ≤ 3: the ceiling depends on the area, so without it the rule does not judge.
    assert fires(rebuilt(village_a, 3, subsidy_amount="40000"), "A4-03") is None
    other = make_household(
        village_a, no_house=True, renovation={"method": "其他保障", "subsidy_amount": "90000"}
    )
    assert fires(other, "A4-03") is None


# A4-04: accepted, no subsidy, more than pay_days (30) since acceptance
@pytest.mark.parametrize("amount", [None, "0"])
def test_a4_04_fires_the_day_after_pay_days(village_a, amount):
    late = rebuilt(village_a, 3, accepted_on=days_before(31), subsidy_amount=amount)
    on_time = rebuilt(village_a, 3, accepted_on=days_before(30), subsidy_amount=amount)
    said = "未填" if amount is None else "为0"
    assert fires(late, "A4-04") == (
        f"验收日期 2022-05-01，至 2022-06-01 已 31 天，超过 30 天补助金额仍{said}"
    )
    assert fires(on_time, "A4-04") is None


def test_a4_04_follows_the_campaigns_pay_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A4-04": {"pay_days": 10}}
    campaign.save()
    late = rebuilt(village_a, 3, accepted_on=days_before(11))
    on_time = rebuilt(village_a, 3, accepted_on=days_before(10))
    assert fires(late, "A4-04") == (
        "验收日期 2022-05-21，至 2022-06-01 已 11 天，超过 10 天补助金额仍未填"
    )
    assert fires(on_time, "A4-04") is None


def test_a4_04_does_not_fire_when_paid_or_not_accepted(village_a):
    assert (
        fires(rebuilt(village_a, 3, accepted_on=days_before(99), subsidy_amount="0.01"), "A4-04")
        is None
    )
    assert fires(rebuilt(village_a, 3), "A4-04") is None


# A4-05 (warning): paid more than pay_days after acceptance
def test_a4_05_fires_when_paid_more_than_30_days_after_acceptance(village_a):
    late = rebuilt(village_a, 3, accepted_on=D(2022, 3, 1), subsidy_paid_on=D(2022, 4, 1))
    on_time = rebuilt(village_a, 3, accepted_on=D(2022, 3, 1), subsidy_paid_on=D(2022, 3, 31))
    assert fires(late, "A4-05") == (
        "验收日期 2022-03-01，补助发放日期 2022-04-01，相隔 31 天，超过 30 天"
    )
    assert fires(on_time, "A4-05") is None


def test_a4_05_follows_its_own_pay_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A4-05": {"pay_days": 60}}
    campaign.save()
    late = rebuilt(village_a, 3, accepted_on=D(2022, 3, 1), subsidy_paid_on=D(2022, 5, 1))
    on_time = rebuilt(village_a, 3, accepted_on=D(2022, 3, 1), subsidy_paid_on=D(2022, 4, 30))
    assert fires(late, "A4-05") == (
        "验收日期 2022-03-01，补助发放日期 2022-05-01，相隔 61 天，超过 60 天"
    )
    assert fires(on_time, "A4-05") is None


def test_a4_05_does_not_fire_without_both_dates(village_a):
    assert fires(rebuilt(village_a, 3, accepted_on=D(2021, 1, 1)), "A4-05") is None
    assert fires(rebuilt(village_a, 3, subsidy_paid_on=D(2022, 4, 1)), "A4-05") is None


# A4-06: paid, channel set and not 一卡通, no agreement
@pytest.mark.parametrize("agreement", [False, None])
def test_a4_06_fires_without_an_agreement(village_a, agreement):
    h = rebuilt(
        village_a, 3, subsidy_amount="20000", payment_channel="其他", payee_agreement=agreement
    )
    assert fires(h, "A4-06") == "补助金额 20000元，发放方式为“其他”（非一卡通），无代发协议"


@pytest.mark.parametrize(
    ("amount", "channel", "agreement"),
    [("20000", "其他", True), ("20000", "一卡通", None), ("20000", "", None), ("0", "其他", None)],
)
def test_a4_06_does_not_fire_otherwise(village_a, amount, channel, agreement):
    h = rebuilt(
        village_a, 3, subsidy_amount=amount, payment_channel=channel, payee_agreement=agreement
    )
    assert fires(h, "A4-06") is None


def test_a4_06_does_not_fire_without_a_subsidy_amount(village_a):
    h = rebuilt(village_a, 3, subsidy_amount=None, payment_channel="其他", payee_agreement=False)
    assert fires(h, "A4-06") is None


# A4-07 (warning): borrowed, or own funds above self_ratio (2) × subsidy
def test_a4_07_fires_on_debt(village_a):
    assert fires(rebuilt(village_a, 3, borrowed=True), "A4-07") == "是否举债为“是”"


def test_a4_07_fires_just_above_twice_the_subsidy(village_a):
    above = rebuilt(village_a, 3, subsidy_amount="10000", self_funds="20000.01")
    at = rebuilt(village_a, 3, subsidy_amount="10000", self_funds="20000")
    assert fires(above, "A4-07") == "自筹资金 20000.01元，超过补助金额 10000元的2倍"
    assert fires(at, "A4-07") is None


def test_a4_07_does_not_fire_on_missing_funds_or_subsidy(village_a):
    assert fires(rebuilt(village_a, 3, subsidy_amount="10000"), "A4-07") is None
    assert fires(rebuilt(village_a, 3, subsidy_amount="0", self_funds="50000"), "A4-07") is None
    assert fires(rebuilt(village_a, 3, self_funds="50000", borrowed=False), "A4-07") is None


def test_a4_07_follows_the_campaigns_ratio(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A4-07": {"self_ratio": "1.5"}}
    campaign.save()
    assert fires(rebuilt(village_a, 3, subsidy_amount="10000", self_funds="15000"), "A4-07") is None
    assert fires(rebuilt(village_a, 3, subsidy_amount="10000", self_funds="15000.01"), "A4-07")


# A4-08: another housing subsidy and this subsidy
def test_a4_08_fires_on_a_double_subsidy(village_a):
    h = rebuilt(village_a, 3, subsidy_amount="15000", other_subsidy="灾后重建")
    assert fires(h, "A4-08") == "已享受灾后重建补助，同时享受危房改造补助 15000元"


def test_a4_08_does_not_fire_otherwise(village_a):
    assert fires(rebuilt(village_a, 3, subsidy_amount="15000", other_subsidy=""), "A4-08") is None
    assert (
        fires(rebuilt(village_a, 3, subsidy_amount="0", other_subsidy="易地搬迁"), "A4-08") is None
    )
    assert fires(rebuilt(village_a, 3, other_subsidy="抗震改造"), "A4-08") is None
