"""Aspect 1 — safety determination (住房安全性认定), RULES.md A1-01 … A1-06."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from anju.screening.rules.base import (
    A,
    Aspect,
    Households,
    Params,
    Rule,
    Severity,
    Values,
    current_grade,
    dated,
    filled,
    grade,
    graded,
    is_empty,
    lacks,
    named,
    register,
)

BASIS_SCOPE = (
    "{plan}：排查脱贫人口（享受政策）、监测对象住房安全性认定情况，"
    "对存在住房安全问题的房屋是否进行认定并出具房屋安全性评定结果；"
    "《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）。"
)
BASIS_PLAQUE = "{plan}：排查住房安全性认定情况，是否进行挂牌；挂牌标明房屋安全等级，牌上等级应与档案中的鉴定等级一致。"


@register
class A1_01(Rule):
    code, aspect, severity = "A1-01", Aspect.SAFETY, Severity.ERROR
    title = "未进行住房安全性鉴定"
    basis = BASIS_SCOPE
    remedy = "组织技术人员或第三方机构对房屋进行安全性鉴定（评定），录入鉴定日期、鉴定人员、鉴定等级并出具鉴定结果；确无住房的，登记为无房户。"
    fields = {"no_house": "no_house"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(lacks("assessment")).exclude(no_house=True)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return "有住房（未登记为无房户），但没有住房安全性鉴定（评定）记录"


@register
class A1_02(Rule):
    code, aspect, severity = "A1-02", Aspect.SAFETY, Severity.ERROR
    title = "鉴定信息不全或未出具鉴定结果"
    basis = "《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）：鉴定应有鉴定日期、鉴定人员，并出具鉴定表（报告）。"
    remedy = "补录鉴定日期和鉴定人员；未出具鉴定结果的，由鉴定人员补出鉴定表（报告）并归档。"
    fields = {
        "assessed_on": A + "assessed_on",
        "assessor": A + "assessor",
        "result_issued": A + "result_issued",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(assessment__isnull=False).filter(
            Q(assessment__assessed_on__isnull=True)
            | is_empty(A + "assessor")
            | Q(assessment__result_issued=False)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        gaps = []
        if v["assessed_on"] is None:
            gaps.append("鉴定日期为空")
        if not v["assessor"]:
            gaps.append("鉴定人员为空")
        if v["result_issued"] is False:
            gaps.append("鉴定结果未出具")
        return "，".join(gaps) or "鉴定信息不全"


@register
class A1_03(Rule):
    code, aspect, severity = "A1-03", Aspect.SAFETY, Severity.ERROR
    title = "已鉴定未挂牌"
    basis = BASIS_PLAQUE
    remedy = "按鉴定等级制作并悬挂安全等级标识牌，录入挂牌日期、挂牌等级并上传挂牌照片。"
    fields = {"grade": A + "grade", "assessed_on": A + "assessed_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(assessment__isnull=False, plaque_posted=False)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        head = f"已鉴定为{grade(v['grade'])}" if filled(v["grade"]) else "已鉴定，鉴定等级未填"
        return f"{head}（{dated('鉴定日期', v['assessed_on'])}），是否挂牌为“否”"


@register
class A1_04(Rule):
    code, aspect, severity = "A1-04", Aspect.SAFETY, Severity.ERROR
    title = "挂牌等级与现等级不符"
    basis = BASIS_PLAQUE
    remedy = "按现等级（已验收的以验收后等级为准）更换标识牌，更新挂牌等级和挂牌日期并上传照片。"
    fields = {
        "plaque_grade": "plaque_grade",
        "now_grade": "now_grade",
        "accepted_on": "renovation__accepted_on",
        "post_grade": "renovation__post_grade",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return (
            households.filter(plaque_posted=True)
            .exclude(plaque_grade="")
            .annotate(now_grade=current_grade())
            .filter(now_grade__isnull=False)
            .exclude(plaque_grade=F("now_grade"))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        source = "验收后等级" if v["accepted_on"] and v["post_grade"] else "鉴定等级"
        plaque = graded("挂牌等级", v["plaque_grade"])
        if not filled(v["now_grade"]):
            return f"{plaque}，{source}未填"
        return f"{plaque}，与{graded(source, v['now_grade'])}不一致"


@register
class A1_05(Rule):
    code, aspect, severity = "A1-05", Aspect.SAFETY, Severity.ERROR
    title = "疑似危房上报后未鉴定"
    basis = "动态监测机制：村每月巡查上报疑似危房，乡镇应及时组织鉴定；《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）。"
    remedy = "对上报的疑似危房组织安全性鉴定（评定），录入新的鉴定记录。"
    fields = {"reported_on": "suspected_reported_on", "assessed_on": A + "assessed_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(suspected_reported_on__isnull=False).filter(
            Q(assessment__isnull=True) | Q(assessment__assessed_on__lt=F("suspected_reported_on"))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        reported = dated("疑似危房上报日期", v["reported_on"])
        if not filled(v["assessed_on"]):
            return f"{reported}，之后没有鉴定记录"
        return f"{reported}，晚于最近一次{dated('鉴定日期', v['assessed_on'])}，上报后未重新鉴定"


@register
class A1_06(Rule):
    code, aspect, severity = "A1-06", Aspect.SAFETY, Severity.ERROR
    title = "危险场地房屋未评定为D级"
    basis = "《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）：房屋处于危险场地的，直接评定为D级，应异地（迁址）重建。"
    remedy = "按危险场地房屋直接评定为D级，更正鉴定等级，并安排异地（迁址）重建。"
    fields = {"grade": A + "grade"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(dangerous_site=True, assessment__grade__in=["A", "B", "C"])

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return f"是否危险场地为“是”，{named('鉴定等级', v['grade'] and grade(v['grade']))}，应为D级"
