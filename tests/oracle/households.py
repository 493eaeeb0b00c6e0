"""Households for the oracle test: canonical values (what the oracle reads) and the workbook
cells a real export would carry for them (what ``import_registry`` reads).

Written from TEMPLATE.md, RULES.md and DOMAIN.md only. Deterministic per seed. Each household
starts from a coherent situation (safe, unrenovated C/D, works under way, accepted, 无房户,
never assessed, renovation facts without a method), is given a row *shape* — ``export``
(every optional column filled with its "nothing" value: 否 for flags, 0 for money, empty for
the rest), ``sparse`` (empty = unknown) or ``mixed`` — and then 0–3 *twists* that put values
exactly on a rule's boundary (N days, areas, ceilings, n = 1…8), drop inputs, put dates out of
order or break the ID number. The cells are written with the national systems' words, the
spellings of TEMPLATE.md (2022/5/20, 2022年5月20日, Excel serials, √/×, 1.5万元, 26㎡,
full-width digits, lower-case x) on part of the rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from tests.oracle.rules_oracle import FILE_ITEMS, check_char, guide_area, minimum_area

HEADERS = (
    "乡镇", "行政村", "户主姓名", "身份证号", "联系电话", "家庭人口", "对象类别", "是否脱贫户",
    "是否享受政策", "监测对象类型", "风险状态", "是否无房户", "房屋结构", "建成年份", "房屋面积",
    "是否危险场地", "鉴定方式", "鉴定日期", "鉴定等级", "鉴定人员", "鉴定结果是否出具",
    "疑似危房上报日期", "是否挂牌", "挂牌日期", "挂牌等级", "改造方式", "改造方式说明", "批准日期",
    "开工日期", "竣工日期", "验收日期", "验收后等级", "改造后面积", "施工人员资质",
    "地基基础检查日期", "主体结构检查日期", "竣工检查日期", "是否入住", "旧房是否拆除", "补助金额",
    "补助发放日期", "发放方式", "代发协议", "自筹资金", "是否举债", "其他住房补助", *FILE_ITEMS,
)  # fmt: skip

BOOLS = (
    "是否脱贫户", "是否享受政策", "是否无房户", "是否危险场地", "鉴定结果是否出具", "是否挂牌",
    "是否入住", "旧房是否拆除", "代发协议", "是否举债", *FILE_ITEMS,
)  # fmt: skip
DATES = (
    "鉴定日期", "疑似危房上报日期", "挂牌日期", "批准日期", "开工日期", "竣工日期", "验收日期",
    "地基基础检查日期", "主体结构检查日期", "竣工检查日期", "补助发放日期",
)  # fmt: skip
MONEY = ("补助金额", "自筹资金")
AREAS = ("房屋面积", "改造后面积")
GRADES = ("鉴定等级", "挂牌等级", "验收后等级")
CHAIN = ("批准日期", "开工日期", "竣工日期", "验收日期", "补助发放日期")
CHECKS = ("地基基础检查日期", "主体结构检查日期", "竣工检查日期")

# TEMPLATE.md "Words from the national systems".
METHOD_WORDS = {
    "加固维修": ("维修加固", "修缮加固", "加固"),
    "原址重建": ("拆除重建", "原址翻建", "原址新建", "重建"),
    "异地重建": ("选址新建", "异地新建", "异地非集中新建", "异地相对集中新建"),
    "其他保障": ("统建集体公租房", "集体公租房", "租赁", "置换", "幸福大院", "投亲靠友"),
    "新建": (),
}
GROUP_WORDS = {
    "其他脱贫户": ("建档立卡贫困户", "脱贫户"),
    "分散供养特困人员": ("农村分散供养特困人员", "特困分散供养"),
    "低保户": ("农村低保户", "农村最低生活保障对象"),
    "低保边缘家庭": ("农村低保边缘家庭", "农村最低生活保障边缘家庭成员"),
    "易返贫致贫户": (),
    "突发严重困难户": (),
}
BOOL_WORDS = (("是", "否"), ("有", "无"), ("√", "×"), ("Y", "N"), ("1", "0"), (1, 0))
REBUILDS = ("原址重建", "异地重建", "新建")
METHODS = ("加固维修", *REBUILDS, "其他保障")
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "建国红军秀英桂兰玉梅志强海燕德明春花小龙金凤永福保国长青春生满仓"
ASSESSORS = ("禹州市房屋安全鉴定站", "许昌市建科检测有限公司", "火龙镇村镇建设服务中心")
CRAFTSMEN = ("豫工匠证字第2021{:04d}号", "禹州市顺达建筑工程队", "农村建筑工匠 证书{:05d}")
REASON = "房屋主体结构尚好，经鉴定具备加固价值"
NATIONAL_ID_PREFIXES = ("411081", "411081", "411081", "411023", "410102", "110105")
IMPOSSIBLE_BIRTHS = ("19810229", "19800230", "19801301", "19800000", "19800431", "19790931")
FULL = str.maketrans("0123456789Xx ", "０１２３４５６７８９Ｘｘ\u3000")


@dataclass
class Case:
    values: dict  # canonical values, keyed by TEMPLATE.md header
    cells: dict = field(default_factory=dict)  # header → cell as written in the workbook
    tags: list[str] = field(default_factory=list)  # situation, shape and twists applied


def d(x) -> Decimal:
    return Decimal(str(x))


class _Gen:
    def __init__(self, seed: int, as_of: dt.date, places):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.places = places
        self.used17: set[str] = set()

    # --- small helpers ------------------------------------------------------------------
    def ago(self, lo: int, hi: int | None = None) -> dt.date:
        return self.as_of - dt.timedelta(days=lo if hi is None else self.rng.randint(lo, hi))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def first17(self, i: int, birth: str | None = None) -> str:
        for k in range(1000):
            prefix = NATIONAL_ID_PREFIXES[(i + k) % len(NATIONAL_ID_PREFIXES)]
            born = dt.date(1935, 1, 1) + dt.timedelta(days=(i * 7919 + k * 31) % 27000)
            seq = f"{(i * 37 + k) % 1000:03d}"
            candidate = prefix + (birth or born.strftime("%Y%m%d")) + seq
            if candidate not in self.used17:
                self.used17.add(candidate)
                return candidate
        raise AssertionError("no free ID number")

    # --- a coherent household -----------------------------------------------------------
    def base(self, i: int) -> tuple[dict, str]:
        rng = self.rng
        h = dict.fromkeys(HEADERS)
        h["乡镇"], h["行政村"] = self.places[i % len(self.places)]
        h["户主姓名"] = self.pick(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        f17 = self.first17(i)
        h["身份证号"] = f17 + check_char(f17)
        if self.chance(0.6):
            h["联系电话"] = f"1{self.pick('3456789')}{rng.randint(0, 999999999):09d}"
        n = rng.choices(range(1, 11), weights=(14, 20, 20, 15, 11, 8, 5, 3, 2, 2))[0]
        h["家庭人口"] = n
        self.scope(h)
        h["房屋结构"] = self.pick(("砖混", "砖木", "土木", "石木", "框架", "其他"))
        h["建成年份"] = rng.randint(1960, 2015)
        h["房屋面积"] = d(rng.randint(30, 160))
        situation = rng.choices(
            ("safe", "unrenovated", "under_way", "accepted", "no_house", "unassessed", "facts"),
            weights=(28, 14, 14, 22, 7, 6, 9),
        )[0]
        if situation in ("no_house",):
            h["是否无房户"] = True
            h["房屋结构"] = h["建成年份"] = h["房屋面积"] = None
        elif situation != "unassessed":
            self.assess(h, situation)
        if situation in ("under_way", "accepted", "facts") or (
            situation == "no_house" and self.chance(0.8)
        ):
            self.renovate(h, situation)
        if situation == "facts":
            h["改造方式"] = None
        if self.chance(0.08):
            h["是否举债"] = True
        if self.chance(0.03):
            h["其他住房补助"] = self.pick(("灾后重建", "抗震改造", "易地搬迁"))
        return h, situation

    def scope(self, h: dict) -> None:
        rng = self.rng
        r = rng.random()
        groups = rng.sample(sorted(GROUP_WORDS), rng.choice((0, 0, 1, 1, 2)))
        if r < 0.62:
            h["是否脱贫户"] = h["是否享受政策"] = True
            if self.chance(0.2):
                h["监测对象类型"] = self.pick(("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"))
        elif r < 0.78:
            h["监测对象类型"] = self.pick(("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"))
            h["是否脱贫户"], h["是否享受政策"] = self.pick(
                ((False, False), (None, None), (True, False), (False, None))
            )
        else:  # out of the default scope, in shapes that look close to it
            h["是否脱贫户"], h["是否享受政策"] = self.pick(
                ((True, False), (False, True), (None, True), (True, None), (False, False))
            )
            if self.chance(0.5):
                groups = [self.pick(("其他脱贫户", "低保户", "分散供养特困人员"))]
        h["对象类别"] = tuple(groups)
        if h["监测对象类型"]:
            h["风险状态"] = "风险消除" if self.chance(0.3) else "风险未消除"
        elif self.chance(0.05):
            h["风险状态"] = "风险消除"

    def assess(self, h: dict, situation: str) -> None:
        rng = self.rng
        if situation == "safe":
            grade, since = self.pick("AABB"), (0, 1500)
        elif situation == "facts":
            grade, since = self.pick("CCDDDAB"), (60, 900)
        else:
            grade = "C" if self.chance(0.45) else "D"
            since = {"unrenovated": (0, 400), "under_way": (30, 500)}.get(situation, (250, 1400))
        h["鉴定等级"] = grade
        h["鉴定日期"] = self.ago(*since)
        h["鉴定方式"] = self.pick(("鉴定", "评定"))
        h["鉴定人员"] = self.pick(ASSESSORS)
        h["鉴定结果是否出具"] = True if self.chance(0.92) else None
        if self.chance(0.85):
            h["是否挂牌"] = True
            h["挂牌日期"] = min(self.as_of, h["鉴定日期"] + dt.timedelta(rng.randint(0, 20)))
            h["挂牌等级"] = grade if self.chance(0.9) else self.pick("ABCD")
        if self.chance(0.12):
            h["疑似危房上报日期"] = h["鉴定日期"] - dt.timedelta(rng.randint(0, 60))
        if self.chance(0.03):
            h["是否危险场地"] = True

    def renovate(self, h: dict, situation: str) -> None:
        rng, n = self.rng, h["家庭人口"]
        grade = h["鉴定等级"]
        if h["是否无房户"]:
            method = "新建" if self.chance(0.65) else "其他保障"
        elif grade == "C":
            method = "加固维修" if self.chance(0.8) else self.pick(REBUILDS)
        elif grade in ("A", "B"):
            method = self.pick(METHODS)
        else:
            method = rng.choices(("原址重建", "异地重建", "新建", "加固维修"), (45, 35, 5, 15))[0]
            if h["是否危险场地"] and self.chance(0.7):
                method = "异地重建"
        h["改造方式"] = method
        if (grade == "C" and method in REBUILDS) or (grade == "D" and method == "加固维修"):
            h["改造方式说明"] = REASON if self.chance(0.5) else None
        start = h["鉴定日期"] or self.ago(200, 1200)
        dates = [start + dt.timedelta(rng.randint(5, 60))]
        for lo, hi in ((0, 40), (20, 150), (0, 45), (0, 40)):
            dates.append(dates[-1] + dt.timedelta(rng.randint(lo, hi)))
        accepted = situation == "accepted" or (
            situation in ("facts", "no_house") and self.chance(0.5)
        )
        if accepted and dates[3] > self.as_of:  # move the whole story back before the date
            shift = dt.timedelta((dates[3] - self.as_of).days + rng.randint(0, 60))
            dates = [x - shift for x in dates]
            for c in ("鉴定日期", "挂牌日期", "疑似危房上报日期"):
                h[c] = h[c] - shift if h[c] else None
        stages = 5 if accepted else rng.randint(0, 3)
        for c, x in zip(CHAIN, dates[:stages], strict=False):
            h[c] = x if x <= self.as_of else None
        if h["开工日期"]:
            h["地基基础检查日期"] = min(
                self.as_of, h["开工日期"] + dt.timedelta(rng.randint(3, 15))
            )
        if h["竣工日期"]:
            h["主体结构检查日期"] = h["竣工日期"] - dt.timedelta(rng.randint(5, 15))
            h["竣工检查日期"] = h["竣工日期"]
        if method == "加固维修" and self.chance(0.6):
            h["地基基础检查日期"] = h["主体结构检查日期"] = None
        if method in REBUILDS:
            lo, hi = minimum_area(n), guide_area(n)
            h["改造后面积"] = d(rng.randint(int(lo) - 2, int(hi) + 3)) + self.pick((0, 0, d("0.5")))
        elif method == "加固维修" and self.chance(0.5):
            h["改造后面积"] = h["房屋面积"]
        if method != "其他保障" or self.chance(0.5):
            h["施工人员资质"] = (
                self.pick(CRAFTSMEN).format(rng.randint(1, 9999)) if self.chance(0.88) else None
            )
        if h["验收日期"]:
            h["验收后等级"] = rng.choices("ABCD", (60, 33, 5, 2))[0]
            if h["是否挂牌"] and self.chance(0.6):  # the plaque was changed after acceptance
                h["挂牌等级"] = h["验收后等级"]
            if method in REBUILDS:
                h["是否入住"] = self.chance(0.92)
                if method != "新建":
                    h["旧房是否拆除"] = self.chance(0.9)
            for item in FILE_ITEMS:
                h[item] = True if self.chance(0.95) else self.pick((False, None))
            ceiling = {"加固维修": 15000}.get(method)
            if method in REBUILDS:
                cap = {1: 24, 2: 36, 3: 48}.get(n)
                ceiling = 50000 if cap is None else 630 * min(h["改造后面积"], cap)
            if ceiling is not None and self.chance(0.9):
                h["补助金额"] = d(int(ceiling * d(rng.uniform(0.5, 1.0)) / 100) * 100)
                if h["补助发放日期"] is None:
                    h["补助发放日期"] = h["验收日期"]
            else:
                h["补助发放日期"] = None
        elif self.chance(0.2):
            h["补助金额"] = d(rng.randint(20, 80) * 100)
        if h["补助金额"]:
            h["发放方式"] = "一卡通" if self.chance(0.85) else "其他"
            if h["发放方式"] == "其他":
                h["代发协议"] = self.pick((True, True, False, None))
            if self.chance(0.8):
                h["自筹资金"] = d(int(h["补助金额"] * d(rng.uniform(0, 2.4)) / 100) * 100)

    # --- the row's shape ------------------------------------------------------------------
    def shape(self, h: dict) -> str:
        shape = self.rng.choices(("export", "sparse", "mixed"), (55, 20, 25))[0]
        for c in BOOLS:
            if h[c] is None and (shape == "export" or (shape == "mixed" and self.chance(0.5))):
                h[c] = False
        for c in MONEY:
            if h[c] is None and (shape == "export" or (shape == "mixed" and self.chance(0.5))):
                h[c] = d(0)
        return shape

    # --- twists: boundaries, missing inputs, disorder -------------------------------------
    def t_plan_days(self, h):
        h["鉴定等级"] = self.pick("CD")
        h["鉴定日期"] = self.ago(90 + self.pick((-1, 0, 1, 2)))
        h["改造方式"] = None
        h["是否无房户"] = self.pick((False, None))

    def t_finish_days(self, h):
        h["鉴定等级"] = self.pick("CD")
        h["鉴定日期"] = self.ago(180 + self.pick((-1, 0, 1, 2)))
        h["改造方式"] = h["改造方式"] or self.pick(METHODS)
        h["验收日期"] = None

    def t_accept_days(self, h):
        h["竣工日期"] = self.ago(30 + self.pick((-1, 0, 1, 2)))
        h["验收日期"] = h["补助发放日期"] = None

    def t_unpaid(self, h):
        h["验收日期"] = self.ago(30 + self.pick((-1, 0, 1, 2)))
        h["补助金额"] = self.pick((d(0), None, d("0.01"), d(100)))
        h["补助发放日期"] = None

    def t_paid_late(self, h):
        h["验收日期"] = self.ago(70, 500)
        h["补助发放日期"] = h["验收日期"] + dt.timedelta(30 + self.pick((-1, 0, 1, 2)))
        h["补助金额"] = h["补助金额"] or d(12000)

    def _rebuild(self, h, sizes):
        h["家庭人口"] = self.pick(sizes)
        h["改造方式"] = self.pick(REBUILDS)

    def t_area_minimum(self, h):
        self._rebuild(h, range(1, 9))
        delta = self.pick((-1, d("-0.5"), d("-0.01"), 0, 0, d("0.01"), 1))
        h["改造后面积"] = minimum_area(h["家庭人口"]) + delta

    def t_area_guide(self, h):
        self._rebuild(h, range(1, 9))
        delta = self.pick((-1, d("-0.01"), 0, 0, d("0.01"), d("0.5"), 1))
        h["改造后面积"] = guide_area(h["家庭人口"]) + delta

    def t_ceiling_repair(self, h):
        h["改造方式"] = "加固维修"
        h["补助金额"] = d(15000) + self.pick((d("-0.01"), 0, 0, d("0.01"), 1, -100, 100))

    def t_ceiling_small(self, h):
        self._rebuild(h, (1, 2, 3))
        cap = {1: 24, 2: 36, 3: 48}[h["家庭人口"]]
        area = self.pick(
            (cap - 1, cap, cap, cap + 1, d(cap) - d("0.5"), d(cap) + d("0.5"), 20, None)
        )
        h["改造后面积"] = None if area is None else d(area)
        base = 630 * min(h["改造后面积"], d(cap)) if area is not None else d(30240)
        h["补助金额"] = base + self.pick((d("-0.01"), 0, 0, d("0.01"), 1, -630, 630))

    def t_ceiling_large(self, h):
        self._rebuild(h, range(4, 11))
        h["补助金额"] = d(50000) + self.pick((d("-0.01"), 0, 0, d("0.01"), 1, -1000))

    def t_ceiling_none(self, h):  # no ceiling for 其他保障 or without a method
        h["改造方式"] = self.pick(("其他保障", None))
        h["补助金额"] = self.pick((d(15000) + d("0.01"), d(50001), d(80000)))

    def t_self_ratio(self, h):
        paid = self.pick((d(10000), d(15000), d("22680.5"), d(0), None))
        h["补助金额"] = paid
        base = (paid or d(8000)) * 2
        h["自筹资金"] = self.pick(
            (base - d("0.01"), base, base, base + d("0.01"), base + 1, None, d(0))
        )

    def t_debt(self, h):
        h["是否举债"] = self.pick((True, False, None))

    def t_other_subsidy(self, h):
        h["其他住房补助"] = self.pick(("灾后重建", "抗震改造", "易地搬迁"))
        h["补助金额"] = self.pick((d(0), None, d("0.01"), d(8000)))

    def t_channel(self, h):
        h["发放方式"] = self.pick(("其他", "其他", "一卡通", None))
        h["代发协议"] = self.pick((True, False, None))
        h["补助金额"] = self.pick((d(0), d(5000), d(5000), None))

    def t_plaque(self, h):
        h["是否挂牌"] = self.pick((True, True, False, None))
        h["挂牌等级"] = self.pick((None, "A", "B", "C", "D"))
        if self.chance(0.5):
            h["验收日期"] = self.ago(40, 400)
            h["验收后等级"] = self.pick((None, "A", "B", "C"))
        if self.chance(0.2):
            h["鉴定等级"] = None

    def t_site(self, h):
        h["是否危险场地"] = True
        h["鉴定等级"] = self.pick(("C", "D", "D", "A", None))
        h["改造方式"] = self.pick(("原址重建", "异地重建", "加固维修", None))

    def t_assessment_gaps(self, h):
        h["鉴定等级"] = h["鉴定等级"] or self.pick("ABCD")
        gap = self.pick(("鉴定日期", "鉴定人员", "出具否", "出具空"))
        if gap == "出具否":
            h["鉴定结果是否出具"] = False
        elif gap == "出具空":
            h["鉴定结果是否出具"] = None
        else:
            h[gap] = None

    def t_suspicion(self, h):
        variant = self.pick(("around", "around", "no grade", "no date"))
        if variant == "around":
            h["鉴定等级"] = h["鉴定等级"] or self.pick("ABCD")
            h["鉴定日期"] = self.ago(20, 600)
            h["疑似危房上报日期"] = h["鉴定日期"] + dt.timedelta(self.pick((-1, 0, 1)))
        else:
            h["疑似危房上报日期"] = self.ago(10, 300)
            if variant == "no grade":
                h["鉴定等级"] = None
            else:
                h["鉴定日期"] = None

    def t_risk_cleared(self, h):
        h["风险状态"] = "风险消除"
        h["监测对象类型"] = h["监测对象类型"] or self.pick(("脱贫不稳定户", "边缘易致贫户"))
        if self.chance(0.3):
            h["是否无房户"] = True
        else:
            h["鉴定等级"] = self.pick("ABCD")
        h["改造方式"] = self.pick((None, "新建", "原址重建", "加固维修", "其他保障"))
        h["验收日期"] = self.pick((None, self.ago(40, 400)))
        h["验收后等级"] = self.pick((None, "A", "B", "C"))

    def t_method_reason(self, h):
        h["鉴定等级"], h["改造方式"] = self.pick((("C", "原址重建"), ("C", "异地重建"),
                                            ("C", "新建"), ("D", "加固维修")))  # fmt: skip
        h["改造方式说明"] = self.pick((None, REASON))

    def t_graded_ab_paid(self, h):
        h["鉴定等级"] = self.pick("AB")
        h["补助金额"] = self.pick((d(0), None, d("0.01"), d(5000)))
        h["是否无房户"] = self.pick((True, False, None))

    def t_post_grade(self, h):
        h["验收日期"] = self.ago(10, 400)
        h["验收后等级"] = self.pick((None, "A", "B", "C", "D"))

    def t_checks(self, h):
        h["改造方式"] = self.pick(METHODS)
        h["验收日期"] = self.ago(20, 400)
        for c in CHECKS:
            h[c] = self.pick((None, self.ago(30, 600)))

    def t_file_items(self, h):
        h["验收日期"] = self.ago(20, 400)
        for c in FILE_ITEMS:
            h[c] = True
        for c in self.rng.sample(FILE_ITEMS, self.pick((0, 1, 1, 2))):
            h[c] = self.pick((False, None))

    def t_moved_in(self, h):
        h["改造方式"] = self.pick((*REBUILDS, "加固维修"))
        h["验收日期"] = self.ago(20, 400)
        h["是否入住"] = self.pick((True, False, None))
        h["旧房是否拆除"] = self.pick((True, False, None))

    def t_craftsman(self, h):
        h["改造方式"] = self.pick((*METHODS, None))
        h["施工人员资质"] = self.pick((None, "豫工匠证字第20210001号"))

    def t_no_method(self, h):
        h["改造方式"] = None

    def t_dates_order(self, h):
        i, j = sorted(self.rng.sample(range(len(CHAIN)), 2))
        later = self.ago(40, 500)
        h[CHAIN[j]] = later
        h[CHAIN[i]] = later + dt.timedelta(self.pick((1, 0, -1, 5)))
        for c in CHAIN[i + 1 : j]:
            h[c] = self.pick((None, later))
        if self.chance(0.3):
            h["开工日期"] = h["开工日期"] or later
            h["鉴定日期"] = h["开工日期"] + dt.timedelta(self.pick((-1, 0, 1)))

    def t_id_check(self, h):
        f17 = h["身份证号"][:17]
        h["身份证号"] = f17 + self.pick([c for c in "0123456789X" if c != check_char(f17)])

    def t_id_birth(self, h, i):
        f17 = self.first17(i, birth=self.pick(IMPOSSIBLE_BIRTHS))
        h["身份证号"] = f17 + check_char(f17)

    def t_no_house(self, h):
        h["是否无房户"] = True
        h["鉴定等级"] = self.pick((None, None, "C", "D"))
        h["改造方式"] = self.pick((None, "新建", "其他保障"))
        h["验收日期"] = self.pick((None, self.ago(40, 300)))

    def t_not_assessed(self, h):
        h["鉴定等级"] = None
        h["是否无房户"] = self.pick((False, None))
        if self.chance(0.5):
            h["鉴定日期"] = h["鉴定日期"] or self.ago(10, 300)

    TWISTS = (
        "t_plan_days", "t_finish_days", "t_accept_days", "t_unpaid", "t_paid_late",
        "t_area_minimum", "t_area_guide", "t_ceiling_repair", "t_ceiling_small",
        "t_ceiling_large", "t_ceiling_none", "t_self_ratio", "t_debt", "t_other_subsidy", "t_channel", "t_plaque",
        "t_site", "t_assessment_gaps", "t_suspicion", "t_risk_cleared", "t_method_reason",
        "t_graded_ab_paid", "t_post_grade", "t_checks", "t_file_items", "t_moved_in",
        "t_craftsman", "t_no_method", "t_dates_order", "t_id_check", "t_id_birth", "t_no_house",
        "t_not_assessed",
    )  # fmt: skip

    def household(self, i: int) -> Case:
        h, situation = self.base(i)
        case = Case(h, tags=[situation, self.shape(h)])
        for name in self.rng.sample(
            self.TWISTS, self.rng.choices((0, 1, 2, 3), (20, 45, 25, 10))[0]
        ):
            twist: Callable = getattr(self, name)
            twist(h, i) if name == "t_id_birth" else twist(h)
            case.tags.append(name[2:])
        for c in DATES:
            assert h[c] is None or h[c] <= self.as_of, (c, h[c], case.tags)
        for c in (*MONEY, *AREAS):
            assert h[c] is None or isinstance(h[c], Decimal), (c, h[c], case.tags)
        case.cells = self.cells(h, plain=self.chance(0.6), export=case.tags[1] == "export")
        return case

    # --- cells as a real file carries them -------------------------------------------------
    def cells(self, h: dict, *, plain: bool, export: bool) -> dict:
        rng = self.rng
        yes, no = BOOL_WORDS[0] if plain else self.pick(BOOL_WORDS)
        out = {}
        for c in HEADERS:
            v = h[c]
            if v is None:
                out[c] = None if plain or not self.chance(0.05) else " "
            elif c in BOOLS:
                out[c] = yes if v else no
            elif c in DATES:
                out[c] = v if plain else self.date_cell(v)
            elif c in MONEY:
                out[c] = self.number(v) if plain else self.money_cell(v)
            elif c in AREAS:
                out[c] = self.number(v) if plain else self.area_cell(v)
            elif c in GRADES:
                out[c] = (
                    v
                    if plain
                    else self.pick((v, v + "级", v.translate(str.maketrans("ABCD", "ＡＢＣＤ"))))
                )
            elif c == "改造方式":
                words = METHOD_WORDS[v]
                national = words and self.chance(0.7 if export else 0.4)
                out[c] = self.pick(words) if national else v
            elif c == "对象类别":
                names = [
                    self.pick(GROUP_WORDS[g]) if GROUP_WORDS[g] and self.chance(0.5) else g
                    for g in v
                ]
                out[c] = self.pick(("、", ",", "，", ";", "；")).join(names) or None
            elif c == "身份证号":
                out[c] = v
                if not plain and v.endswith("X") and self.chance(0.6):
                    out[c] = v[:-1] + "x"
                if not plain and self.chance(0.1):
                    out[c] = out[c].translate(FULL)
            elif c == "家庭人口" and not plain:
                out[c] = self.pick((v, str(v), str(v).translate(FULL)))
            else:
                out[c] = v
        if not plain and rng.random() < 0.1:
            out["户主姓名"] = f" {out['户主姓名']} "
        return out

    @staticmethod
    def number(v: Decimal):
        return int(v) if v == v.to_integral_value() else float(v)

    def date_cell(self, v: dt.date):
        kind = self.rng.randrange(7)
        if kind == 0:
            return v
        if kind == 1:
            return (v - dt.date(1899, 12, 30)).days  # an Excel serial in a number cell
        return (
            v.isoformat(),
            f"{v.year}/{v.month}/{v.day}",
            f"{v.year}.{v.month}.{v.day}",
            f"{v.year}年{v.month}月{v.day}日",
            v.strftime("%Y%m%d"),
        )[kind - 2]

    def money_cell(self, v: Decimal):
        kind = self.rng.randrange(5)
        if kind == 0 or v == 0:
            return self.number(v)
        text = format(v.normalize(), "f")
        if kind == 1:
            return f"{text}元"
        if kind == 2:
            whole, _, cents = text.partition(".")
            return f"{int(whole):,}" + (f".{cents}" if cents else "") + "元"
        if kind == 3:
            return format((v / 10000).normalize(), "f") + "万元"
        return text

    def area_cell(self, v: Decimal):
        text = format(v.normalize(), "f")
        return self.pick((self.number(v), f"{text}㎡", f"{text}平方米", f"{text}m2"))


def generate(count: int, *, seed: int, as_of: dt.date, places) -> list[Case]:
    """``count`` households; ``places`` are (乡镇 cell, 行政村 cell) pairs used in turn."""
    gen = _Gen(seed, as_of, places)
    return [gen.household(i) for i in range(count)]
