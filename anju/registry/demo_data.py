"""What the demo county's synthetic households look like (drawn by anju.registry.demo).

Every household is first drawn *clean* (it breaks no rule of ../shared/RULES.md), then
some are given one to three **problems** (rule codes) at a rate that depends on the
township and the village, so screening finds every kind of problem and some townships
are visibly cleaner or dirtier than others (spot-checks look for under-reporting). This
module holds the tables: rule thresholds (``RULES``), words, the stories a household's
housing can be in (``STORIES``), the problem catalogue (``PROBLEMS``) and how each
problem is made (``HOOKS``).

Reference dates (every generated date is on or before ``REFERENCE_DATE``):

- ``REFERENCE_DATE`` = 2026-11-29, the demo's "today". The campaign is the 2022 first
  round (禹建〔2022〕39号) shifted so that it is live on this day; screening runs "as of"
  today by default, so every date-based problem fires as of 2026-11-29 (and keeps firing
  later). The date is fixed, not ``date.today()``, so a seed gives the same data on
  every day.
- The renovation wave: assessments 2019-01-01 … 2022-03-31 (``HIST_FROM``/``HIST_TO``;
  A/B houses until the end of 2022), renovations approved, built, accepted and paid
  within about a year after the assessment.
- Dynamic monitoring: dangerous houses found after the wave (assessed 2023–2026). Clean
  ones were renovated in time (accepted 3–700 days before the reference date, paid
  within ``pay_days``), are under way (assessed less than ``finish_days`` ago, completed
  at most ``accept_days`` ago) or still wait (assessed less than ``plan_days`` ago).
  Late ones are the problems A2-01, A2-02 and A5-01.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from anju.registry import idcard

# A drawn row: column → value, plus working values under keys starting with ``_``.
Row: TypeAlias = dict[str, Any]

if TYPE_CHECKING:
    from anju.registry.demo import Generator

    # How a problem is made (``HOOKS``): generator, household, assessment, renovation.
    Hook: TypeAlias = Callable[[Generator, Row, Row | None, Row | None], None]

REFERENCE_DATE = dt.date(2026, 11, 29)
HIST_FROM = dt.date(2019, 1, 1)
HIST_TO = dt.date(2022, 3, 31)
REF = REFERENCE_DATE.toordinal()


# --- Rule thresholds: keep equal to ../shared/RULES.md (campaign defaults) -------------
class Rules(TypedDict):
    plan_days: int
    finish_days: int
    pay_days: int
    accept_days: int
    self_ratio: int
    reinforce_ceiling: int
    rebuild_rate: int
    rebuild_area_cap: dict[int, int]
    large_family_ceiling: int
    min_area: dict[int, int]
    min_area_per_person: int
    guide_area_small: int
    guide_area_per_person: int


RULES: Rules = {
    "plan_days": 90,  # A2-01
    "finish_days": 180,  # A2-02
    "pay_days": 30,  # A4-04, A4-05
    "accept_days": 30,  # A5-01
    "self_ratio": 2,  # A4-07
    "reinforce_ceiling": 15_000,  # A4-03, 加固维修
    "rebuild_rate": 630,  # A4-03, 元/m²
    "rebuild_area_cap": {1: 24, 2: 36, 3: 48},  # A4-03, n ≤ 3
    "large_family_ceiling": 50_000,  # A4-03, n > 3
    "min_area": {1: 20, 2: 30, 3: 40},  # A4-01; 13·n above 3
    "min_area_per_person": 13,
    "guide_area_small": 60,  # A4-02, n ≤ 3
    "guide_area_per_person": 18,  # A4-02, n > 3
}


def min_area(n: int) -> int:
    return RULES["min_area"].get(n, RULES["min_area_per_person"] * n)


def guide_area(n: int) -> int:
    return RULES["guide_area_small"] if n <= 3 else RULES["guide_area_per_person"] * n


def rebuild_ceiling(n: int, area10: int) -> int:
    """A4-03 ceiling in whole 元 for a rebuild of ``area10`` tenths of a m²."""
    if n > 3:
        return RULES["large_family_ceiling"]
    capped = min(area10, RULES["rebuild_area_cap"][n] * 10)
    return RULES["rebuild_rate"] * capped // 10


# --- Words ------------------------------------------------------------------------------
A, B, C, D = "A", "B", "C", "D"
REINFORCE, IN_PLACE, ELSEWHERE, NEW_BUILD = "加固维修", "原址重建", "异地重建", "新建"
REBUILDS = (IN_PLACE, ELSEWHERE, NEW_BUILD)
UNSTABLE, EDGE, SUDDEN = "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"
OPEN, CLEARED = "风险未消除", "风险消除"
# KeyGroup bits (anju.registry.choices.KeyGroup)
G_UNSTABLE, G_DIBAO, G_TEKUN, G_SUDDEN, G_EDGE, G_OTHER = 1, 2, 4, 8, 16, 32


def _words(text: str) -> list[str]:
    return text.split()


def _weighted(spec: str) -> str:
    """``"王12 李10 何"`` → a string in which each surname appears as often as its weight."""
    return "".join(item[0] * int(item[1:] or 1) for item in spec.split())


SURNAMES = _weighted(
    "王12 李10 张10 刘8 陈6 杨5 赵5 黄3 周3 吴3 徐2 孙3 马3 朱2 胡2 郭4 何 高3 林 罗 郑2 梁 谢 "
    "宋2 唐 许2 韩2 冯2 邓 曹2 彭 曾 田2 董2 袁 潘 于 蒋 蔡 余 杜2 叶 程 魏2 苏 吕 丁 任 沈 姚 卢 "
    "姜 崔 钟 谭 陆 范2 汪 石 金 付2 贾2 秦 侯 邵 孟2 白2 毛 段 雷 牛2"
)
MALE_NAMES = _words(
    "建国 建军 国强 志强 建华 卫东 红军 德明 德胜 富贵 长松 保国 新民 振华 金生 铁柱 满仓 "
    "春生 秋生 永福 明亮 海涛 国庆 国华 建设 学军 留柱 书贵 广才 占伟 俊峰 自强 天福 金锁 "
    "全喜 来福 根生 水旺 五星 双喜 振国 志刚 红旗 跃进 宏伟 保安 发展 胜利 文杰 "
    "伟 军 强 勇 刚 磊 涛 斌 杰 林 峰 亮 彬 鹏 辉"
)
FEMALE_NAMES = _words(
    "桂兰 秀英 玉兰 秀兰 桂英 凤英 淑珍 秀珍 翠花 春花 玉梅 红梅 秀梅 金凤 玉芝 素芳 "
    "桂芝 爱莲 翠英 巧云 小红 丽娟 冬梅 雪梅 玉霞 彩霞 爱琴 春兰 月娥 "
    "丽 娟 芳 敏 静 艳 霞 萍 红 英"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 155 156 157 158 159 "
    "166 176 177 180 181 182 183 185 186 187 188 189 191 198 199"
)
# 身份证 address codes: most heads were first registered in 禹州 itself (DOMAIN.md §7)
OTHER_ADDRESS_CODES = ("411082", "411023", "411025", "411002", "410182", "411024")
BORN_FROM, BORN_TO = dt.date(1936, 1, 1), dt.date(1991, 12, 31)

APPRAISERS = ("禹州市房屋安全鉴定站", "许昌市建设工程质量检测站", "禹州市建设工程质量监督站")
CRAFT_TEAMS = ("建筑队", "建筑工程队", "农村建筑工匠队")
REASON_C_REBUILD = (
    "主体结构老化严重，加固费用接近重建，经村民代表评议同意原址重建",
    "墙体大面积开裂且地基下沉，维修无法保证安全，经乡镇审核同意拆除重建",
)
REASON_D_REINFORCE = (
    "传统民居具有保留价值，经鉴定单位论证可加固后安全使用",
    "户主年老独居，重建意愿弱，经鉴定单位论证采取整体加固",
)
STRUCTURES_OLD = _weighted("土7 砖7 石3 混3")  # first character of 土木 砖木 石木 砖混
STRUCTURES_SOUND = _weighted("混31 砖9 框4 土3 石2 其1")
STRUCTURE_NAMES = {
    "土": "土木",
    "砖": "砖木",
    "石": "石木",
    "混": "砖混",
    "框": "框架",
    "其": "其他",
}
# The hilly west and south-west, where slopes and gullies make dangerous sites likelier.
HILLY = {"411081102", "411081103", "411081109", "411081114", "411081116", "411081118", "411081204"}

# --- Stories: the stage of a household's housing on the reference date ----------------
# name: (baseline weight, has a renovation, grades it can have, methods it can have)
_DANGER = (C, D)
_TO_RENOVATE = (REINFORCE, IN_PLACE, ELSEWHERE)
STORIES = {
    "safe": (0.790, False, (A, B), ()),  # A/B, never renovated
    "hist": (0.100, True, _DANGER, _TO_RENOVATE),  # renovated in the 2019–2022 wave
    "recent_done": (0.038, True, _DANGER, _TO_RENOVATE),  # found later, renovated, accepted
    "recent_building": (0.022, True, _DANGER, _TO_RENOVATE),  # in time, not yet accepted
    "recent_waiting": (0.015, False, _DANGER, ()),  # assessed < plan_days ago
    "nohouse_done": (0.028, True, (), (NEW_BUILD,)),  # 无房户, new house accepted
    "nohouse_building": (0.007, True, (), (NEW_BUILD,)),  # 无房户, building in time
    # only as the setting of a problem:
    "stale_waiting": (0, False, _DANGER, ()),  # A2-01
    "nohouse_none": (0, False, (), ()),  # A2-01
    "stale_building": (0, True, _DANGER, _TO_RENOVATE),  # A2-02
    "overdue_acceptance": (0, True, _DANGER, (REINFORCE, IN_PLACE)),  # A5-01
    "ab_renovated": (0, True, (A, B), (REINFORCE,)),  # A3-04
}
_ACCEPTED = ("hist", "recent_done", "nohouse_done")
_ASSESSED = ("safe", "hist", "recent_done")
_WORKS = (*_ACCEPTED, "recent_building", "nohouse_building", "stale_building")


@dataclass(frozen=True)
class Problem:
    weight: float  # relative frequency among problems
    stories: tuple[str, ...]
    grades: tuple[str, ...] = ()  # empty: any
    methods: tuple[str, ...] = ()  # empty: any
    conflicts: tuple[str, ...] = ()


# rule code → where it can happen. The weights give each problem about 1–4 % of the
# in-scope households of an ordinary township (tests/registry/test_demo_households.py).
PROBLEMS = {
    "A1-01": Problem(2.8, ("safe",), conflicts=("A1-02", "A1-03", "A1-04", "A1-05", "A1-06")),
    "A1-02": Problem(2.0, (*_ASSESSED, "ab_renovated"), conflicts=("A1-05",)),
    "A1-03": Problem(3.0, (*_ASSESSED, "recent_waiting", "recent_building"), conflicts=("A1-04",)),
    "A1-04": Problem(3.0, _ASSESSED),
    "A1-05": Problem(1.6, ("safe", "hist")),
    "A1-06": Problem(1.8, ("safe",)),
    "A2-01": Problem(2.8, ("stale_waiting", "nohouse_none")),
    "A2-02": Problem(2.6, ("stale_building",)),
    "A2-03": Problem(2.0, ("recent_waiting", "recent_building", "nohouse_building")),
    "A3-01": Problem(1.5, ("hist", "recent_done"), grades=(C,), methods=(IN_PLACE,)),
    "A3-02": Problem(1.6, ("hist", "recent_done"), grades=(D,), methods=(REINFORCE,)),
    "A3-03": Problem(1.5, ("hist", "recent_done"), grades=(D,), methods=(IN_PLACE,)),
    "A3-04": Problem(2.2, ("ab_renovated",)),
    "A4-01": Problem(1.6, _ACCEPTED, methods=REBUILDS),
    "A4-02": Problem(2.0, _ACCEPTED, methods=REBUILDS),
    "A4-03": Problem(1.6, _ACCEPTED),
    "A4-04": Problem(2.0, _ACCEPTED, conflicts=("A4-03", "A4-05", "A4-06", "A4-07", "A4-08")),
    "A4-05": Problem(2.2, _ACCEPTED, conflicts=("D-02", "A4-04")),
    "A4-06": Problem(1.6, _ACCEPTED),
    "A4-07": Problem(2.2, _ACCEPTED),
    "A4-08": Problem(1.4, ("hist", "recent_done")),
    "A5-01": Problem(2.4, ("overdue_acceptance",)),
    "A5-02": Problem(1.6, ("hist", "recent_done")),
    "A5-03": Problem(2.4, _ACCEPTED),
    "A5-04": Problem(2.6, (*_ACCEPTED, "ab_renovated")),
    "A5-05": Problem(2.0, _ACCEPTED, methods=REBUILDS),
    "A5-06": Problem(2.4, (*_WORKS, "overdue_acceptance")),
    "D-01": Problem(1.5, tuple(STORIES)),
    "D-02": Problem(2.4, _ACCEPTED, conflicts=("A4-04", "A4-05")),
}
PROBLEM_CODES = tuple(PROBLEMS)
# problems that need the subsidy's payment period to be over on the reference date
SETTLED = ("A4-03", "A4-04", "A4-05", "A4-06", "A4-07", "A4-08")
# Chance that a household of an ordinary township and village has any problem, and how
# many problems such a household has.
BASE_PROBLEM_RATE = 0.31
PROBLEMS_PER_HOUSEHOLD = ((1, 0.45), (2, 0.32), (3, 0.23))
SIZE_CUM = tuple(itertools.accumulate((0.10, 0.22, 0.25, 0.21, 0.12, 0.07, 0.03)))
STAGES = ("assessed", "approved", "started", "completed", "accepted", "paid")
WRONG_PLAQUE = {A: (B,), B: (A, C), C: (B, D), D: (C,)}
METHOD_WEIGHTS = {
    (C, REINFORCE): 0.95,
    (C, IN_PLACE): 0.05,
    (C, ELSEWHERE): 0.02,
    (D, IN_PLACE): 0.62,
    (D, ELSEWHERE): 0.30,
    (D, REINFORCE): 0.08,
}
ALL_GRADES = frozenset((A, B, C, D))
ALL_METHODS = frozenset((REINFORCE, IN_PLACE, ELSEWHERE, NEW_BUILD))


def township_factors(rng: random.Random, codes: list[str]) -> dict[str, float]:
    """How dirty each township is: four clean (×0.3), four dirty (×1.8), the rest ×0.75–1.25."""
    shuffled = sorted(codes)
    rng.shuffle(shuffled)
    factors: dict[str, float] = {}
    for i, code in enumerate(shuffled):
        factors[code] = 0.3 if i < 4 else 1.8 if i < 8 else round(rng.uniform(0.75, 1.25), 2)
    return factors


class IdPermutation:
    """A keyed bijection of ``range(size)`` (Feistel network with cycle walking), so
    household ``i`` gets a unique birth date and sequence number without a lookup set."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        bits = (size - 1).bit_length()
        bits += bits % 2
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.keys = [rng.getrandbits(32) for _ in range(4)]

    def __call__(self, x: int) -> int:
        half, mask = self.half, self.mask
        while True:
            left, right = x >> half, x & mask
            for key in self.keys:
                mixed = ((right * 0x9E3779B1 + key) ^ (right >> 3)) * 0x85EBCA6B
                left, right = right, left ^ ((mixed >> 11) & mask)
            x = (left << half) | right
            if x < self.size:
                return x


@dataclass
class Village:
    id: int
    township_id: int
    lat: float
    lon: float
    factor: float  # problem-rate multiplier (township × village)
    hilly: bool


def as_date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


def story_fits(name: str, grades: frozenset[str], methods: frozenset[str]) -> bool:
    _w, _renovated, story_grades, story_methods = STORIES[name]
    if story_grades and not grades.intersection(story_grades):
        return False
    return not story_methods or bool(methods.intersection(story_methods))


def cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def stages(*dates: int | None) -> dict[str, int | None]:
    """Ordinal dates by stage: assessed, approved, started, completed, accepted, paid."""
    return dict(zip(STAGES, dates, strict=True))


# --- How each problem is made: ``HOOKS[code](generator, household, assessment,
# renovation)`` turns a clean household of a fitting story into a case of the rule.
# Problems that the story alone makes (A1-01, A1-03, A1-04, A2-01, A2-02, A3-04, A5-01)
# have no hook; the generator handles the plaque (A1-03, A1-04) and drops the
# assessment (A1-01).
def _a1_02(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert asm is not None  # the problem's stories have an assessment
    x = gen.rng.random()
    if x < 0.3:
        asm["assessed_on"] = None
    elif x < 0.6:
        asm["assessor"] = ""
    else:
        asm["result_issued"] = False


def _a1_05(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert asm is not None  # the problem's stories have an assessment
    lo = max(asm["_assessed"] + 30, REF - 700)
    hh["suspected_reported_on"] = as_date(gen.rng.randint(lo, REF - 3))


def _a1_06(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    hh["dangerous_site"] = True


def _a2_03(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    if not hh["monitoring_type"]:
        hh["monitoring_type"] = gen.rng.choice((UNSTABLE, EDGE, SUDDEN))
        hh["groups"] |= G_SUDDEN if hh["monitoring_type"] == SUDDEN else G_UNSTABLE


def _a3_01(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    ren["method_reason"] = ""


_a3_02 = _a3_01

_a3_03 = _a1_06  # on a dangerous site, with 原址重建 from the story


def _set_area(hh: Row, ren: Row, area10: int) -> None:
    ren["_area10"] = area10
    ren["area_after"] = hh["floor_area"] = area10 / 10  # the rebuilt house is the house
    ren["_subsidy"] = min(ren["_subsidy"], rebuild_ceiling(hh["size"], area10))
    if ren["subsidy_amount"]:
        ren["subsidy_amount"] = ren["_subsidy"]
    if hh["self_funds"]:  # a smaller house costs less of the household's own money
        hh["self_funds"] = min(hh["self_funds"], int(ren["_subsidy"] * 1.9) // 100 * 100)


def _a4_01(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    _set_area(hh, ren, max(100, min_area(hh["size"]) * 10 - 5 * gen.rng.randint(2, 20)))


def _a4_02(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    _set_area(hh, ren, guide_area(hh["size"]) * 10 + 5 * gen.rng.randint(2, 120))


def _a4_03(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    n, ri = hh["size"], gen.rng.randint
    if ren["method"] == REINFORCE:
        over = RULES["reinforce_ceiling"] + 500 * ri(2, 20)
    elif n > 3:
        over = RULES["large_family_ceiling"] + 1000 * ri(2, 15)
    else:
        over = rebuild_ceiling(n, ren["_area10"]) + 100 * ri(5, 80)
    ren["_subsidy"] = ren["subsidy_amount"] = over


def _a4_04(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    ren["subsidy_amount"] = None if gen.rng.random() < 0.5 else 0
    ren["subsidy_paid_on"] = None
    ren["payment_channel"] = ""
    ren["file_payment_voucher"] = None  # nothing paid, no voucher (A5-04 fires too)


def _a4_05(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    accepted = ren["accepted_on"].toordinal()
    late = gen.rng.randint(RULES["pay_days"] + 1, min(300, REF - accepted))
    ren["subsidy_paid_on"] = as_date(accepted + late)


def _a4_06(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    ren["payment_channel"] = "其他"
    ren["payee_agreement"] = False if gen.rng.random() < 0.6 else None


def _a4_07(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    if gen.rng.random() < 0.5:
        hh["borrowed"] = True
    else:
        ratio = gen.rng.uniform(RULES["self_ratio"] + 0.2, 5)
        hh["self_funds"] = int(ren["subsidy_amount"] * ratio) // 100 * 100


def _a4_08(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    hh["other_subsidy"] = gen.rng.choice(("灾后重建", "抗震改造", "易地搬迁"))


def _a5_02(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    ren["post_grade"] = "" if gen.rng.random() < 0.4 else C


def _a5_03(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    if ren["method"] == REINFORCE:
        ren["final_checked_on"] = None
    else:
        checks = ("foundation_checked_on", "structure_checked_on", "final_checked_on")
        ren[gen.rng.choice(checks)] = None


def _a5_04(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    items = [k for k in ren if k.startswith("file_")]
    for key in gen.rng.sample(items, gen.rng.randint(1, 2)):
        ren[key] = False if gen.rng.random() < 0.6 else None


def _a5_05(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    if ren["method"] == NEW_BUILD or gen.rng.random() < 0.5:
        ren["moved_in"] = False
    else:
        ren["old_demolished"] = False


def _a5_06(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    ren["craftsman"] = ""


def _d_01(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    good = hh["_id_number"]
    if gen.rng.random() < 0.7:  # a wrong check character
        hh["_id_number"] = good[:17] + gen.rng.choice(idcard.CHECK.replace(good[17], ""))
        return
    while True:  # an impossible birth date; the year and the sequence stay
        month_day = gen.rng.choice(("0230", "0231", "0431", "0631", "0931", "1131", "1332"))
        first17 = good[:10] + month_day + good[14:17]
        bad = first17 + idcard.check_char(first17)
        if bad not in gen.bad_ids:
            gen.bad_ids.add(bad)
            hh["_id_number"] = bad
            return
        good = f"{good[:14]}{(int(good[14:17]) + 1) % 1000:03d}{good[17]}"


def _d_02(gen: Generator, hh: Row, asm: Row | None, ren: Row | None) -> None:
    assert ren is not None  # the problem's stories have a renovation
    rng, day = gen.rng, dt.timedelta
    x = rng.random()
    if x < 0.4:  # works started before the county approved them
        later = ren["started_on"] + day(days=rng.randint(3, 30))
        ren["approved_on"] = min(later, REFERENCE_DATE)
    elif x < 0.65:  # paid before the acceptance
        ren["subsidy_paid_on"] = ren["accepted_on"] - day(days=rng.randint(3, 20))
    elif x < 0.85 and asm and asm["assessed_on"]:  # assessment written up afterwards
        later = ren["started_on"] + day(days=rng.randint(5, 60))
        asm["assessed_on"] = min(later, REFERENCE_DATE)
    else:  # accepted before the works were finished
        ren["accepted_on"] = ren["completed_on"] - day(days=rng.randint(2, 15))
        if ren["subsidy_paid_on"]:
            ren["subsidy_paid_on"] = ren["accepted_on"] + day(days=rng.randint(3, 28))


HOOKS: dict[str, Hook] = {
    "A1-02": _a1_02,
    "A1-05": _a1_05,
    "A1-06": _a1_06,
    "A2-03": _a2_03,
    "A3-01": _a3_01,
    "A3-02": _a3_02,
    "A3-03": _a3_03,
    "A4-01": _a4_01,
    "A4-02": _a4_02,
    "A4-03": _a4_03,
    "A4-04": _a4_04,
    "A4-05": _a4_05,
    "A4-06": _a4_06,
    "A4-07": _a4_07,
    "A4-08": _a4_08,
    "A5-02": _a5_02,
    "A5-03": _a5_03,
    "A5-04": _a5_04,
    "A5-05": _a5_05,
    "A5-06": _a5_06,
    "D-01": _d_01,
    "D-02": _d_02,
}
