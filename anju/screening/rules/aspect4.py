"""Aspect 4 — area, subsidy, own burden (面积、补助、自筹), RULES.md A4-01 … A4-08."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Value, When
from django.db.models.functions import Least

from anju.registry.choices import Method, PaymentChannel
from anju.screening.rules.base import (
    DAYS,
    HALF_STEP,
    LIMIT,
    RATIO,
    REBUILD,
    Aspect,
    DaysBetween,
    Households,
    Param,
    Params,
    R,
    Rule,
    Severity,
    Values,
    amount,
    by_size,
    dated,
    is_not_yes,
    num,
    older_than,
    overdue,
    register,
)

MONEY = DecimalField(max_digits=14, decimal_places=4)
BASIS_AREA = "农村危房改造面积控制：重建（新建）住房面积应满足基本居住需要，又不得超标准建设。"
BASIS_SUBSIDY = (
    "{plan}：落实补助发放政策规定情况；补助标准按当地住建部门文件执行，在本轮参数中设置。"
)
BASIS_PAYMENT = "{plan}：落实补助发放政策规定情况；补助资金在竣工验收后按期足额发放至农户“一卡通”账户，直接支付给施工方须有农户签字的代发协议。"


def _persons(v: Values) -> str:
    return f"{v['size']}人户" if v["size"] else "该户"


def _limit(v: Values, word: str, label: str, key: str) -> str:
    """ "低于3人户最低标准40㎡" (without a computed limit: "低于该户最低标准")."""
    limit = v[key]
    return f"{word}{_persons(v)}{label}" + (f"{num(limit)}㎡" if limit is not None else "")


@register
class A4_01(Rule):
    code, aspect, severity = "A4-01", Aspect.SUBSIDY, Severity.ERROR
    title = "改造后面积低于最低标准"
    basis = BASIS_AREA + "最低面积按当地标准，在本轮参数中设置。"
    remedy = (
        "核实改造后实测面积；确实低于最低标准的，督促扩建至满足基本居住需要，或说明原因报县级审核。"
    )
    params = (
        Param("min_1", "1人户最低面积", Decimal(20), "㎡", LIMIT),
        Param("min_2", "2人户最低面积", Decimal(30), "㎡", LIMIT),
        Param("min_3", "3人户最低面积", Decimal(40), "㎡", LIMIT),
        Param("min_each", "3人以上每人最低面积", Decimal(13), "㎡", LIMIT),
    )
    fields = {"size": "size", "area": R + "area_after", "minimum": "minimum"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        minimum = by_size({1: p.min_1, 2: p.min_2, 3: p.min_3}, p.min_each)
        return (
            households.filter(renovation__method__in=REBUILD)
            .annotate(minimum=minimum)
            .filter(renovation__area_after__lt=F("minimum") - HALF_STEP)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return (
            f"{amount('改造后面积', v['area'], '㎡')}，{_limit(v, '低于', '最低标准', 'minimum')}"
        )


@register
class A4_02(Rule):
    code, aspect, severity = "A4-02", Aspect.SUBSIDY, Severity.WARNING
    title = "改造后面积超过控制标准"
    basis = (
        BASIS_AREA + "控制面积：1至3人户60㎡，3人以上每人18㎡（2017年国家规定，当地沿用，作提示）。"
    )
    remedy = "核实是否超标准建设、是否因建房举债；属实的在“改造方式说明”中说明原因。"
    params = (
        Param("guide_small", "1至3人户控制面积", Decimal(60), "㎡", LIMIT),
        Param("guide_each", "3人以上每人控制面积", Decimal(18), "㎡", LIMIT),
    )
    fields = {"size": "size", "area": R + "area_after", "guide": "guide"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        guide = by_size(dict.fromkeys((1, 2, 3), p.guide_small), p.guide_each)
        return (
            households.filter(renovation__method__in=REBUILD)
            .annotate(guide=guide)
            .filter(renovation__area_after__gt=F("guide") + HALF_STEP)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        return f"{amount('改造后面积', v['area'], '㎡')}，{_limit(v, '超过', '控制标准', 'guide')}"


@register
class A4_03(Rule):
    code, aspect, severity = "A4-03", Aspect.SUBSIDY, Severity.ERROR
    title = "补助金额超过上限"
    basis = BASIS_SUBSIDY
    remedy = "核实补助标准和发放金额，超发部分依规追回，并在台账中写明处理结果。"
    params = (
        Param("reinforce_max", "加固维修补助上限", Decimal(15000), "元", LIMIT),
        Param("rate", "重建每平方米补助", Decimal(630), "元/㎡", LIMIT),
        Param("area_1", "1人户补助面积上限", Decimal(24), "㎡", LIMIT),
        Param("area_2", "2人户补助面积上限", Decimal(36), "㎡", LIMIT),
        Param("area_3", "3人户补助面积上限", Decimal(48), "㎡", LIMIT),
        Param("large_max", "3人以上户重建补助上限", Decimal(50000), "元", LIMIT),
    )
    fields = {
        "size": "size",
        "method": R + "method",
        "amount": R + "subsidy_amount",
        "area": R + "area_after",
        "ceiling": "ceiling",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        cap = Case(
            When(size=1, then=Value(p.area_1)),
            When(size=2, then=Value(p.area_2)),
            default=Value(p.area_3),
            output_field=MONEY,
        )
        ceiling = Case(
            When(renovation__method=Method.REINFORCE, then=Value(p.reinforce_max)),
            When(
                Q(
                    renovation__method__in=REBUILD,
                    size__lte=3,
                    renovation__area_after__isnull=False,
                ),
                then=Value(p.rate) * Least(F("renovation__area_after"), cap, output_field=MONEY),
            ),
            When(Q(renovation__method__in=REBUILD, size__gt=3), then=Value(p.large_max)),
            default=None,
            output_field=MONEY,
        )
        return (
            households.filter(renovation__subsidy_amount__isnull=False)
            .annotate(ceiling=ceiling)
            .filter(renovation__subsidy_amount__gt=F("ceiling") + HALF_STEP)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        paid = amount("补助金额", v["amount"])
        if v["method"] == Method.REINFORCE:
            why = "加固维修补助上限"
        elif not v["size"] or v["size"] > 3 or v["area"] is None:
            why = f"{_persons(v)}重建补助上限"
        else:
            cap = {1: p.area_1, 2: p.area_2}.get(v["size"], p.area_3)
            area = min(Decimal(str(v["area"])), cap)
            why = f"{_persons(v)}重建补助上限（{num(p.rate)}元/㎡×{num(area)}㎡）"
        if v["ceiling"] is None:
            return f"{paid}，超过{why}"
        ceiling = Decimal(str(v["ceiling"])).quantize(Decimal("0.01"))
        return f"{paid}，超过{why}{num(ceiling)}元"


@register
class A4_04(Rule):
    code, aspect, severity = "A4-04", Aspect.SUBSIDY, Severity.ERROR
    title = "验收后未发放补助"
    basis = BASIS_PAYMENT
    remedy = (
        "尽快将补助资金足额发放至农户“一卡通”，录入补助金额、发放日期和发放方式，并上传补助凭证。"
    )
    params = (Param("pay_days", "验收后发放期限", 30, "天", DAYS),)
    fields = {"accepted_on": R + "accepted_on", "amount": R + "subsidy_amount"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(
            Q(renovation__subsidy_amount=0) | Q(renovation__subsidy_amount__isnull=True),
            older_than(R + "accepted_on", p.pay_days, as_of),
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        paid = "补助金额仍未填" if v["amount"] is None else "补助金额仍为0"
        return overdue("验收日期", v["accepted_on"], as_of, p.pay_days, paid)


@register
class A4_05(Rule):
    code, aspect, severity = "A4-05", Aspect.SUBSIDY, Severity.WARNING
    title = "补助发放超期"
    basis = BASIS_PAYMENT
    remedy = "核实发放延迟原因并在台账中说明；今后验收后30日内发放到位。"
    params = (Param("pay_days", "验收后发放期限", 30, "天", DAYS),)
    fields = {
        "accepted_on": R + "accepted_on",
        "paid_on": R + "subsidy_paid_on",
        "gap": "gap",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.annotate(
            gap=DaysBetween(F("renovation__subsidy_paid_on"), F("renovation__accepted_on"))
        ).filter(gap__gt=p.pay_days)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        gap = (
            f"相隔 {v['gap']} 天，超过 {p.pay_days} 天"
            if v["gap"] is not None
            else (f"相隔超过 {p.pay_days} 天")
        )
        return (
            f"{dated('验收日期', v['accepted_on'])}，{dated('补助发放日期', v['paid_on'])}，{gap}"
        )


@register
class A4_06(Rule):
    code, aspect, severity = "A4-06", Aspect.SUBSIDY, Severity.ERROR
    title = "补助未发放至“一卡通”且无代发协议"
    basis = BASIS_PAYMENT
    remedy = "补签农户同意代发的协议并归档；无法补签的，核实资金去向，确保补助足额到户。"
    fields = {"amount": R + "subsidy_amount", "channel": R + "payment_channel"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return (
            households.filter(renovation__subsidy_amount__gt=0)
            .exclude(renovation__payment_channel="")
            .exclude(renovation__payment_channel=PaymentChannel.ONE_CARD)
            .filter(is_not_yes(R + "payee_agreement"))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        channel = f"发放方式为“{v['channel']}”（非一卡通）" if v["channel"] else "发放方式未填"
        return f"{amount('补助金额', v['amount'])}，{channel}，无代发协议"


@register
class A4_07(Rule):
    code, aspect, severity = "A4-07", Aspect.SUBSIDY, Severity.WARNING
    title = "自筹负担过重或举债建房"
    basis = "政策要求控制农户自筹负担，防止因建房致贫；国家无“过重”标准，自筹超过补助的倍数在本轮参数中设置。"
    remedy = "入户核实自筹资金来源和债务情况，评估返贫风险，必要时纳入监测帮扶。"
    params = (Param("self_ratio", "自筹资金与补助之比", Decimal(2), "倍", RATIO),)
    # 自筹资金 and 是否举债 are the household's (ADR 0009), the subsidy the renovation's
    fields = {"borrowed": "borrowed", "amount": R + "subsidy_amount", "self_funds": "self_funds"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        heavy = Q(
            renovation__subsidy_amount__gt=0,
            self_funds__gt=F("renovation__subsidy_amount") * Value(p.self_ratio) + HALF_STEP,
        )
        return households.filter(Q(borrowed=True) | heavy)

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        parts = []
        if v["borrowed"]:
            parts.append("是否举债为“是”")
        paid, own = v["amount"], v["self_funds"]
        if paid and own is not None and Decimal(str(own)) > Decimal(str(paid)) * p.self_ratio:
            parts.append(
                f"自筹资金 {num(own)}元，超过补助金额 {num(paid)}元的{num(p.self_ratio)}倍"
            )
        return "；".join(parts) or "自筹资金或举债情况需核实"


@register
class A4_08(Rule):
    code, aspect, severity = "A4-08", Aspect.SUBSIDY, Severity.ERROR
    title = "重复享受住房补助"
    basis = "同一住房同一年度不得同时享受危房改造与灾后重建、抗震改造、易地搬迁等住房补助。"
    remedy = "核实两项补助是否针对同一住房、同一年度；属重复享受的，依规追回危房改造补助。"
    fields = {"other": "other_subsidy", "amount": R + "subsidy_amount"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.filter(renovation__subsidy_amount__gt=0).exclude(other_subsidy="")

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        other = f"已享受{v['other']}补助" if v["other"] else "已享受其他住房补助"
        return f"{other}，同时享受{amount('危房改造补助', v['amount'])}"
