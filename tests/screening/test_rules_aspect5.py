"""Aspect 5 — quality and the household file: A5-01 … A5-06."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.models import Campaign
from tests.factories import make_household
from tests.screening.helpers import days_before, fires

pytestmark = pytest.mark.django_db
D = dt.date
FILES = {
    "file_application": True,
    "file_assessment": True,
    "file_agreement": True,
    "file_acceptance": True,
    "file_photos_before": True,
    "file_photos_after": True,
    "file_payment_voucher": True,
}
CHECKED = {
    "foundation_checked_on": D(2022, 2, 1),
    "structure_checked_on": D(2022, 3, 1),
    "final_checked_on": D(2022, 4, 1),
}


def renovated(village, method="原址重建", **fields):
    return make_household(village, grade="D", renovation={"method": method, **fields})


# A5-01: completed, not accepted, more than accept_days (30)
def test_a5_01_fires_the_day_after_accept_days(village_a):
    late = renovated(village_a, completed_on=days_before(31))
    on_time = renovated(village_a, completed_on=days_before(30))
    assert fires(late, "A5-01") == "竣工日期 2022-05-01，至 2022-06-01 已 31 天，超过 30 天仍未验收"
    assert fires(on_time, "A5-01") is None


def test_a5_01_follows_the_campaigns_accept_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"A5-01": {"accept_days": 7}}
    campaign.save()
    late = renovated(village_a, completed_on=days_before(8))
    on_time = renovated(village_a, completed_on=days_before(7))
    assert fires(late, "A5-01") == "竣工日期 2022-05-24，至 2022-06-01 已 8 天，超过 7 天仍未验收"
    assert fires(on_time, "A5-01") is None


def test_a5_01_does_not_fire_once_accepted_or_without_completion(village_a):
    assert (
        fires(
            renovated(village_a, completed_on=days_before(90), accepted_on=days_before(1)), "A5-01"
        )
        is None
    )
    assert fires(renovated(village_a), "A5-01") is None


# A5-02: accepted and post-completion grade empty, C or D
@pytest.mark.parametrize(
    ("grade", "message"),
    [
        ("", "验收日期 2022-04-01，验收后等级为空"),
        ("C", "验收日期 2022-04-01，验收后等级为C级，应为A级或B级"),
        ("D", None),
    ],
)
def test_a5_02_fires_on_an_accepted_house_not_graded_a_or_b(village_a, grade, message):
    h = renovated(village_a, accepted_on=D(2022, 4, 1), post_grade=grade)
    got = fires(h, "A5-02")
    assert got == message if message else got.endswith("验收后等级为D级，应为A级或B级")


@pytest.mark.parametrize("grade", ["A", "B"])
def test_a5_02_does_not_fire_on_a_or_b(village_a, grade):
    assert fires(renovated(village_a, accepted_on=D(2022, 4, 1), post_grade=grade), "A5-02") is None


def test_a5_02_does_not_fire_before_acceptance(village_a):
    assert fires(renovated(village_a, post_grade="C"), "A5-02") is None


# A5-03 (warning): required check dates missing after acceptance
def test_a5_03_rebuild_needs_three_checks(village_a):
    full = renovated(village_a, accepted_on=D(2022, 4, 5), **CHECKED)
    assert fires(full, "A5-03") is None
    gap = renovated(
        village_a, accepted_on=D(2022, 4, 5), **{**CHECKED, "structure_checked_on": None}
    )
    assert fires(gap, "A5-03") == "改造方式为原址重建，已验收，缺少主体结构检查日期"


def test_a5_03_reinforcement_needs_the_final_check_only(village_a):
    ok = renovated(village_a, "加固维修", accepted_on=D(2022, 4, 5), final_checked_on=D(2022, 4, 1))
    assert fires(ok, "A5-03") is None
    gap = renovated(
        village_a, "加固维修", accepted_on=D(2022, 4, 5), **{**CHECKED, "final_checked_on": None}
    )
    assert fires(gap, "A5-03") == "改造方式为加固维修，已验收，缺少竣工检查日期"


@pytest.mark.parametrize(
    ("field", "label"),
    [("foundation_checked_on", "地基基础检查"), ("final_checked_on", "竣工检查")],
)
def test_a5_03_rebuild_fires_on_each_missing_check_alone(village_a, field, label):
    gap = renovated(village_a, accepted_on=D(2022, 4, 5), **{**CHECKED, field: None})
    assert fires(gap, "A5-03") == f"改造方式为原址重建，已验收，缺少{label}日期"


def test_a5_03_other_protection_is_exempt(village_a):
    h = make_household(
        village_a, no_house=True, renovation={"method": "其他保障", "accepted_on": D(2022, 4, 5)}
    )
    assert fires(h, "A5-03") is None


def test_a5_03_does_not_fire_before_acceptance(village_a):
    assert fires(renovated(village_a), "A5-03") is None


# A5-04 (warning): an item of the household file is 否 or empty after acceptance
def test_a5_04_fires_on_missing_file_items_and_names_them(village_a):
    h = renovated(
        village_a,
        accepted_on=D(2022, 4, 5),
        **{**FILES, "file_agreement": False, "file_payment_voucher": None},
    )
    assert fires(h, "A5-04") == "已验收，一户一档缺少：改造协议、补助凭证"


def test_a5_04_does_not_fire_on_a_complete_file_or_before_acceptance(village_a):
    assert fires(renovated(village_a, accepted_on=D(2022, 4, 5), **FILES), "A5-04") is None
    assert fires(renovated(village_a), "A5-04") is None


# A5-05: rebuild accepted with 未入住, or (原址/异地重建) old house not demolished
def test_a5_05_fires_when_not_moved_in(village_a):
    h = renovated(village_a, "新建", accepted_on=D(2022, 4, 5), moved_in=False)
    assert fires(h, "A5-05") == "新建已验收，是否入住为“否”"


@pytest.mark.parametrize("method", ["原址重建", "异地重建"])
def test_a5_05_fires_when_the_old_house_stands(village_a, method):
    h = renovated(village_a, method, accepted_on=D(2022, 4, 5), moved_in=True, old_demolished=False)
    assert fires(h, "A5-05") == f"{method}已验收，旧房是否拆除为“否”"


def test_a5_05_does_not_fire_for_new_builds_old_house_or_unknowns(village_a):
    assert (
        fires(
            renovated(village_a, "新建", accepted_on=D(2022, 4, 5), old_demolished=False), "A5-05"
        )
        is None
    )
    assert fires(renovated(village_a, accepted_on=D(2022, 4, 5)), "A5-05") is None
    assert (
        fires(renovated(village_a, "加固维修", accepted_on=D(2022, 4, 5), moved_in=False), "A5-05")
        is None
    )
    assert fires(renovated(village_a, moved_in=False, old_demolished=False), "A5-05") is None


# A5-06 (warning): a renovation without craftsman qualification
def test_a5_06_fires_on_a_renovation_without_craftsman(village_a):
    assert fires(renovated(village_a), "A5-06") == "改造方式为原址重建，施工人员资质为空"
    assert fires(renovated(village_a, craftsman="工匠证 豫2021-0042"), "A5-06") is None
    assert fires(make_household(village_a, grade="D"), "A5-06") is None
