"""Aspect 3 — renovation method: A3-01 … A3-04."""

from __future__ import annotations

import pytest

from tests.factories import make_household
from tests.screening.helpers import fires

pytestmark = pytest.mark.django_db


# A3-01 (warning): C rebuilt without a recorded reason
@pytest.mark.parametrize("method", ["原址重建", "异地重建", "新建"])
def test_a3_01_fires_on_a_c_house_rebuilt_without_reason(village_a, method):
    h = make_household(village_a, grade="C", renovation={"method": method})
    assert fires(h, "A3-01") == f"鉴定等级 C级，改造方式为{method}，改造方式说明为空"


def test_a3_01_does_not_fire_with_a_reason_or_when_reinforced(village_a):
    reason = {"method": "原址重建", "method_reason": "墙体开裂严重，无维修价值"}
    assert fires(make_household(village_a, grade="C", renovation=reason), "A3-01") is None
    assert (
        fires(make_household(village_a, grade="C", renovation={"method": "加固维修"}), "A3-01")
        is None
    )
    assert (
        fires(make_household(village_a, grade="D", renovation={"method": "原址重建"}), "A3-01")
        is None
    )


def test_a3_01_does_not_fire_without_an_assessment(village_a):
    h = make_household(village_a, renovation={"method": "原址重建"})
    assert fires(h, "A3-01") is None


# A3-02: D reinforced without a recorded reason
def test_a3_02_fires_on_a_d_house_reinforced_without_reason(village_a):
    h = make_household(village_a, grade="D", renovation={"method": "加固维修"})
    assert fires(h, "A3-02") == "鉴定等级 D级，改造方式为加固维修，改造方式说明为空"


def test_a3_02_does_not_fire_with_a_reason_or_when_rebuilt(village_a):
    kept = {"method": "加固维修", "method_reason": "传统风貌建筑，经鉴定可加固保留"}
    assert fires(make_household(village_a, grade="D", renovation=kept), "A3-02") is None
    assert (
        fires(make_household(village_a, grade="D", renovation={"method": "异地重建"}), "A3-02")
        is None
    )
    assert (
        fires(make_household(village_a, grade="C", renovation={"method": "加固维修"}), "A3-02")
        is None
    )


def test_a3_02_does_not_fire_without_an_assessment(village_a):
    h = make_household(village_a, renovation={"method": "加固维修"})
    assert fires(h, "A3-02") is None


# A3-03: dangerous site rebuilt in place
def test_a3_03_fires_on_rebuilding_in_place_on_a_dangerous_site(village_a):
    h = make_household(village_a, grade="D", dangerous_site=True, renovation={"method": "原址重建"})
    assert fires(h, "A3-03") == "是否危险场地为“是”，改造方式为原址重建"


@pytest.mark.parametrize(
    ("site", "method"), [(True, "异地重建"), (False, "原址重建"), (None, "原址重建")]
)
def test_a3_03_does_not_fire_otherwise(village_a, site, method):
    h = make_household(village_a, grade="D", dangerous_site=site, renovation={"method": method})
    assert fires(h, "A3-03") is None


# A3-04: A/B house with a subsidy
@pytest.mark.parametrize("grade", ["A", "B"])
def test_a3_04_fires_on_a_safe_house_with_a_subsidy(village_a, grade):
    h = make_household(
        village_a, grade=grade, renovation={"method": "加固维修", "subsidy_amount": "0.01"}
    )
    assert fires(h, "A3-04") == f"鉴定等级 {grade}级（非危房），补助金额 0.01元"


@pytest.mark.parametrize("amount", ["0", None])
def test_a3_04_does_not_fire_without_a_subsidy(village_a, amount):
    h = make_household(
        village_a, grade="A", renovation={"method": "加固维修", "subsidy_amount": amount}
    )
    assert fires(h, "A3-04") is None


def test_a3_04_does_not_fire_on_dangerous_or_no_house_households(village_a):
    paid = {"method": "加固维修", "subsidy_amount": "15000"}
    assert fires(make_household(village_a, grade="C", renovation=paid), "A3-04") is None
    assert (
        fires(make_household(village_a, grade="A", no_house=True, renovation=dict(paid)), "A3-04")
        is None
    )
