"""An independent oracle for the screening rules, written from ``/work/shared/RULES.md`` alone.

Plain Python over ONE household: no ORM, no SQL, nothing imported from ``anju``. The
household is a dict keyed by TEMPLATE.md's column names holding canonical values, i.e. what
a correct importer makes of the cells:

- bool columns: ``True`` (是), ``False`` (否) or ``None`` (empty = unknown);
- date columns: ``datetime.date`` or ``None``;
- 补助金额, 自筹资金, 改造后面积, 房屋面积: ``Decimal`` or ``None``;
- 家庭人口: ``int``; 对象类别: a tuple of canonical group names (may be empty);
- every other column: a canonical ``str`` (national words already mapped, TEMPLATE.md
  "Words from the national systems") or ``None`` when the cell is empty.

``findings(household, as_of)`` returns the set of rule codes that fire.
Every rule function cites the RULES.md line it implements (``RULES.md:N``).

Readings where RULES.md leaves a choice (R1…R16); each is repeated at the code it governs.
They are the oracle's answer, to be written into docs/SCREENING.md:

R1  Scope "脱贫户 and 享受政策" reads the columns 是否脱贫户 = 是 and 是否享受政策 = 是; 对象类别
    其他脱贫户 (written 脱贫户/建档立卡贫困户 by the national system) does not put a household in
    the default scope. "have a 监测对象类型" = the column is not empty. Empty bools are not 是.
R2  Scope applies to every rule, D-01 and D-02 included (RULES.md:3 "per household in the
    campaign's scope").
R3  "An assessment exists" iff 鉴定等级 is set (RULES.md:19 "no assessment (no 鉴定等级)");
    a 鉴定日期 or 鉴定人员 without a grade is not an assessment.
R4  "Renovation exists" iff 改造方式 is set (RULES.md:12, literally). Renovation facts without a
    method (dates, areas, checks, 验收后等级, money) never make one exist.
R5  Rules whose text does not mention a renovation, a method or a rebuild are evaluated on the
    columns they name whether or not a 改造方式 is set: A1-04 (验收后等级 as current grade),
    A3-04, A4-04, A4-05, A4-06, A4-07, A4-08, A5-01, A5-02, A5-04, D-02.
R6  "Dangerous grade" (A2-01, A2-02, A2-03) is the assessment grade 鉴定等级 ∈ {C, D}, not the
    post-completion grade.
R7  "无房户" is 是否无房户 = 是; "not 无房户" is 否 *or empty* (an unknown flag does not excuse a
    missing assessment in A1-01, nor a subsidy to an A/B house in A3-04).
R8  A rule whose comparison needs a value that is empty does not fire (RULES.md:75): A1-04 with
    挂牌等级 or the current grade empty; A1-05 with an assessment but no 鉴定日期; A1-06 with no
    鉴定等级; A2-01/A2-02 with no 鉴定日期; A4-01/A4-02 with no 改造后面积; A4-03 for a rebuild of
    n ≤ 3 with no 改造后面积 (the ceiling is undefined); A4-07's ratio branch with no 自筹资金;
    A5-05 with 是否入住 / 旧房是否拆除 empty (only = 否 fires).
R9  Fields "= 否" fire only on 否, never on empty: A1-02 鉴定结果是否出具, A1-03 是否挂牌, A5-05.
    Fields "否 or empty" fire on both: A5-04's file items. A4-06 代发协议 "≠ 是": 否 or empty.
R10 "More than N days between X and the reference date" = (as_of − X).days > N; a date after
    the reference date never fires these. A4-05: (补助发放日期 − 验收日期).days > pay_days.
R11 A1-05 "later than 鉴定日期": 疑似危房上报日期 > 鉴定日期 strictly; same day does not fire.
R12 A2-03 "accepted renovation" = 改造方式 set and 验收日期 set; for C/D it must also have
    验收后等级 ∈ {A, B}; for 无房户 any accepted renovation is enough. Either branch fires.
R13 A5-06 applies to every method, 其他保障 included (a renovation is any 改造方式).
R14 A5-03: only rebuilds and 加固维修 have required checks; 其他保障 has none.
R15 D-02 compares every pair of set dates along the chain (not only neighbours); equal dates
    are in order. 鉴定日期 > 开工日期 fires only when 鉴定等级 is set: 鉴定日期 is the
    assessment's date and, by R3, a row without a grade holds no assessment (the importer
    warns and A1-01 asks for the grade). Decided by the coordinator on the screening
    helper's dispute (/work/notes/oracle-disputes.md §1, 2026-12-07); first reading was
    "whether or not 鉴定等级 is set". 鉴定日期 against the rest of the chain does not.
R16 D-01 "impossible birth date" = digits 7–14 are not a calendar date (e.g. 19810229,
    19801301). Whether a future or pre-1900 birth date is "impossible" is left open (the
    generator never makes one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

# RULES.md:30-31, 50-53, 60 — the defaults of the campaign-editable parameters.
DEFAULT_PARAMS = {
    "plan_days": 90,
    "finish_days": 180,
    "pay_days": 30,
    "self_ratio": Decimal(2),
    "accept_days": 30,
}

DANGEROUS = frozenset({"C", "D"})  # RULES.md:11
REBUILD = frozenset({"原址重建", "异地重建", "新建"})  # RULES.md:11
FILE_ITEMS = ("申请书", "鉴定表", "改造协议", "验收表", "改造前照片", "改造后照片", "补助凭证")
CHAIN = ("批准日期", "开工日期", "竣工日期", "验收日期", "补助发放日期")  # RULES.md:72
SIX_GROUPS = frozenset(
    {"易返贫致贫户", "低保户", "分散供养特困人员", "突发严重困难户", "低保边缘家庭", "其他脱贫户"}
)

SEVERITY = {
    "A1-01": "E", "A1-02": "E", "A1-03": "E", "A1-04": "E", "A1-05": "E", "A1-06": "E",
    "A2-01": "E", "A2-02": "E", "A2-03": "E",
    "A3-01": "W", "A3-02": "E", "A3-03": "E", "A3-04": "E",
    "A4-01": "E", "A4-02": "W", "A4-03": "E", "A4-04": "E", "A4-05": "W", "A4-06": "E",
    "A4-07": "W", "A4-08": "E",
    "A5-01": "E", "A5-02": "E", "A5-03": "W", "A5-04": "W", "A5-05": "E", "A5-06": "W",
    "D-01": "E", "D-02": "E",
}  # fmt: skip

# The columns each rule reads (for the disagreement table).
INPUTS = {
    "A1-01": ("是否无房户", "鉴定等级"),
    "A1-02": ("鉴定等级", "鉴定日期", "鉴定人员", "鉴定结果是否出具"),
    "A1-03": ("鉴定等级", "是否挂牌"),
    "A1-04": ("是否挂牌", "挂牌等级", "鉴定等级", "验收日期", "验收后等级"),
    "A1-05": ("疑似危房上报日期", "鉴定日期", "鉴定等级"),
    "A1-06": ("是否危险场地", "鉴定等级"),
    "A2-01": ("改造方式", "是否无房户", "鉴定等级", "鉴定日期"),
    "A2-02": ("鉴定等级", "改造方式", "验收日期", "鉴定日期"),
    "A2-03": ("风险状态", "鉴定等级", "是否无房户", "改造方式", "验收日期", "验收后等级"),
    "A3-01": ("鉴定等级", "改造方式", "改造方式说明"),
    "A3-02": ("鉴定等级", "改造方式", "改造方式说明"),
    "A3-03": ("是否危险场地", "改造方式"),
    "A3-04": ("鉴定等级", "是否无房户", "补助金额"),
    "A4-01": ("改造方式", "家庭人口", "改造后面积"),
    "A4-02": ("改造方式", "家庭人口", "改造后面积"),
    "A4-03": ("改造方式", "家庭人口", "改造后面积", "补助金额"),
    "A4-04": ("验收日期", "补助金额"),
    "A4-05": ("验收日期", "补助发放日期"),
    "A4-06": ("补助金额", "发放方式", "代发协议"),
    "A4-07": ("是否举债", "补助金额", "自筹资金"),
    "A4-08": ("其他住房补助", "补助金额"),
    "A5-01": ("竣工日期", "验收日期"),
    "A5-02": ("验收日期", "验收后等级"),
    "A5-03": ("改造方式", "验收日期", "地基基础检查日期", "主体结构检查日期", "竣工检查日期"),
    "A5-04": ("验收日期", *FILE_ITEMS),
    "A5-05": ("改造方式", "验收日期", "是否入住", "旧房是否拆除"),
    "A5-06": ("改造方式", "施工人员资质"),
    "D-01": ("身份证号",),
    "D-02": ("鉴定日期", *CHAIN),
}


# --- definitions (RULES.md:9-13) -----------------------------------------------------------
def in_scope(h: dict, *, all_groups: bool = False) -> bool:
    """RULES.md:9-10. R1: the columns 是否脱贫户 and 是否享受政策 must both be 是; a non-empty
    监测对象类型 is enough. Widened (not exercised by the test): any of the six groups, read as
    a 对象类别 among DOMAIN.md §1's six or a 监测对象类型 (G1/G4 are monitoring types)."""
    default = (h.get("是否脱贫户") is True and h.get("是否享受政策") is True) or bool(
        h.get("监测对象类型")
    )
    if default or not all_groups:
        return default
    return bool(SIX_GROUPS.intersection(h.get("对象类别") or ()))


def has_renovation(h: dict) -> bool:
    """RULES.md:12 "Renovation = any record with a 改造方式" (R4), literally."""
    return bool(h.get("改造方式"))


def has_assessment(h: dict) -> bool:
    """RULES.md:19 "no assessment (no 鉴定等级)" (R3)."""
    return bool(h.get("鉴定等级"))


def is_no_house(h: dict) -> bool:
    """R7: 无房户 only on 是否无房户 = 是."""
    return h.get("是否无房户") is True


def is_dangerous(h: dict) -> bool:
    """RULES.md:11 "Dangerous = grade C or D"; R6: the assessment grade 鉴定等级."""
    return h.get("鉴定等级") in DANGEROUS


def is_rebuild(h: dict) -> bool:
    """RULES.md:11 "Rebuild = 原址重建, 异地重建 or 新建"."""
    return h.get("改造方式") in REBUILD


def current_grade(h: dict) -> str | None:
    """RULES.md:22 "验收后等级 when 验收日期 and 验收后等级 are set, else 鉴定等级" (R5: no
    method needed)."""
    if h.get("验收日期") and h.get("验收后等级"):
        return h["验收后等级"]
    return h.get("鉴定等级")


def more_than_days(earlier: dt.date | None, later: dt.date | None, n: int) -> bool:
    """RULES.md:74 "More than N days" compares whole days; exactly N does not fire (R10)."""
    if earlier is None or later is None:
        return False
    return (later - earlier).days > n


def is_empty(value) -> bool:
    return value is None or value == ""


def amount(h: dict, column: str) -> Decimal | None:
    return h.get(column)


# --- Aspect 1 (RULES.md:15-24) ---------------------------------------------------------------
def a1_01(h, as_of, p):
    """RULES.md:19 | A1-01 | not 无房户 and no assessment (no 鉴定等级)."""
    return not is_no_house(h) and not has_assessment(h)


def a1_02(h, as_of, p):
    """RULES.md:20 | A1-02 | an assessment exists but 鉴定日期 or 鉴定人员 is empty, or
    鉴定结果是否出具 = 否 (R9: empty 鉴定结果是否出具 does not fire)."""
    if not has_assessment(h):
        return False
    return (
        is_empty(h.get("鉴定日期"))
        or is_empty(h.get("鉴定人员"))
        or h.get("鉴定结果是否出具") is False
    )


def a1_03(h, as_of, p):
    """RULES.md:21 | A1-03 | an assessment exists and 是否挂牌 = 否 (R9)."""
    return has_assessment(h) and h.get("是否挂牌") is False


def a1_04(h, as_of, p):
    """RULES.md:22 | A1-04 | plaque posted and 挂牌等级 ≠ the current grade (R8: both set)."""
    if h.get("是否挂牌") is not True:
        return False
    plaque, grade = h.get("挂牌等级"), current_grade(h)
    return bool(plaque) and bool(grade) and plaque != grade


def a1_05(h, as_of, p):
    """RULES.md:23 | A1-05 | 疑似危房上报日期 is set and is later than 鉴定日期 (or there is no
    assessment). R3: no assessment = no 鉴定等级; R8/R11: an assessment without a date does
    not fire; same day does not fire."""
    reported = h.get("疑似危房上报日期")
    if reported is None:
        return False
    if not has_assessment(h):
        return True
    assessed = h.get("鉴定日期")
    return assessed is not None and reported > assessed


def a1_06(h, as_of, p):
    """RULES.md:24 | A1-06 | 是否危险场地 = 是 and 鉴定等级 ≠ D (R8: a grade must be set)."""
    return h.get("是否危险场地") is True and has_assessment(h) and h["鉴定等级"] != "D"


# --- Aspect 2 (RULES.md:26-32) ---------------------------------------------------------------
def a2_01(h, as_of, p):
    """RULES.md:30 | A2-01 | no renovation, and either 无房户, or dangerous grade with more than
    plan_days between 鉴定日期 and the reference date (R4, R6, R7, R10)."""
    if has_renovation(h):
        return False
    if is_no_house(h):
        return True
    return is_dangerous(h) and more_than_days(h.get("鉴定日期"), as_of, p["plan_days"])


def a2_02(h, as_of, p):
    """RULES.md:31 | A2-02 | dangerous grade, a renovation exists, no 验收日期, and more than
    finish_days between 鉴定日期 and the reference date."""
    return (
        is_dangerous(h)
        and has_renovation(h)
        and h.get("验收日期") is None
        and more_than_days(h.get("鉴定日期"), as_of, p["finish_days"])
    )


def a2_03(h, as_of, p):
    """RULES.md:32 | A2-03 | 风险状态 = 风险消除 while housing is unsafe: dangerous grade
    without an accepted renovation whose 验收后等级 is A/B, or 无房户 without an accepted
    renovation (R12)."""
    if h.get("风险状态") != "风险消除":
        return False
    accepted = has_renovation(h) and h.get("验收日期") is not None
    accepted_safe = accepted and h.get("验收后等级") in ("A", "B")
    return (is_dangerous(h) and not accepted_safe) or (is_no_house(h) and not accepted)


# --- Aspect 3 (RULES.md:34-41) ---------------------------------------------------------------
def a3_01(h, as_of, p):
    """RULES.md:38 | A3-01 | 鉴定等级 = C, method is a rebuild, 改造方式说明 empty."""
    return h.get("鉴定等级") == "C" and is_rebuild(h) and is_empty(h.get("改造方式说明"))


def a3_02(h, as_of, p):
    """RULES.md:39 | A3-02 | 鉴定等级 = D, method = 加固维修, 改造方式说明 empty."""
    return (
        h.get("鉴定等级") == "D"
        and h.get("改造方式") == "加固维修"
        and is_empty(h.get("改造方式说明"))
    )


def a3_03(h, as_of, p):
    """RULES.md:40 | A3-03 | 是否危险场地 = 是 and method = 原址重建."""
    return h.get("是否危险场地") is True and h.get("改造方式") == "原址重建"


def a3_04(h, as_of, p):
    """RULES.md:41 | A3-04 | 鉴定等级 A or B, not 无房户, and 补助金额 > 0 (R5, R7)."""
    paid = amount(h, "补助金额")
    return h.get("鉴定等级") in ("A", "B") and not is_no_house(h) and paid is not None and paid > 0


# --- Aspect 4 (RULES.md:43-54) ---------------------------------------------------------------
def minimum_area(n: int) -> Decimal:
    """RULES.md:47 n=1 → 20, 2 → 30, 3 → 40, n>3 → 13·n m²."""
    return Decimal({1: 20, 2: 30, 3: 40}.get(n, 13 * n))


def guide_area(n: int) -> Decimal:
    """RULES.md:48 n ≤ 3 → 60, n>3 → 18·n m²."""
    return Decimal(60 if n <= 3 else 18 * n)


def subsidy_ceiling(h: dict) -> Decimal | None:
    """RULES.md:49: 加固维修 15,000; rebuild n ≤ 3: 630 × min(改造后面积, 24/36/48); rebuild
    n > 3: 50,000. None when no ceiling applies or its input is missing (R8)."""
    method, n = h.get("改造方式"), h["家庭人口"]
    if method == "加固维修":
        return Decimal(15000)
    if method in REBUILD:
        if n > 3:
            return Decimal(50000)
        area = amount(h, "改造后面积")
        if area is None:
            return None
        return Decimal(630) * min(area, Decimal({1: 24, 2: 36, 3: 48}[n]))
    return None


def a4_01(h, as_of, p):
    """RULES.md:47 | A4-01 | rebuild and 改造后面积 < minimum."""
    area = amount(h, "改造后面积")
    return is_rebuild(h) and area is not None and area < minimum_area(h["家庭人口"])


def a4_02(h, as_of, p):
    """RULES.md:48 | A4-02 | rebuild and 改造后面积 > guide."""
    area = amount(h, "改造后面积")
    return is_rebuild(h) and area is not None and area > guide_area(h["家庭人口"])


def a4_03(h, as_of, p):
    """RULES.md:49 | A4-03 | 补助金额 above ceiling (exact comparison, RULES.md:75)."""
    paid, ceiling = amount(h, "补助金额"), subsidy_ceiling(h)
    return paid is not None and ceiling is not None and paid > ceiling


def a4_04(h, as_of, p):
    """RULES.md:50 | A4-04 | 验收日期 set, 补助金额 = 0 or empty, and more than pay_days
    between 验收日期 and the reference date (R5)."""
    paid = amount(h, "补助金额")
    return (paid is None or paid == 0) and more_than_days(h.get("验收日期"), as_of, p["pay_days"])


def a4_05(h, as_of, p):
    """RULES.md:51 | A4-05 | 补助发放日期 more than pay_days after 验收日期 (R5, R10)."""
    return more_than_days(h.get("验收日期"), h.get("补助发放日期"), p["pay_days"])


def a4_06(h, as_of, p):
    """RULES.md:52 | A4-06 | 补助金额 > 0, 发放方式 set and ≠ 一卡通, and 代发协议 ≠ 是 (empty
    counts as no agreement)."""
    paid, channel = amount(h, "补助金额"), h.get("发放方式")
    return (
        paid is not None
        and paid > 0
        and not is_empty(channel)
        and channel != "一卡通"
        and h.get("代发协议") is not True
    )


def a4_07(h, as_of, p):
    """RULES.md:53 | A4-07 | 是否举债 = 是, or 补助金额 > 0 and 自筹资金 > self_ratio × 补助金额
    (R5: the debt branch needs no renovation; R8: no ratio without 自筹资金)."""
    if h.get("是否举债") is True:
        return True
    paid, own = amount(h, "补助金额"), amount(h, "自筹资金")
    return paid is not None and paid > 0 and own is not None and own > p["self_ratio"] * paid


def a4_08(h, as_of, p):
    """RULES.md:54 | A4-08 | 其他住房补助 is not empty and 补助金额 > 0."""
    paid = amount(h, "补助金额")
    return not is_empty(h.get("其他住房补助")) and paid is not None and paid > 0


# --- Aspect 5 (RULES.md:56-65) ---------------------------------------------------------------
def a5_01(h, as_of, p):
    """RULES.md:60 | A5-01 | 竣工日期 set, no 验收日期, more than accept_days since 竣工日期."""
    return h.get("验收日期") is None and more_than_days(h.get("竣工日期"), as_of, p["accept_days"])


def a5_02(h, as_of, p):
    """RULES.md:61 | A5-02 | 验收日期 set and 验收后等级 is empty, C or D."""
    return h.get("验收日期") is not None and h.get("验收后等级") in (None, "", "C", "D")


def a5_03(h, as_of, p):
    """RULES.md:62 | A5-03 | 验收日期 set and a required check date is missing: rebuild needs
    地基基础检查日期, 主体结构检查日期, 竣工检查日期; 加固维修 needs 竣工检查日期 (R14)."""
    if h.get("验收日期") is None:
        return False
    if is_rebuild(h):
        needed = ("地基基础检查日期", "主体结构检查日期", "竣工检查日期")
    elif h.get("改造方式") == "加固维修":
        needed = ("竣工检查日期",)
    else:
        return False
    return any(h.get(c) is None for c in needed)


def a5_04(h, as_of, p):
    """RULES.md:63 | A5-04 | 验收日期 set and any household-file item is 否 or empty."""
    return h.get("验收日期") is not None and any(h.get(c) is not True for c in FILE_ITEMS)


def a5_05(h, as_of, p):
    """RULES.md:64 | A5-05 | rebuild with 验收日期 set and (是否入住 = 否, or method is
    原址重建/异地重建 and 旧房是否拆除 = 否) (R9: empty does not fire)."""
    if not (is_rebuild(h) and h.get("验收日期") is not None):
        return False
    return h.get("是否入住") is False or (
        h["改造方式"] in ("原址重建", "异地重建") and h.get("旧房是否拆除") is False
    )


def a5_06(h, as_of, p):
    """RULES.md:65 | A5-06 | a renovation exists and 施工人员资质 is empty (R4, R13)."""
    return has_renovation(h) and is_empty(h.get("施工人员资质"))


# --- Data quality (RULES.md:67-72) -----------------------------------------------------------
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """GB 11643-1999 (DOMAIN.md §7): weights over the first 17 digits, sum mod 11."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date_possible(id_number: str) -> bool:
    """R16: digits 7–14 form a calendar date."""
    try:
        dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return False
    return True


def d_01(h, as_of, p):
    """RULES.md:71 | D-01 | 身份证号 has a wrong check character or an impossible birth date."""
    id_number = h["身份证号"]
    return id_number[17] != check_char(id_number[:17]) or not birth_date_possible(id_number)


def d_02(h, as_of, p):
    """RULES.md:72 | D-02 | along 批准日期 ≤ 开工日期 ≤ 竣工日期 ≤ 验收日期 ≤ 补助发放日期 any two
    that are both set are in the wrong order, or 鉴定日期 is after 开工日期 (R15)."""
    chain = [h.get(c) for c in CHAIN]
    for i, earlier in enumerate(chain):
        for later in chain[i + 1 :]:
            if earlier is not None and later is not None and earlier > later:
                return True
    if not h.get("鉴定等级"):  # R3/R15: no grade, no assessment, no 鉴定日期 to order
        return False
    assessed, started = h.get("鉴定日期"), h.get("开工日期")
    return assessed is not None and started is not None and assessed > started


RULES: dict[str, Callable] = {
    "A1-01": a1_01, "A1-02": a1_02, "A1-03": a1_03, "A1-04": a1_04, "A1-05": a1_05,
    "A1-06": a1_06, "A2-01": a2_01, "A2-02": a2_02, "A2-03": a2_03, "A3-01": a3_01,
    "A3-02": a3_02, "A3-03": a3_03, "A3-04": a3_04, "A4-01": a4_01, "A4-02": a4_02,
    "A4-03": a4_03, "A4-04": a4_04, "A4-05": a4_05, "A4-06": a4_06, "A4-07": a4_07,
    "A4-08": a4_08, "A5-01": a5_01, "A5-02": a5_02, "A5-03": a5_03, "A5-04": a5_04,
    "A5-05": a5_05, "A5-06": a5_06, "D-01": d_01, "D-02": d_02,
}  # fmt: skip


def findings(
    h: dict, as_of: dt.date, params: dict | None = None, *, all_groups: bool = False
) -> set[str]:
    """The rule codes that fire for household ``h`` as of ``as_of`` (RULES.md:3: only
    households in the campaign's scope are checked, R2)."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    if not in_scope(h, all_groups=all_groups):
        return set()
    return {code for code, rule in RULES.items() if rule(h, as_of, p)}
