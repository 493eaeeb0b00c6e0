"""The oracle itself, on hand-made households read straight off RULES.md, and the generator:
deterministic per seed, and its households exercise every rule on both sides of its
boundaries (so agreement in ``test_oracle_agrees`` means something). No database."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal

import pytest

from tests.oracle.households import HEADERS, generate
from tests.oracle.rules_oracle import RULES, check_char, findings
from tests.oracle.test_oracle_agrees import AS_OF, COUNT, SEED

D = Decimal
PLACES = [("火龙镇", "甲一村"), ("411081100", "甲二村"), ("顺店镇", "乙一村")]


def household(**values) -> dict:
    """An in-scope 脱贫户 with a valid ID, every other column empty, then ``values``."""
    h = dict.fromkeys(HEADERS)
    first17 = "41108119580309123"
    h.update({"身份证号": first17 + check_char(first17), "家庭人口": 3, "对象类别": ()})
    h.update({"是否脱贫户": True, "是否享受政策": True})
    h.update(values)
    return h


def days_ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


EXPORT_NOTHING = {"是否举债": False, "自筹资金": D(0), "补助金额": D(0), "是否无房户": False}


def test_a_d_grade_without_a_method_is_a2_01_not_a5_06_whatever_nothing_values_it_carries():
    # Issue #14 "Done means": 是否举债 = 否 and 自筹资金 = 0 never make a renovation exist.
    h = household(鉴定等级="D", 鉴定日期=days_ago(91), 鉴定人员="鉴定站", **EXPORT_NOTHING)
    assert "A2-01" in findings(h, AS_OF)
    assert "A5-06" not in findings(h, AS_OF)
    assert "A2-02" not in findings(h, AS_OF)


@pytest.mark.parametrize(("days", "fires"), [(89, False), (90, False), (91, True)])
def test_more_than_n_days_counts_whole_days_and_exactly_n_does_not_fire(days, fires):
    h = household(鉴定等级="C", 鉴定日期=days_ago(days), 鉴定人员="鉴定站")
    assert ("A2-01" in findings(h, AS_OF)) is fires
    renovating = household(鉴定等级="C", 鉴定日期=days_ago(days + 90), 改造方式="加固维修")
    assert ("A2-02" in findings(renovating, AS_OF)) is fires
    finished = household(竣工日期=days_ago(days - 60))
    assert ("A5-01" in findings(finished, AS_OF)) is fires


@pytest.mark.parametrize(
    ("n", "area", "rules"),
    [
        (1, D("19.99"), {"A4-01"}),
        (1, D(20), set()),
        (3, D(40), set()),
        (4, D(52), set()),
        (4, D("51.5"), {"A4-01"}),
        (3, D(60), set()),
        (3, D("60.01"), {"A4-02"}),
        (5, D(90), set()),
        (5, D(91), {"A4-02"}),
    ],
)
def test_area_limits_depend_on_household_size(n, area, rules):
    h = household(家庭人口=n, 改造方式="原址重建", 改造后面积=area, 施工人员资质="证")
    assert findings(h, AS_OF) & {"A4-01", "A4-02"} == rules


@pytest.mark.parametrize(
    ("method", "n", "area", "paid", "fires"),
    [
        ("加固维修", 3, None, D(15000), False),
        ("加固维修", 3, None, D("15000.01"), True),
        ("原址重建", 2, D(30), D(18900), False),  # 630 × 30
        ("原址重建", 2, D(30), D("18900.01"), True),
        ("异地重建", 1, D(40), D(15120), False),  # 630 × min(40, 24)
        ("新建", 1, D(40), D(15121), True),
        ("原址重建", 3, None, D(99999), False),  # no area: the ceiling is undefined (R8)
        ("原址重建", 4, None, D(50000), False),
        ("原址重建", 4, None, D("50000.01"), True),
        ("其他保障", 4, None, D(90000), False),
    ],
)
def test_subsidy_ceilings(method, n, area, paid, fires):
    h = household(家庭人口=n, 改造方式=method, 改造后面积=area, 补助金额=paid)
    assert ("A4-03" in findings(h, AS_OF)) is fires


def test_id_numbers_follow_gb_11643():
    for good in ("11010519491231002X", "440524188001010014"):  # DOMAIN.md §7
        assert "D-01" not in findings(household(身份证号=good), AS_OF)
    assert "D-01" in findings(household(身份证号="110105194912310021"), AS_OF)
    bad_birth = "41108119810229123"  # 1981 is not a leap year
    assert "D-01" in findings(household(身份证号=bad_birth + check_char(bad_birth)), AS_OF)


def test_dates_out_of_order_compare_every_set_pair_and_equal_dates_are_in_order():
    same = household(批准日期=days_ago(10), 开工日期=days_ago(10), 验收日期=days_ago(10))
    assert "D-02" not in findings(same, AS_OF)
    gap = household(批准日期=days_ago(5), 竣工日期=days_ago(6))  # 开工日期 empty between
    assert "D-02" in findings(gap, AS_OF)
    assessed_late = household(鉴定等级="D", 鉴定日期=days_ago(9), 开工日期=days_ago(10))
    assert "D-02" in findings(assessed_late, AS_OF)


def test_out_of_scope_households_get_nothing():
    h = household(是否享受政策=None, 鉴定等级=None)
    assert findings(h, AS_OF) == set()
    assert "A1-01" in findings({**h, "监测对象类型": "边缘易致贫户"}, AS_OF)


def test_the_generator_is_deterministic_per_seed():
    first = generate(300, seed=7, as_of=AS_OF, places=PLACES)
    again = generate(300, seed=7, as_of=AS_OF, places=PLACES)
    other = generate(300, seed=8, as_of=AS_OF, places=PLACES)
    assert [c.cells for c in first] == [c.cells for c in again]
    assert [c.values for c in first] != [c.values for c in other]


def test_the_generated_households_exercise_every_rule_and_boundary():
    cases = generate(COUNT, seed=SEED, as_of=AS_OF, places=PLACES)
    fired = collections.Counter(r for c in cases for r in findings(c.values, AS_OF))
    assert {r for r in RULES if fired[r] < 20} == set(), fired
    tags = collections.Counter(t for c in cases for t in c.tags)
    assert min(tags[t] for t in ("export", "sparse", "mixed")) > COUNT // 10
    assert min(n for t, n in tags.items() if t not in ("facts", "no_house", "unassessed")) > 50

    def exactly(column, days):
        return sum(1 for c in cases if c.values[column] == days_ago(days))

    for column, n in (("鉴定日期", 90), ("鉴定日期", 180), ("竣工日期", 30), ("验收日期", 30)):
        assert exactly(column, n) >= 10 and exactly(column, n + 1) >= 10, (column, n)
    assert sum(1 for c in cases if c.values["补助金额"] == D(15000)) >= 10
    assert sum(1 for c in cases if c.values["补助金额"] == D(50000)) >= 10
    nothing = [c for c in cases if "export" in c.tags]
    filled = [
        c for c in nothing if c.values["是否举债"] is not None and c.values["自筹资金"] is not None
    ]
    assert len(filled) > 0.9 * len(nothing)  # a twist may still empty one on purpose
    words = collections.Counter(c.cells["改造方式"] for c in cases)
    assert all(words[w] > 0 for w in ("拆除重建", "选址新建", "修缮加固", "统建集体公租房"))
    assert any("建档立卡贫困户" in (c.cells["对象类别"] or "") for c in cases)
