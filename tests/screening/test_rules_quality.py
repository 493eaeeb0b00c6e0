"""Data quality: D-01 (ID check) and D-02 (dates out of order)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.registry import idcard
from tests.factories import fake_id, make_household
from tests.screening.helpers import fires

pytestmark = pytest.mark.django_db
D = dt.date


def wrong_check(valid: str) -> str:
    return valid[:17] + ("0" if valid[17] != "0" else "1")


def test_d_01_fires_on_a_wrong_check_character(village_a):
    bad = wrong_check(fake_id())
    assert not idcard.is_valid(bad)
    h = make_household(village_a, id_number=bad)
    assert fires(h, "D-01") == f"身份证号 {h.id_number_masked} 校验码错误或出生日期不存在"


def test_d_01_fires_on_an_impossible_birth_date(village_a):
    first17 = "41108119990231001"  # 31 February
    h = make_household(village_a, id_number=first17 + idcard.check_char(first17))
    assert fires(h, "D-01")


@pytest.mark.parametrize(
    ("born", "why"), [("20990101", "in the future"), ("17991231", "before 1800")]
)
def test_d_01_fires_on_a_birth_date_out_of_range(village_a, born, why):
    first17 = f"411081{born}001"
    number = first17 + idcard.check_char(first17)
    assert idcard.problems(number) == [f"出生日期 {born} 不存在"], why
    h = make_household(village_a, id_number=number)
    assert fires(h, "D-01") == f"身份证号 {h.id_number_masked} 校验码错误或出生日期不存在"


def test_d_01_does_not_fire_on_a_valid_id(village_a):
    assert fires(make_household(village_a, id_number="11010519491231002X"), "D-01") is None


ASSESSED = D(2021, 12, 1)


def renovated(village, grade="D", assessed_on=ASSESSED, **dates):
    return make_household(
        village, grade=grade, assessed_on=assessed_on, renovation={"method": "原址重建", **dates}
    )


def test_d_02_fires_on_neighbours_out_of_order(village_a):
    h = renovated(village_a, approved_on=D(2022, 2, 2), started_on=D(2022, 2, 1))
    assert fires(h, "D-02") == "开工日期 2022-02-01 早于批准日期 2022-02-02"


def test_d_02_allows_equal_dates(village_a):
    same = D(2022, 2, 1)
    h = renovated(
        village_a,
        assessed_on=same,
        approved_on=same,
        started_on=same,
        completed_on=same,
        accepted_on=same,
        subsidy_paid_on=same,
    )
    assert fires(h, "D-02") is None


def test_d_02_compares_any_two_that_are_set(village_a):
    h = renovated(village_a, approved_on=D(2022, 5, 1), accepted_on=D(2022, 4, 1))
    assert fires(h, "D-02") == "验收日期 2022-04-01 早于批准日期 2022-05-01"


def test_d_02_names_every_pair_out_of_order(village_a):
    h = renovated(
        village_a,
        completed_on=D(2022, 5, 1),
        accepted_on=D(2022, 4, 1),
        subsidy_paid_on=D(2022, 3, 1),
    )
    assert fires(h, "D-02") == (
        "验收日期 2022-04-01 早于竣工日期 2022-05-01；补助发放日期 2022-03-01 早于竣工日期 2022-05-01；"
        "补助发放日期 2022-03-01 早于验收日期 2022-04-01"
    )


def test_d_02_fires_on_an_assessment_after_the_start(village_a):
    h = renovated(village_a, assessed_on=D(2022, 3, 2), started_on=D(2022, 3, 1))
    assert fires(h, "D-02") == "鉴定日期 2022-03-02 晚于开工日期 2022-03-01"
    on_day = renovated(village_a, assessed_on=D(2022, 3, 1), started_on=D(2022, 3, 1))
    assert fires(on_day, "D-02") is None


def test_d_02_does_not_fire_on_missing_dates(village_a):
    assert fires(renovated(village_a, started_on=D(2022, 3, 1)), "D-02") is None
    assert fires(renovated(village_a, assessed_on=None, started_on=D(2022, 3, 1)), "D-02") is None
