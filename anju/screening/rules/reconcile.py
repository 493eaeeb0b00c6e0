"""动态监测比对 — the registry reconciled with the departments' current lists (issue #18,
docs/SCREENING.md "M-01 … M-06").

A household of the registry and a household of a list are the same when the keyed hash of
the head's ID number is the same (``id_number_hash``, never the number). The *current*
lists are the latest written version of each source (防返贫监测, 民政), chosen inside the
query (a subquery on ``ListVersion``), so a compiled rule query keeps meaning "the current
lists" after the next import. Each rule is one query over the households in scope, as every
other rule; M-01 (a listed household the registry does not hold) is on the list record and
lives in ``anju/monitoring/reconcile.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from anju.registry.choices import KeyGroup, groups_to_labels
from anju.screening.rules.base import (
    DANGEROUS,
    DAYS,
    SAFE,
    Aspect,
    Households,
    Listed,
    Param,
    Params,
    Rule,
    Severity,
    Values,
    current_grade,
    day,
    grade,
    is_not_yes,
    lacks,
    overdue,
    register,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from anju.monitoring.models import ListedHousehold, ListVersion

DONE = "done"
FPJC, MINZHENG = "fpjc", "minzheng"
SOURCE_LABELS = {FPJC: "防返贫监测", MINZHENG: "民政"}
# The key groups each source speaks for (docs/SCREENING.md, M-05): 防返贫监测 for the
# monitored kinds (and 监测对象类别 itself), 民政 for its assistance.
FPJC_GROUPS = int(KeyGroup.UNSTABLE | KeyGroup.SUDDEN)
MINZHENG_GROUPS = int(KeyGroup.DIBAO | KeyGroup.DIBAO_EDGE | KeyGroup.TEKUN)

BASIS = (
    "{plan} 方面二：是否建立农村低收入群体住房安全动态监测机制，做到“应纳尽纳”；"
    "民政、乡村振兴部门每月推送名单，住建部门逐户核对并鉴定。"
)


# --- the current lists, as subqueries -----------------------------------------------------
def _models() -> tuple[type[ListedHousehold], type[ListVersion]]:
    from anju.monitoring.models import ListedHousehold, ListVersion

    return ListedHousehold, ListVersion


def current_versions() -> QuerySet[ListVersion, Mapping[str, object]]:
    """The ids of the current versions: the latest written one of each source."""
    _, ListVersion = _models()
    return (
        ListVersion.objects.filter(status=DONE)
        .order_by()
        .values("source")
        .annotate(last=Max("id"))
        .values("last")
    )


def source_current(source: str) -> Exists:
    """Whether ``source`` has a current version at all (before its first import it is silent)."""
    _, ListVersion = _models()
    return Exists(ListVersion.objects.filter(status=DONE, source=source))


def on_current_lists(source: str | None = None) -> Listed:
    """The current list records of the outer household (matched by the keyed hash)."""
    ListedHousehold, _ = _models()
    rows = ListedHousehold.objects.filter(
        version_id__in=current_versions(), id_number_hash=OuterRef("id_number_hash")
    )
    return rows.filter(source=source) if source else rows


def first(rows: Listed, column: str, *order: str) -> Subquery:
    return Subquery(rows.order_by(*order, "source").values(column)[:1])


def source_label(value: str | None) -> str:
    return SOURCE_LABELS.get(value or "", "部门")


def groups_text(mask: int | None) -> str:
    labels = groups_to_labels(int(mask or 0))
    return "、".join(labels) if labels else "无"


def type_text(value: str | None) -> str:
    return value or "非监测对象"


def key_group(prefix: str = "") -> Q:
    """A key-group list record: one of the six groups, or a 监测对象类别."""
    return Q(**{f"{prefix}groups__gt": 0}) | ~Q(**{f"{prefix}monitoring_type": ""})


@register
class M_01(Rule):
    code, aspect, severity = "M-01", Aspect.RECONCILE, Severity.ERROR
    title = "应纳未纳：名单中的重点对象未建档"
    basis = BASIS + "名单中的重点对象应逐户纳入住房安全档案，先确认身份信息，后开展房屋鉴定。"
    remedy = "核实身份后点击“登记入档”建立农户档案，并在当月鉴定完成日前完成住房安全鉴定。"
    on_list = True
    fields = {
        "source": "source",
        "first_listed_on": "first_listed_on",
        "groups": "groups",
        "monitoring_type": "monitoring_type",
        "village_name": "village_name",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        return households.none()  # on list records: ``listed_hits``

    def listed_hits(self, listed: Listed, p: Params, as_of: dt.date) -> Listed:
        """Key-group records of the current lists whose head no registry household has —
        one per head: the record listed first (then 防返贫监测 before 民政)."""
        from anju.registry.models import Household

        ListedHousehold, _ = _models()
        current = ListedHousehold.objects.filter(version_id__in=current_versions()).filter(
            key_group()
        )
        speaks = current.filter(id_number_hash=OuterRef("id_number_hash")).order_by(
            "first_listed_on", "source", "id"
        )
        held = Household.objects.filter(id_number_hash=OuterRef("id_number_hash"))
        return (
            listed.filter(version_id__in=current_versions())
            .filter(key_group())
            .filter(~Exists(held))
            .filter(id=Subquery(speaks.values("id")[:1]))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        named = (v["monitoring_type"], *groups_to_labels(int(v["groups"] or 0)))
        what = "、".join(dict.fromkeys(x for x in named if x))
        listed = f"{day(v['first_listed_on'])} 列入" if v["first_listed_on"] else "列入"
        where = f"（{v['village_name']}）" if v["village_name"] else ""
        return (
            f"{listed}{source_label(v['source'])}名单{where}，"
            f"为{what or '重点对象'}，农户档案中没有此户（应纳未纳）"
        )


@register
class M_02(Rule):
    code, aspect, severity = "M-02", Aspect.RECONCILE, Severity.ERROR
    title = "列入名单后超期未鉴定"
    basis = (
        BASIS
        + "新增农户原则上当月20日前完成住房安全鉴定；国家未规定时限，期限由市住建局在本轮参数中设置。"
    )
    remedy = "尽快组织对该户住房进行安全性鉴定（评定），录入鉴定日期、鉴定等级和鉴定人员。"
    params = (Param("assess_days", "列入名单后完成鉴定期限", 30, "天", DAYS),)
    fields = {"first_listed_on": "first_listed_on", "listed_in": "listed_in"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        rows = on_current_lists()
        return (
            households.filter(lacks("assessment"), is_not_yes("no_house"))
            .annotate(
                first_listed_on=first(rows, "first_listed_on", "first_listed_on"),
                listed_in=first(rows, "source", "first_listed_on"),
            )
            .filter(first_listed_on__lt=as_of - dt.timedelta(days=p.assess_days))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        late = overdue(
            "首次列入日期", v["first_listed_on"], as_of, p.assess_days, "仍无住房安全鉴定"
        )
        return f"{source_label(v['listed_in'])}名单{late}"


@register
class M_03(Rule):
    code, aspect, severity = "M-03", Aspect.RECONCILE, Severity.ERROR
    title = "名单为危房或住房风险，档案为安全住房"
    basis = BASIS + "名单标注危房户或“因安全住房”致贫返贫风险的，住房不应为A/B级。"
    remedy = "入户核实住房安全情况：确为危房的重新鉴定并纳入改造；确已安全的，请名单报送部门更正。"
    fields = {
        "now_grade": "now_grade",
        "list_dangerous": "list_dangerous",
        "list_source": "list_source",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        said = on_current_lists().filter(
            Q(dangerous_house=True) | (Q(housing_risk=True) & ~Q(risk_eliminated=True))
        )
        return (
            households.annotate(now_grade=current_grade())
            .filter(now_grade__in=SAFE)
            .filter(Exists(said))
            .annotate(
                list_dangerous=first(said, "dangerous_house", "-dangerous_house"),
                list_source=first(said, "source", "-dangerous_house"),
            )
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        said = "是否危房户为“是”" if v["list_dangerous"] else "致贫返贫风险含“因安全住房”且未消除"
        return f"{source_label(v['list_source'])}名单{said}，但档案中住房现等级为{grade(v['now_grade'])}"


@register
class M_04(Rule):
    code, aspect, severity = "M-04", Aspect.RECONCILE, Severity.ERROR
    title = "名单风险已消除，档案住房不安全"
    basis = BASIS + "住房安全有保障是风险消除的条件之一：住房仍为C/D级时不应标注风险已消除。"
    remedy = "核实住房：仍为危房的尽快纳入改造，并告知乡村振兴部门该户住房尚不安全、风险不应消除。"
    fields = {"now_grade": "now_grade", "eliminated_on": "eliminated_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        said = on_current_lists(FPJC).filter(risk_eliminated=True)
        return (
            households.annotate(now_grade=current_grade())
            .filter(now_grade__in=DANGEROUS)
            .filter(Exists(said))
            .annotate(eliminated_on=first(said, "eliminated_on"))
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        when = f"（消除监测时间 {day(v['eliminated_on'])}）" if v["eliminated_on"] else ""
        return (
            f"防返贫监测名单风险已消除{when}，但档案中住房现等级为"
            f"{grade(v['now_grade'])}，住房尚不安全"
        )


@register
class M_05(Rule):
    code, aspect, severity = "M-05", Aspect.RECONCILE, Severity.WARNING
    title = "对象类别或监测类型与名单不一致"
    basis = (
        BASIS
        + "档案的重点对象类别、监测对象类型应与部门名单一致，由人工核实后更正，系统不自动改写。"
    )
    remedy = "与乡村振兴、民政部门核对该户身份，核实后在农户档案中更正对象类别或监测对象类型。"
    fields = {
        "groups": "groups",
        "monitoring_type": "monitoring_type",
        "fpjc_differs": "fpjc_differs",
        "fpjc_type": "fpjc_type",
        "fpjc_groups": "fpjc_groups",
        "mz_differs": "mz_differs",
        "mz_groups": "mz_groups",
    }

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        fpjc, mz = on_current_lists(FPJC), on_current_lists(MINZHENG)
        zero, empty = Value(0), Value("")
        annotated = households.annotate(
            fpjc_type=Coalesce(first(fpjc, "monitoring_type"), empty),
            fpjc_groups=Coalesce(first(fpjc, "groups"), zero).bitand(FPJC_GROUPS),
            mz_groups=Coalesce(first(mz, "groups"), zero).bitand(MINZHENG_GROUPS),
            own_fpjc=F("groups").bitand(FPJC_GROUPS),
            own_mz=F("groups").bitand(MINZHENG_GROUPS),
        )
        fpjc_differs = source_current(FPJC) & (
            ~Q(monitoring_type=F("fpjc_type")) | ~Q(own_fpjc=F("fpjc_groups"))
        )
        mz_differs = source_current(MINZHENG) & ~Q(own_mz=F("mz_groups"))
        return annotated.filter(fpjc_differs | mz_differs).annotate(
            fpjc_differs=_flag(fpjc_differs), mz_differs=_flag(mz_differs)
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        parts = []
        if v["fpjc_differs"]:
            own_type = type_text(v["monitoring_type"])
            if own_type != type_text(v["fpjc_type"]):
                parts.append(
                    f"监测对象类型：档案为{own_type}，防返贫监测名单为{type_text(v['fpjc_type'])}"
                )
            own = int(v["groups"] or 0) & FPJC_GROUPS
            if own != int(v["fpjc_groups"] or 0):
                parts.append(
                    f"监测对象类别：档案为{groups_text(own)}，"
                    f"防返贫监测名单为{groups_text(v['fpjc_groups'])}"
                )
        if v["mz_differs"]:
            own = int(v["groups"] or 0) & MINZHENG_GROUPS
            parts.append(
                f"民政救助类别：档案为{groups_text(own)}，民政名单为{groups_text(v['mz_groups'])}"
            )
        return "；".join(parts) or "对象类别与名单不一致"


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


@register
class M_06(Rule):
    code, aspect, severity = "M-06", Aspect.RECONCILE, Severity.WARNING
    title = "曾在名单中，当前名单均无此户"
    basis = BASIS + "退出监测或救助的农户档案保留，但应核实其是否仍属排查范围。"
    remedy = (
        "与乡村振兴、民政部门核实该户是否已退出监测或救助；确已退出的，核实后更正档案中的对象类别。"
    )
    fields = {"last_source": "last_source", "last_listed_on": "last_listed_on"}

    def hits(self, households: Households, p: Params, as_of: dt.date) -> Households:
        ListedHousehold, _ = _models()
        ever = ListedHousehold.objects.filter(
            version__status=DONE, id_number_hash=OuterRef("id_number_hash")
        )
        return (
            households.filter(Exists(ever))
            .filter(~Exists(on_current_lists()))
            .annotate(
                last_source=first(ever, "source", "-version_id"),
                last_listed_on=Subquery(
                    ever.order_by("-version_id").values("version__data_date")[:1]
                ),
            )
        )

    def message(self, v: Values, p: Params, as_of: dt.date) -> str:
        when = f"（数据日期 {day(v['last_listed_on'])} 的版本）" if v["last_listed_on"] else ""
        return (
            f"曾列入{source_label(v['last_source'])}名单{when}，当前各部门名单均无此户"
            "（档案保留，请核实是否已退出监测或救助）"
        )
