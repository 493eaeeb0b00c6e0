"""Aspect 1 — safety determination: A1-01 … A1-06 on both sides of each condition."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import make_household
from tests.screening.helpers import fires

pytestmark = pytest.mark.django_db
D = dt.date


# A1-01: not 无房户 and no assessment
def test_a1_01_fires_on_a_household_with_a_house_and_no_assessment(village_a):
    h = make_household(village_a, no_house=False)
    assert fires(h, "A1-01") == "有住房（未登记为无房户），但没有住房安全性鉴定（评定）记录"


def test_a1_01_treats_an_unfilled_no_house_flag_as_having_a_house(village_a):
    assert fires(make_household(village_a), "A1-01")


def test_a1_01_does_not_fire_on_a_no_house_household(village_a):
    assert fires(make_household(village_a, no_house=True), "A1-01") is None


def test_a1_01_does_not_fire_once_assessed(village_a):
    assert fires(make_household(village_a, grade="A"), "A1-01") is None


# A1-02: assessment with empty date or assessor, or result not issued
def test_a1_02_fires_on_each_gap_and_names_it(village_a):
    h = make_household(village_a, grade="C", assessed_on=None, assessor="", result_issued=False)
    assert fires(h, "A1-02") == "鉴定日期为空，鉴定人员为空，鉴定结果未出具"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"assessed_on": None}, "鉴定日期为空"),
        ({"assessor": ""}, "鉴定人员为空"),
        ({"result_issued": False}, "鉴定结果未出具"),
    ],
)
def test_a1_02_fires_on_one_gap(village_a, fields, message):
    assert fires(make_household(village_a, grade="B", **fields), "A1-02") == message


def test_a1_02_does_not_fire_on_a_complete_assessment(village_a):
    assert fires(make_household(village_a, grade="B"), "A1-02") is None


def test_a1_02_does_not_fire_when_result_issued_is_unknown(village_a):
    assert fires(make_household(village_a, grade="B", result_issued=None), "A1-02") is None


def test_a1_02_does_not_fire_without_an_assessment(village_a):
    assert fires(make_household(village_a), "A1-02") is None


# A1-03: assessed and plaque not posted
def test_a1_03_fires_when_assessed_and_plaque_is_no(village_a):
    h = make_household(village_a, grade="C", assessed_on=D(2022, 1, 10), plaque_posted=False)
    assert fires(h, "A1-03") == "已鉴定为C级（鉴定日期 2022-01-10），是否挂牌为“否”"


@pytest.mark.parametrize("posted", [True, None])
def test_a1_03_does_not_fire_when_posted_or_unknown(village_a, posted):
    assert fires(make_household(village_a, grade="C", plaque_posted=posted), "A1-03") is None


def test_a1_03_does_not_fire_without_an_assessment(village_a):
    assert fires(make_household(village_a, plaque_posted=False), "A1-03") is None


# A1-04: plaque grade differs from the current grade
def test_a1_04_fires_when_the_plaque_shows_another_grade(village_a):
    h = make_household(village_a, grade="D", plaque_posted=True, plaque_grade="C")
    assert fires(h, "A1-04") == "挂牌等级 C级，与鉴定等级 D级不一致"


def test_a1_04_does_not_fire_when_the_plaque_matches(village_a):
    h = make_household(village_a, grade="D", plaque_posted=True, plaque_grade="D")
    assert fires(h, "A1-04") is None


def test_a1_04_uses_the_post_completion_grade_once_accepted(village_a):
    accepted = {"method": "原址重建", "accepted_on": D(2022, 4, 1), "post_grade": "A"}
    ok = make_household(
        village_a, grade="D", plaque_posted=True, plaque_grade="A", renovation=accepted
    )
    old = make_household(
        village_a, grade="D", plaque_posted=True, plaque_grade="D", renovation=dict(accepted)
    )
    assert fires(ok, "A1-04") is None
    assert fires(old, "A1-04") == "挂牌等级 D级，与验收后等级 A级不一致"


@pytest.mark.parametrize(
    "renovation",
    [
        {"method": "原址重建", "accepted_on": D(2022, 4, 1), "post_grade": ""},
        {"method": "原址重建", "accepted_on": None, "post_grade": "A"},
    ],
)
def test_a1_04_keeps_the_assessment_grade_until_accepted_with_a_grade(village_a, renovation):
    h = make_household(
        village_a, grade="D", plaque_posted=True, plaque_grade="D", renovation=renovation
    )
    assert fires(h, "A1-04") is None


@pytest.mark.parametrize(("posted", "shown"), [(True, ""), (False, "C"), (None, "C")])
def test_a1_04_does_not_fire_on_a_missing_plaque_or_grade(village_a, posted, shown):
    h = make_household(village_a, grade="D", plaque_posted=posted, plaque_grade=shown)
    assert fires(h, "A1-04") is None


def test_a1_04_does_not_fire_without_any_grade_on_file(village_a):
    h = make_household(village_a, plaque_posted=True, plaque_grade="C")
    assert fires(h, "A1-04") is None


# A1-05: suspicion reported after the last assessment, or never assessed
def test_a1_05_fires_when_reported_after_the_assessment(village_a):
    h = make_household(
        village_a, grade="B", assessed_on=D(2022, 1, 10), suspected_reported_on=D(2022, 1, 11)
    )
    assert fires(h, "A1-05") == (
        "疑似危房上报日期 2022-01-11，晚于最近一次鉴定日期 2022-01-10，上报后未重新鉴定"
    )


def test_a1_05_does_not_fire_when_assessed_the_same_day_or_later(village_a):
    same = make_household(
        village_a, grade="B", assessed_on=D(2022, 1, 10), suspected_reported_on=D(2022, 1, 10)
    )
    later = make_household(
        village_a, grade="B", assessed_on=D(2022, 1, 10), suspected_reported_on=D(2022, 1, 9)
    )
    assert fires(same, "A1-05") is None
    assert fires(later, "A1-05") is None


def test_a1_05_fires_when_reported_and_never_assessed(village_a):
    h = make_household(village_a, suspected_reported_on=D(2022, 3, 1))
    assert fires(h, "A1-05") == "疑似危房上报日期 2022-03-01，之后没有鉴定记录"


def test_a1_05_does_not_fire_without_a_report_or_without_an_assessment_date(village_a):
    assert fires(make_household(village_a, grade="B"), "A1-05") is None
    undated = make_household(
        village_a, grade="B", assessed_on=None, suspected_reported_on=D(2022, 3, 1)
    )
    assert fires(undated, "A1-05") is None


# A1-06: dangerous site and grade other than D
@pytest.mark.parametrize("grade", ["A", "B", "C"])
def test_a1_06_fires_on_a_dangerous_site_not_graded_d(village_a, grade):
    h = make_household(village_a, grade=grade, dangerous_site=True)
    assert fires(h, "A1-06") == f"是否危险场地为“是”，鉴定等级为{grade}级，应为D级"


def test_a1_06_does_not_fire_on_d_or_a_safe_site_or_no_grade(village_a):
    assert fires(make_household(village_a, grade="D", dangerous_site=True), "A1-06") is None
    assert fires(make_household(village_a, grade="C", dangerous_site=False), "A1-06") is None
    assert fires(make_household(village_a, grade="C", dangerous_site=None), "A1-06") is None
    assert fires(make_household(village_a, dangerous_site=True), "A1-06") is None
