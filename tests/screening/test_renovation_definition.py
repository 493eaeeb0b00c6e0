"""RULES.md: "Renovation = any record with a 改造方式" — one definition, in the rules, the
import and the commands (ADR 0009, issue #14).

Values every row of a real export carries (是否举债 = 否, 自筹资金 = 0, 其他住房补助 empty)
never make a renovation and raise no notice; renovation facts without a method are kept and
ask for the method, and screening treats the household as not renovated."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from anju.registry.models import Household, Renovation
from tests.factories import make_household
from tests.registry.test_import_helpers import an_id, book, row
from tests.screening.helpers import days_before, fires, firing

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2022, 6, 1)
# What a real export carries for a household that was never renovated.
NOTHING = {"是否举债": "否", "自筹资金": 0, "其他住房补助": "", "补助金额": 0, "是否入住": "否"}


def import_registry(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registry", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def screen_json(as_of: dt.date) -> dict[str, set[str]]:
    out = io.StringIO()
    call_command("screen", "--json", "--as-of", as_of.isoformat(), stdout=out)
    found: dict[str, set[str]] = {}
    for finding in json.loads(out.getvalue()):
        found.setdefault(finding["id_number"], set()).add(finding["rule_code"])
    return found


# --- through the commands (the "done means") ---------------------------------------
def test_debt_columns_on_every_row_raise_no_notice_and_a_d_house_without_method_gets_a2_01(
    tmp_path, village_a
):
    safe = row(village_a, 1, 鉴定等级="A", 鉴定日期="2021-05-01", **NOTHING)
    waiting = row(village_a, 2, 鉴定等级="D", 鉴定日期="2022-01-10", **NOTHING)
    out, err = import_registry(book(tmp_path, [safe, waiting]))
    assert "新增 2 户" in out and "错误 0 个，提示 0 个" in out, out + err
    assert err == ""
    assert not Renovation.objects.exists()
    household = Household.objects.by_id_number(an_id(2)).get()
    assert (household.borrowed, household.self_funds, household.other_subsidy) == (False, 0, "")

    found = screen_json(AS_OF)  # 2022-01-10 is 142 days before: more than plan_days (90)
    assert "A2-01" in found[an_id(2)]
    assert "A5-06" not in found.get(an_id(1), set()) | found[an_id(2)]


@pytest.mark.parametrize("nothing", ["无", "否", "未改造", "—", "－", "/", " 无 "])
def test_a_method_written_as_nothing_reads_as_empty_not_as_an_error(tmp_path, village_a, nothing):
    """Real exports write 无, 未改造 or a dash in 改造方式 for households never renovated:
    that is the column's "nothing" value, read as an empty cell (no error, no renovation)."""
    waiting = row(village_a, 4, 鉴定等级="D", 鉴定日期="2022-01-10", 改造方式=nothing, **NOTHING)
    out, err = import_registry(book(tmp_path, [waiting]))
    assert "新增 1 户" in out and "错误 0 个，提示 0 个" in out, out + err
    assert not Renovation.objects.exists()
    assert "A2-01" in screen_json(AS_OF)[an_id(4)]


def test_renovation_facts_without_a_method_are_kept_asked_for_and_not_a_renovation(
    tmp_path, village_a
):
    facts = row(
        village_a,
        3,
        鉴定等级="C",
        鉴定日期="2022-01-10",
        竣工日期="2022-03-01",
        验收日期="2022-03-20",
        验收后等级="A",
        **NOTHING,
    )
    out, err = import_registry(book(tmp_path, [facts]))
    assert "提示 1 个" in out
    assert "第 2 行" in err and "填写了“竣工日期”等改造信息，但未填改造方式" in err
    renovation = Household.objects.get().renovation
    assert renovation.method == "" and renovation.accepted_on == D(2022, 3, 20)

    found = screen_json(AS_OF)[an_id(3)]
    assert "A2-01" in found  # not renovated: no method
    assert "A5-06" not in found  # A5-06 asks a renovation for its craftsman


def test_a_reimport_with_the_method_makes_it_a_renovation(tmp_path, village_a):
    facts = {"鉴定等级": "D", "鉴定日期": "2022-01-10", "开工日期": "2022-02-01", **NOTHING}
    import_registry(book(tmp_path, [row(village_a, 4, **facts)]))
    assert "A2-01" in screen_json(AS_OF)[an_id(4)]
    out, err = import_registry(book(tmp_path, [row(village_a, 4, 改造方式="拆除重建", **facts)]))
    assert "更新 1 户" in out and "未填改造方式" not in err
    assert Renovation.objects.get().method == "原址重建"
    found = screen_json(AS_OF)[an_id(4)]
    assert "A2-01" not in found and "A5-06" in found


def test_a_reimport_of_facts_still_without_method_asks_again(tmp_path, village_a):
    facts = row(village_a, 5, 鉴定等级="D", 鉴定日期="2022-01-10", 开工日期="2022-02-01")
    import_registry(book(tmp_path, [facts]))
    _out, err = import_registry(book(tmp_path, [dict(facts, 竣工日期="2022-04-01")]))
    assert "填写了“开工日期”等改造信息，但未填改造方式" in err
    assert Renovation.objects.count() == 1


def test_nothing_values_on_a_household_with_a_renovation_update_it(tmp_path, village_a):
    make_household(village_a, id_number=an_id(6), grade="D", renovation={"method": "原址重建"})
    out, err = import_registry(book(tmp_path, [row(village_a, 6, 是否入住="否", 补助金额=0)]))
    assert "提示 0 个" in out, err
    renovation = Household.objects.get().renovation
    assert renovation.moved_in is False and renovation.subsidy_amount == 0


def test_result_issued_no_alone_is_no_assessment_and_asks_for_no_grade(tmp_path, village_a):
    out, err = import_registry(book(tmp_path, [row(village_a, 7, 鉴定结果是否出具="否")]))
    assert "提示 0 个" in out, err
    assert Household.objects.get().assessment is None


# --- the rules, on records without a method -------------------------------------------------
def no_method(village, **renovation):
    return make_household(
        village, grade="D", assessed_on=days_before(91), renovation={"method": "", **renovation}
    )


def test_a2_01_fires_on_a_dangerous_house_whose_record_has_no_method(village_a):
    h = no_method(village_a, started_on=days_before(30))
    assert fires(h, "A2-01") == (
        "D级危房，鉴定日期 2022-03-02，至 2022-06-01 已 91 天，超过 90 天仍未纳入改造"
    )
    assert fires(no_method(village_a), "A2-01")


def test_a2_02_and_a5_06_need_a_method(village_a):
    h = make_household(
        village_a, grade="D", assessed_on=days_before(181), renovation={"method": ""}
    )
    found = firing(h)
    assert "A2-02" not in found and "A5-06" not in found and "A2-01" in found


def test_a2_03_an_accepted_record_without_method_is_no_accepted_renovation(village_a):
    h = make_household(
        village_a,
        risk_state="风险消除",
        grade="D",
        renovation={"method": "", "accepted_on": D(2022, 4, 1), "post_grade": "A"},
    )
    assert fires(h, "A2-03") == (
        "风险状态为“风险消除”，但住房为D级危房，改造记录未填改造方式，不算已改造"
    )
    nohouse = make_household(
        village_a,
        no_house=True,
        risk_state="风险消除",
        renovation={"method": "", "accepted_on": D(2022, 4, 1)},
    )
    assert "A2-03" in firing(nohouse) and "A2-01" in firing(nohouse)


def test_facts_without_method_are_still_screened_where_rules_read_them(village_a):
    """A rule that does not ask for a renovation reads its inputs wherever they are."""
    h = no_method(village_a, completed_on=days_before(31), accepted_on=None)
    assert fires(h, "A5-01")  # 竣工日期 31 days ago, no 验收日期
    paid = no_method(village_a, accepted_on=days_before(31), subsidy_amount=0)
    assert fires(paid, "A4-04")


def test_debt_no_and_no_own_money_are_no_burden(village_a):
    h = make_household(village_a, grade="A", borrowed=False, self_funds=0, other_subsidy="")
    assert firing(h) == {}
    debt = make_household(village_a, grade="A", borrowed=True)
    assert fires(debt, "A4-07") == "是否举债为“是”"
