"""动态监测比对 M-02 … M-06 (docs/SCREENING.md): the registry's households against the
current lists, matched by the keyed hash of the head's ID number, boundaries exact."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.models import Campaign
from anju.registry.choices import KeyGroup
from tests.factories import fake_id, make_household
from tests.monitoring.recon import AS_OF, firing, version

pytestmark = pytest.mark.django_db
D = dt.date
FPJC, MZ = "fpjc", "minzheng"
UNSTABLE = "脱贫不稳定户"


def ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


def on_list(household, **facts) -> dict:
    return {"id_number": household.id_number, "village": household.village, **facts}


# --- M-02: listed, held, no assessment more than assess_days after first listed -----------
def test_m02_fires_the_day_after_assess_days(village_a):
    late, on_time = make_household(village_a), make_household(village_a)
    version(FPJC, on_list(late, first_listed_on=ago(31)), on_list(on_time, first_listed_on=ago(30)))
    assert firing(late)["M-02"] == (
        "防返贫监测名单首次列入日期 2026-11-06，至 2026-12-07 已 31 天，超过 30 天仍无住房安全鉴定"
    )
    assert "M-02" not in firing(on_time)


def test_m02_does_not_fire_once_assessed_or_on_a_no_house_household(village_a):
    assessed = make_household(village_a, grade="B")
    no_house = make_household(village_a, no_house=True)
    version(FPJC, *(on_list(h, first_listed_on=ago(90)) for h in (assessed, no_house)))
    assert "M-02" not in firing(assessed)
    assert "M-02" not in firing(no_house)


def test_m02_counts_from_the_earliest_current_list_and_names_it(village_a):
    h = make_household(village_a)
    version(FPJC, on_list(h, first_listed_on=ago(5)))
    version(MZ, on_list(h, first_listed_on=ago(67), groups=KeyGroup.DIBAO))
    assert "民政名单首次列入日期 2026-10-01，至 2026-12-07 已 67 天" in firing(h)["M-02"]


def test_m02_follows_the_campaigns_assess_days(village_a):
    campaign = Campaign.objects.current()
    campaign.rule_params = {"M-02": {"assess_days": 10}}
    campaign.save()
    late, on_time = make_household(village_a), make_household(village_a)
    version(FPJC, on_list(late, first_listed_on=ago(11)), on_list(on_time, first_listed_on=ago(10)))
    assert "超过 10 天" in firing(late)["M-02"]
    assert "M-02" not in firing(on_time)


def test_only_the_latest_written_version_is_current(village_a):
    h = make_household(village_a)
    version(FPJC, on_list(h, first_listed_on=ago(90)))
    version(FPJC)  # the next month's list no longer holds it
    version(FPJC, on_list(h, first_listed_on=ago(90)), status="checked")  # a dry run
    found = firing(h)
    assert "M-02" not in found
    assert "M-06" in found


# --- M-03: the list says unsafe, the registry's current grade is A/B ----------------------
@pytest.mark.parametrize("grade", ["A", "B"])
def test_m03_fires_on_a_dangerous_listed_house_graded_safe(village_a, grade):
    h = make_household(village_a, grade=grade)
    version(FPJC, on_list(h, dangerous_house=True))
    assert firing(h)["M-03"] == (f"防返贫监测名单是否危房户为“是”，但档案中住房现等级为{grade}级")


def test_m03_fires_on_an_open_housing_risk(village_a):
    h = make_household(village_a, grade="A")
    version(FPJC, on_list(h, housing_risk=True, risk_eliminated=False, dangerous_house=False))
    assert "致贫返贫风险含“因安全住房”且未消除" in firing(h)["M-03"]


def test_m03_reads_the_current_grade_after_acceptance(village_a):
    renovated = make_household(
        village_a,
        grade="D",
        renovation={"method": "原址重建", "accepted_on": D(2026, 3, 1), "post_grade": "A"},
    )
    version(FPJC, on_list(renovated, dangerous_house=True))
    assert "现等级为A级" in firing(renovated)["M-03"]


def test_m03_does_not_fire_otherwise(village_a):
    unsafe = make_household(village_a, grade="C")
    cleared = make_household(village_a, grade="B")
    unassessed = make_household(village_a)
    unknown = make_household(village_a, grade="A")
    version(
        FPJC,
        on_list(unsafe, dangerous_house=True),
        on_list(cleared, housing_risk=True, risk_eliminated=True),
        on_list(unassessed, dangerous_house=True, first_listed_on=ago(1)),
        on_list(unknown, dangerous_house=None),
    )
    for h in (unsafe, cleared, unassessed, unknown):
        assert "M-03" not in firing(h)


# --- M-04: the list says risk eliminated, the registry's house is C/D ---------------------
@pytest.mark.parametrize("grade", ["C", "D"])
def test_m04_fires_on_an_eliminated_risk_in_an_unsafe_house(village_a, grade):
    h = make_household(village_a, grade=grade)
    version(FPJC, on_list(h, risk_eliminated=True, eliminated_on=D(2026, 6, 1)))
    assert firing(h)["M-04"] == (
        f"防返贫监测名单风险已消除（消除监测时间 2026-06-01），但档案中住房现等级为{grade}级，"
        "住房尚不安全"
    )


def test_m04_does_not_fire_when_safe_now_open_or_unknown(village_a):
    renovated = make_household(
        village_a,
        grade="D",
        renovation={"method": "原址重建", "accepted_on": D(2026, 3, 1), "post_grade": "B"},
    )
    still_open = make_household(village_a, grade="D")
    unknown = make_household(village_a, grade="D")
    version(
        FPJC,
        on_list(renovated, risk_eliminated=True),
        on_list(still_open, risk_eliminated=False),
        on_list(unknown, risk_eliminated=None),
    )
    for h in (renovated, still_open, unknown):
        assert "M-04" not in firing(h)


# --- M-05: key groups or monitoring type differ from the lists' ---------------------------
def test_m05_names_a_different_monitoring_type(village_a):
    h = make_household(village_a, grade="B", monitoring_type=UNSTABLE, groups=KeyGroup.UNSTABLE)
    same = make_household(village_a, grade="B", monitoring_type=UNSTABLE, groups=KeyGroup.UNSTABLE)
    version(
        FPJC,
        on_list(h, monitoring_type="边缘易致贫户", groups=KeyGroup.UNSTABLE),
        on_list(same, monitoring_type=UNSTABLE, groups=KeyGroup.UNSTABLE),
    )
    assert firing(h)["M-05"] == "监测对象类型：档案为脱贫不稳定户，防返贫监测名单为边缘易致贫户"
    assert "M-05" not in firing(same)


def test_m05_names_a_different_assistance_and_one_the_list_no_longer_holds(village_a):
    edge = make_household(village_a, grade="B", groups=KeyGroup.DIBAO)
    gone = make_household(village_a, grade="B", groups=KeyGroup.DIBAO | KeyGroup.OTHER_ALLEVIATED)
    version(MZ, on_list(edge, groups=KeyGroup.DIBAO_EDGE))
    assert firing(edge)["M-05"] == "民政救助类别：档案为低保户，民政名单为低保边缘家庭"
    assert firing(gone)["M-05"] == "民政救助类别：档案为低保户，民政名单为无"


def test_m05_is_silent_for_a_source_never_imported(village_a):
    h = make_household(village_a, grade="B", groups=KeyGroup.DIBAO, monitoring_type=UNSTABLE)
    assert "M-05" not in firing(h)


def test_m05_a_monitored_household_missing_from_the_current_fpjc_list(village_a):
    h = make_household(village_a, grade="B", monitoring_type=UNSTABLE, groups=KeyGroup.UNSTABLE)
    other = make_household(village_a, grade="B", id_number=fake_id())
    version(FPJC, on_list(other))
    assert firing(h)["M-05"] == (
        "监测对象类型：档案为脱贫不稳定户，防返贫监测名单为非监测对象；"
        "监测对象类别：档案为易返贫致贫户，防返贫监测名单为无"
    )


# --- M-06: was on a list, no current list holds it ----------------------------------------
def test_m06_fires_on_a_household_that_left_every_list(village_a):
    left = make_household(village_a, grade="B")
    stays = make_household(village_a, grade="B")
    never = make_household(village_a, grade="B")
    version(FPJC, on_list(left), on_list(stays), data_date=D(2026, 10, 31))
    version(FPJC, on_list(stays), data_date=D(2026, 11, 30))
    assert firing(left)["M-06"] == (
        "曾列入防返贫监测名单（数据日期 2026-10-31 的版本），当前各部门名单均无此户"
        "（档案保留，请核实是否已退出监测或救助）"
    )
    assert "M-06" not in firing(stays)
    assert "M-06" not in firing(never)


def test_m06_another_sources_current_list_holds_it(village_a):
    h = make_household(village_a, grade="B", groups=KeyGroup.DIBAO)
    version(FPJC, on_list(h))
    version(FPJC)
    version(MZ, on_list(h, groups=KeyGroup.DIBAO))
    assert "M-06" not in firing(h)
