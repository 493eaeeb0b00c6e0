"""Aspect 5 — construction quality and the household file (改造质量), RULES.md A5-01 … A5-06."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from anju.registry.choices import Method
from anju.registry.models import Renovation
from anju.screening.rules.base import (
    DAYS,
    REBUILD,
    SAFE,
    Aspect,
    Households,
    Param,
    Params,
    R,
    Rule,
    Severity,
    Values,
    dated,
    grade,
    has_renovation,
    is_empty,
    is_not_yes,
    named,
    older_than,
    overdue,
    register,
    undated,
)

BASIS_ACCEPT = "{plan}：排查危房改造质量达标情况。改造后的住房应达到安全（A级或B级）标准。"
FILE_ITEMS = {
    name: str(Renovation._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    for name in Renovation.FILE_ITEMS
}
CHECKS = {
    "foundation_check": ("foundation_checked_on", "地基基础检查"),
    "structure_check": ("structure_checked_on", "主体结构检查"),
    "final_check": ("final_checked_on", "竣工检查"),
}
REBUILD_IN_OR_ELSEWHERE = [str(Method.REBUILD_IN_PLACE), str(Method.REBUILD_ELSEWHERE)]


@register
class A5_01(Rule):
    code, aspect, severity = "A5-01", Aspect.QUALITY, Severity.ERROR
    title = "竣工后超期未验收"
    basis = BASIS_ACCEPT + "竣工后验收期限由市住建局在本轮参数中设置。"
    remedy = "尽快组织竣工验收，录入验收日期和验收后等级。"
    params = (Param("accept_days", "竣工后验收期限", 30, "天", DAYS),)
    fields = {"completed_on": R + "completed_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(
            older_than(R + "completed_on", p.accept_days, as_of), undated(R + "accepted_on")
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return overdue("竣工日期", v["completed_on"], as_of, p.accept_days, "仍未验收")


@register
class A5_02(Rule):
    code, aspect, severity = "A5-02", Aspect.QUALITY, Severity.ERROR
    title = "验收后等级不是A级或B级"
    basis = BASIS_ACCEPT
    remedy = (
        "验收后等级为C/D级的，说明改造未达到安全标准，须整改后重新验收；未填的，补录验收后等级。"
    )
    fields = {"accepted_on": R + "accepted_on", "post_grade": R + "post_grade"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(renovation__accepted_on__isnull=False).exclude(
            renovation__post_grade__in=SAFE
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        accepted = dated("验收日期", v["accepted_on"])
        if not v["post_grade"]:
            return f"{accepted}，验收后等级为空"
        return f"{accepted}，验收后等级为{grade(v['post_grade'])}，应为A级或B级"


@register
class A5_03(Rule):
    code, aspect, severity = "A5-03", Aspect.QUALITY, Severity.WARNING
    title = "施工过程检查记录缺失"
    basis = "施工过程应巡查检查：重建须有地基基础、主体结构、竣工三个节点的检查记录，加固维修须有竣工检查记录（本系统默认检查节点）。"
    remedy = "补录施工过程检查日期并归档检查记录；确未检查的，在台账中说明并组织质量复查。"
    fields = {"method": R + "method", **{key: R + f for key, (f, _) in CHECKS.items()}}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        missing_any = (
            Q(renovation__foundation_checked_on__isnull=True)
            | Q(renovation__structure_checked_on__isnull=True)
            | Q(renovation__final_checked_on__isnull=True)
        )
        return households.filter(renovation__accepted_on__isnull=False).filter(
            (Q(renovation__method__in=REBUILD) & missing_any)
            | Q(renovation__method=Method.REINFORCE, renovation__final_checked_on__isnull=True)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        keys = list(CHECKS) if v["method"] in REBUILD else ["final_check"]
        gaps = "、".join(CHECKS[k][1] for k in keys if v[k] is None) or "施工过程检查"
        return f"{named('改造方式', v['method'])}，已验收，缺少{gaps}日期"


@register
class A5_04(Rule):
    code, aspect, severity = "A5-04", Aspect.QUALITY, Severity.WARNING
    title = "一户一档资料不全"
    basis = "一户一档：申请书、鉴定表、改造协议、验收表、改造前后照片、补助凭证等资料齐全（各地档案模板）。"
    remedy = "补齐缺失的档案资料，扫描或拍照上传，并在档案清单中标记为“是”。"
    fields = {name: R + name for name in FILE_ITEMS}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        missing = Q()
        for name in FILE_ITEMS:
            missing |= is_not_yes(R + name)
        return households.filter(renovation__accepted_on__isnull=False).filter(missing)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        gaps = [label for name, label in FILE_ITEMS.items() if v[name] is not True]
        return f"已验收，一户一档缺少：{'、'.join(gaps) or '部分资料'}"


@register
class A5_05(Rule):
    code, aspect, severity = "A5-05", Aspect.QUALITY, Severity.ERROR
    title = "验收时未入住或旧房未拆除"
    basis = BASIS_ACCEPT
    remedy = (
        "核实入住情况，督促农户搬入新房；原址或异地重建的，督促拆除旧危房，拆除后补录并上传照片。"
    )
    fields = {
        "method": R + "method",
        "moved_in": R + "moved_in",
        "old_demolished": R + "old_demolished",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(
            renovation__method__in=REBUILD, renovation__accepted_on__isnull=False
        ).filter(
            Q(renovation__moved_in=False)
            | Q(renovation__method__in=REBUILD_IN_OR_ELSEWHERE, renovation__old_demolished=False)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        gaps = []
        if v["moved_in"] is False:
            gaps.append("是否入住为“否”")
        if v["method"] in REBUILD_IN_OR_ELSEWHERE and v["old_demolished"] is False:
            gaps.append("旧房是否拆除为“否”")
        done = f"{v['method']}已验收" if v["method"] else "已验收（改造方式未填）"
        return f"{done}，{'，'.join(gaps) or '入住或旧房拆除情况需核实'}"


@register
class A5_06(Rule):
    code, aspect, severity = "A5-06", Aspect.QUALITY, Severity.WARNING
    title = "施工人员资质未登记"
    basis = "应由经培训合格的农村建筑工匠（证书号）或有资质的施工队伍施工。"
    remedy = "补录施工工匠证书号或施工队伍名称；无资质人员施工的，组织质量安全复查。"
    fields = {"method": R + "method"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(has_renovation()).filter(is_empty(R + "craftsman"))

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return f"{named('改造方式', v['method'])}，施工人员资质为空"
