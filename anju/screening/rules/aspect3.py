"""Aspect 3 — renovation method fits the grade (改造方式), RULES.md A3-01 … A3-04."""

from __future__ import annotations

import datetime as dt

from anju.registry.choices import Method
from anju.screening.rules.base import (
    REBUILD,
    SAFE,
    A,
    Aspect,
    Households,
    Params,
    R,
    Rule,
    Severity,
    Values,
    amount,
    graded,
    is_empty,
    named,
    register,
)

BASIS_METHOD = (
    "{plan}：因地制宜选择改造方式，针对危房户实际情况安排原址重建或加固维修；"
    "C级一般维修加固，D级一般拆除重建，与此不符的应记录理由（建村函〔2019〕200号）。"
)


@register
class A3_01(Rule):
    code, aspect, severity = "A3-01", Aspect.METHOD, Severity.WARNING
    title = "C级危房重建未说明理由"
    basis = BASIS_METHOD
    remedy = "核实C级危房选择重建的原因，在“改造方式说明”中写明（如结构无维修价值）；不应重建的，纠正改造方式。"
    fields = {"grade": A + "grade", "method": R + "method"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(assessment__grade="C", renovation__method__in=REBUILD).filter(
            is_empty(R + "method_reason")
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return (
            f"{graded('鉴定等级', v['grade'])}，{named('改造方式', v['method'])}，改造方式说明为空"
        )


@register
class A3_02(Rule):
    code, aspect, severity = "A3-02", Aspect.METHOD, Severity.ERROR
    title = "D级危房加固未说明理由"
    basis = BASIS_METHOD
    remedy = "D级危房原则上拆除重建；确有保留价值采用加固维修的，在“改造方式说明”中写明理由并附鉴定意见。"
    fields = {"grade": A + "grade", "method": R + "method"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(assessment__grade="D", renovation__method=Method.REINFORCE).filter(
            is_empty(R + "method_reason")
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return (
            f"{graded('鉴定等级', v['grade'])}，{named('改造方式', v['method'])}，改造方式说明为空"
        )


@register
class A3_03(Rule):
    code, aspect, severity = "A3-03", Aspect.METHOD, Severity.ERROR
    title = "危险场地原址重建"
    basis = "《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）：危险场地上的房屋应异地（迁址）重建。"
    remedy = "危险场地不得原址重建：核实场地情况，改为异地重建；场地经鉴定已不危险的，更正“是否危险场地”。"
    fields = {"method": R + "method"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(dangerous_site=True, renovation__method=Method.REBUILD_IN_PLACE)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return f"是否危险场地为“是”，{named('改造方式', v['method'])}"


@register
class A3_04(Rule):
    code, aspect, severity = "A3-04", Aspect.METHOD, Severity.ERROR
    title = "A/B级房屋享受危房改造补助"
    basis = "A级、B级房屋不属于危房，不享受农村危房改造补助（《农村住房安全性鉴定技术导则》，建村函〔2019〕200号）。"
    remedy = "核实鉴定等级：确为A/B级的，补助不应发放，依规追回；鉴定等级有误的，重新鉴定并更正。"
    fields = {"grade": A + "grade", "amount": R + "subsidy_amount"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(
            assessment__grade__in=SAFE, renovation__subsidy_amount__gt=0
        ).exclude(no_house=True)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return f"{graded('鉴定等级', v['grade'])}（非危房），{amount('补助金额', v['amount'])}"
