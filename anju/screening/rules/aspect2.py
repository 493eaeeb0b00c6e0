"""Aspect 2 — dynamic monitoring (动态监测), RULES.md A2-01 … A2-03."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from anju.registry.choices import RiskState
from anju.screening.rules.base import (
    DANGEROUS,
    DAYS,
    SAFE,
    A,
    Aspect,
    Households,
    Param,
    Params,
    R,
    Rule,
    Severity,
    Values,
    filled,
    grade,
    has_renovation,
    no_renovation,
    older_than,
    overdue,
    register,
    undated,
)


def danger(value: object) -> str:
    """ "D级危房", or "危房（等级未填）"."""
    return f"{grade(value)}危房" if filled(value) else "危房（等级未填）"


BASIS_TIMELY = (
    "{plan}：是否对新出现的危房及时改造修缮到位。国家未规定时限，期限由市住建局在本轮参数中设置。"
)


@register
class A2_01(Rule):
    code, aspect, severity = "A2-01", Aspect.MONITORING, Severity.ERROR
    title = "危房（无房户）未纳入改造"
    basis = BASIS_TIMELY
    remedy = "将该户纳入危房改造计划，确定改造方式（C级维修加固、D级拆除重建、无房户新建或其他保障）并录入改造信息。"
    params = (Param("plan_days", "鉴定后纳入改造期限", 90, "天", DAYS),)
    fields = {"no_house": "no_house", "grade": A + "grade", "assessed_on": A + "assessed_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(no_renovation()).filter(
            Q(no_house=True)
            | (
                Q(assessment__grade__in=DANGEROUS)
                & older_than(A + "assessed_on", p.plan_days, as_of)
            )
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        if v["no_house"]:
            return "无房户，尚未安排改造（新建或其他保障）"
        late = overdue("鉴定日期", v["assessed_on"], as_of, p.plan_days, "仍未纳入改造")
        return f"{danger(v['grade'])}，{late}"


@register
class A2_02(Rule):
    code, aspect, severity = "A2-02", Aspect.MONITORING, Severity.ERROR
    title = "危房改造超期未验收"
    basis = BASIS_TIMELY
    remedy = "督促施工进度，竣工后及时组织验收并录入验收日期和验收后等级。"
    params = (Param("finish_days", "鉴定后完成验收期限", 180, "天", DAYS),)
    fields = {
        "grade": A + "grade",
        "assessed_on": A + "assessed_on",
        "method": "renovation__method",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(
            has_renovation(),
            older_than(A + "assessed_on", p.finish_days, as_of),
            undated(R + "accepted_on"),
            assessment__grade__in=DANGEROUS,
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        late = overdue("鉴定日期", v["assessed_on"], as_of, p.finish_days, "仍未验收")
        method = f"改造方式 {v['method']}" if filled(v["method"]) else "改造方式未填"
        return f"{danger(v['grade'])}，{late}（{method}）"


@register
class A2_03(Rule):
    code, aspect, severity = "A2-03", Aspect.MONITORING, Severity.ERROR
    title = "住房不安全却标记为风险消除"
    basis = (
        "住房安全有保障是“三保障”之一：监测对象住房仍为C/D级危房或无安全住房时，不应标注风险消除。"
    )
    remedy = "核实住房安全情况：住房未改造验收为A/B级的，将风险状态更正为“风险未消除”，并与乡村振兴部门核对监测信息。"
    fields = {
        "no_house": "no_house",
        "grade": A + "grade",
        "renovation_id": "renovation_id",
        "method": "renovation__method",
        "accepted_on": "renovation__accepted_on",
        "post_grade": "renovation__post_grade",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        # an accepted renovation: a renovation (with a 改造方式) that has a 验收日期
        accepted = has_renovation() & Q(renovation__accepted_on__isnull=False)
        safe_now = accepted & Q(renovation__post_grade__in=SAFE)
        return households.filter(risk_state=RiskState.CLEARED).filter(
            (Q(assessment__grade__in=DANGEROUS) & ~safe_now) | (Q(no_house=True) & ~accepted)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        if v["grade"] in DANGEROUS:
            if v["renovation_id"] and not v["method"]:
                state = "改造记录未填改造方式，不算已改造"
            elif not v["accepted_on"]:
                state = "尚未改造验收"
            elif v["post_grade"]:
                state = f"验收后等级为{grade(v['post_grade'])}"
            else:
                state = "验收后等级未填"
            return f"风险状态为“风险消除”，但住房为{danger(v['grade'])}，{state}"
        return "风险状态为“风险消除”，但该户为无房户，尚无已验收的改造"
