"""Data quality (数据质量), RULES.md D-01 and D-02."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from django.db.models import F, Q

from anju.screening.rules.base import (
    A,
    Aspect,
    Households,
    Params,
    R,
    Rule,
    Severity,
    Values,
    day,
    register,
)

# 批准日期 ≤ 开工日期 ≤ 竣工日期 ≤ 验收日期 ≤ 补助发放日期
CHAIN = (
    ("approved_on", "批准日期"),
    ("started_on", "开工日期"),
    ("completed_on", "竣工日期"),
    ("accepted_on", "验收日期"),
    ("subsidy_paid_on", "补助发放日期"),
)
PAIRS = list(combinations(CHAIN, 2))  # every (earlier, later) pair, not only neighbours


@register
class D_01(Rule):
    code, aspect, severity = "D-01", Aspect.DATA, Severity.ERROR
    title = "身份证号校验不通过"
    basis = "《公民身份号码》（GB 11643-1999）：第18位校验码按前17位加权计算，第7至14位为真实的出生日期。"
    remedy = "核对户口簿或身份证原件，更正身份证号。"
    fields = {"masked": "id_number_masked"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        # IDs are stored encrypted; the check result is kept beside them when they are set.
        return households.filter(id_number_valid=False)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        masked = f"身份证号 {v['masked']} " if v["masked"] else "身份证号"
        return f"{masked}校验码错误或出生日期不存在"


@register
class D_02(Rule):
    code, aspect, severity = "D-02", Aspect.DATA, Severity.ERROR
    title = "日期先后顺序错误"
    basis = "改造流程依次为批准、开工、竣工、验收、发放补助；鉴定应在开工之前。"
    remedy = (
        "核对档案中的各项日期，更正录入错误；确属先施工后审批等违规情形的，在台账中说明并整改。"
    )
    fields = {
        **{name: R + name for name, _ in CHAIN},
        "assessed_on": A + "assessed_on",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        wrong = Q(assessment__assessed_on__gt=F("renovation__started_on"))
        for (early, _), (late, _) in PAIRS:
            wrong |= Q(**{f"{R}{early}__gt": F(R + late)})
        return households.filter(renovation__isnull=False).filter(wrong)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        problems = [
            f"{late_label} {day(v[late])} 早于{early_label} {day(v[early])}"
            for (early, early_label), (late, late_label) in PAIRS
            if v[early] and v[late] and v[early] > v[late]
        ]
        if v["assessed_on"] and v["started_on"] and v["assessed_on"] > v["started_on"]:
            problems.append(f"鉴定日期 {day(v['assessed_on'])} 晚于开工日期 {day(v['started_on'])}")
        return "；".join(problems) or "日期先后顺序错误"
