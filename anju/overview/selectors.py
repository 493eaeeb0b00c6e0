"""Reading the overview for a user: the latest finished snapshot of their county's
campaign, cut to their scope (city roles: every township; township roles: their own and
its villages). Nothing here writes, and nothing here touches the household table: one
query for the metric rows of the scope, one for the units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from anju.accounts.roles import CITY
from anju.campaigns.models import Campaign, county_of
from anju.core import periodic
from anju.overview import freshness
from anju.overview import keys as K
from anju.overview.links import APPROXIMATE, Links
from anju.overview.models import Metric, Snapshot
from anju.overview.services import running
from anju.screening.choices import Aspect
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.accounts.models import User

Row = dict[str, Any]  # one township's or village's figures, as the page reads them

TIMELINESS = (
    ("on_time", "按时报送"),
    ("late", "逾期报送"),
    ("missing", "未报送"),
    ("returned", "已退回"),
    ("awaiting", "待审批"),
)

STATES = (*TIMELINESS, ("not_due", "待报送"))

# Columns the ranking table may be sorted by: (key, label, descending first).
SORTS = {
    "rank": ("综合排名", False),
    "hh_scope": ("范围内农户", True),
    "cd_pending": ("C/D级未改造到位", True),
    "findings": ("筛查问题", True),
    "l_total": ("台账问题", True),
    "rate": ("整改率", True),
    "l_overdue": ("逾期未整改", True),
    "w_bad": ("逾期/未报送周次", True),
    "coverage": ("走访覆盖率", True),
}


def pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def finish(values: Row, *, published_only: bool) -> Row:
    """The derived numbers of one row (a township, a village or the total)."""
    v = defaultdict(int, values)
    p = "p_" if published_only else "s_"
    row = dict(v)
    for key in (
        K.HH_SCOPE,
        K.HH_ASSESSED,
        K.HH_PLAQUED,
        K.HH_DANGEROUS,
        K.HH_C_PENDING,
        K.HH_D_PENDING,
        K.L_TOTAL,
        K.L_OPEN,
        K.L_CLOSED,
        K.L_OVERDUE,
        K.L_AWAITING,
        K.V_SCOPE,
        K.V_VISITED,
        K.V_EXPLAINED,
        K.F_OPEN,
        K.F_CONFIRMED,
        K.F_DISMISSED,
        K.M_NEW,
        K.M_IN_TIME,
        K.M_WAITING,
        K.M_OVERDUE,
        *K.FINDING_ASPECT.values(),
    ):
        row[key] = v[key]
    row["hh_unassessed"] = v[K.HH_SCOPE] - v[K.HH_ASSESSED]
    row["cd_pending"] = v[K.HH_C_PENDING] + v[K.HH_D_PENDING]
    row["findings"] = sum(v[k] for k in K.FINDING_ASPECT.values())
    row["assessed_pct"] = pct(v[K.HH_ASSESSED], v[K.HH_SCOPE])
    row["plaqued_pct"] = pct(v[K.HH_PLAQUED], v[K.HH_SCOPE])
    row["rate"] = pct(v[K.L_CLOSED], v[K.L_TOTAL])
    row["coverage"] = pct(v[K.V_VISITED], v[K.V_SCOPE])
    for state, _ in TIMELINESS:
        row[f"w_{state}"] = v[f"w_{state}"]
    row["w_due"] = sum(v[f"w_{s}"] for s, _ in TIMELINESS)
    row["w_bad"] = v["w_late"] + v["w_missing"]
    spot = {name: v[p + name] for name in K.SPOT_FIELDS}
    row["spot"] = spot
    if not spot["villages"]:
        row["spot_verdict"], row["spot_label"] = "", "未抽查"
    elif spot["failed"]:
        row["spot_verdict"], row["spot_label"] = "fail", "不合格"
    elif spot["pending"]:
        row["spot_verdict"], row["spot_label"] = "pending", "核查未完成"
    else:
        row["spot_verdict"], row["spot_label"] = "pass", "合格"
    return row


@dataclass
class Overview:
    level: str  # "county" or "township"
    campaign: object = None
    snapshot: Snapshot | None = None
    running: Snapshot | None = None
    freshness: Row = field(default_factory=dict)  # see ``fresh``
    township: Unit | None = None
    rows: list[Row] = field(default_factory=list)  # townships, or the township's villages
    total: Row = field(default_factory=dict)
    trend: list[Row] = field(default_factory=list)
    weeks: list[Row] = field(default_factory=list)
    samples: list[Row] = field(default_factory=list)
    monitoring: Row = field(default_factory=dict)  # this month's 动态监测 days (meta)
    approximate: Row = field(default_factory=lambda: dict(APPROXIMATE))

    @property
    def aspects(self) -> list[Row]:
        links = self.total.get("links", {})
        return [
            {
                "code": a.value,
                "label": a.label,
                "value": self.total.get(K.FINDING_ASPECT[a.value], 0),
                "url": links.get(K.FINDING_ASPECT[a.value], ""),
            }
            for a in Aspect
        ]


def _metrics(snapshot: Snapshot, user: User, township: Unit | None = None) -> Any:
    qs = Metric.objects.for_user(user).filter(snapshot=snapshot)
    qs = qs.filter(township=township) if township is not None else qs.filter(village__isnull=True)
    return qs.values_list("township_id", "village_id", "key", "week", "value")


def _trend(weeks: list[Row], per_week: dict[int, Row]) -> list[Row]:
    out = []
    for w in weeks:
        values = per_week.get(w["number"], {})
        out.append(
            {
                **w,
                "opened": values.get(K.T_OPENED, 0),
                "closed": values.get(K.T_CLOSED, 0),
                **{state: values.get(K.WK_PREFIX + state, 0) for state, _ in TIMELINESS},
                "not_due": values.get(K.WK_PREFIX + "not_due", 0),
            }
        )
        # For one township: the state of its report for the week.
        states = [(s, label) for s, label in STATES if values.get(K.WK_PREFIX + s)]
        out[-1]["state"], out[-1]["state_label"] = states[0] if len(states) == 1 else ("", "")
    return out


def county(user: User, *, sort: str = "rank", descending: bool | None = None) -> Overview:
    """The city's overview: one row per township, the county total, the trend."""
    campaign = Campaign.objects.current(user)
    ov = Overview(level="county", campaign=campaign, running=running(campaign), freshness=fresh())
    ov.snapshot = Snapshot.objects.latest_done(campaign)
    if ov.snapshot is None:
        return ov
    ov.weeks = ov.snapshot.meta.get("weeks", [])
    ov.samples = ov.snapshot.meta.get("samples", [])
    ov.monitoring = ov.snapshot.meta.get("monitoring", {})
    townships = list(
        Unit.objects.for_user(user).townships().filter(is_active=True).order_by("code")
    )
    by_unit: dict[int, Row] = defaultdict(dict)
    total: dict[str, int] = defaultdict(int)
    per_week: dict[int, Row] = defaultdict(lambda: defaultdict(int))
    for t, _v, key, week, value in _metrics(ov.snapshot, user):
        if week is None:
            by_unit[t][key] = value
            total[key] += value
        else:
            per_week[week][key] += value
    links = Links(user)
    published_only = user.role not in CITY
    for township in townships:
        row = finish(by_unit.get(township.pk, {}), published_only=published_only)
        row["unit"] = township
        row["links"] = links.unit(township)
        row["drill"] = township.pk
        ov.rows.append(row)
    ov.total = finish(total, published_only=published_only)
    ov.total["links"] = links.unit(None)
    latest_sample = ov.samples[-1]["pk"] if ov.samples else None
    ov.total["links"]["spot"] = links.spot_checks(latest_sample)
    _rank(ov.rows)
    _sort(ov.rows, sort, descending)
    ov.trend = _trend(ov.weeks, per_week)
    return ov


def _rank(rows: list[Row]) -> None:
    """综合排名: rectification rate (high first; none last), then fewer overdue entries,
    fewer late or missing weeks, higher visit coverage."""

    def key(r: Row) -> tuple[Any, ...]:
        return (
            r["rate"] is None,
            -(r["rate"] or 0),
            r[K.L_OVERDUE],
            r["w_bad"],
            -(r["coverage"] or 0),
            r["unit"].code,
        )

    for position, row in enumerate(sorted(rows, key=key), start=1):
        row["rank"] = position


def _sort(rows: list[Row], sort: str, descending: bool | None) -> None:
    if sort not in SORTS:
        sort = "rank"
    desc = SORTS[sort][1] if descending is None else descending

    def key(r: Row) -> tuple[Any, ...]:
        value = r[sort]
        missing = value is None
        value = value or 0
        return (missing, -value if desc else value, r["rank"])

    rows.sort(key=key)


def township(user: User, unit: Unit) -> Overview:
    """A township's overview: its own numbers, one row per village, its weekly trend.
    ``unit`` must already be in the user's scope (the view fetched it scoped)."""
    campaign = Campaign.objects.current(user)
    ov = Overview(
        level="township",
        campaign=campaign,
        township=unit,
        running=running(campaign),
        freshness=fresh(),
    )
    ov.snapshot = Snapshot.objects.latest_done(campaign)
    if ov.snapshot is None:
        return ov
    ov.weeks = ov.snapshot.meta.get("weeks", [])
    ov.samples = ov.snapshot.meta.get("samples", [])
    ov.monitoring = ov.snapshot.meta.get("monitoring", {})
    own: dict[str, int] = {}
    by_village: dict[int, Row] = defaultdict(dict)
    per_week: dict[int, Row] = defaultdict(dict)
    for _t, v, key, week, value in _metrics(ov.snapshot, user, unit):
        if week is not None:
            per_week[week][key] = value
        elif v is None:
            own[key] = value
        else:
            by_village[v][key] = value
    links = Links(user)
    published_only = user.role not in CITY
    ov.total = finish(own, published_only=published_only)
    ov.total["unit"] = unit
    ov.total["links"] = links.unit(unit)
    villages = Unit.objects.villages().filter(parent=unit, pk__in=list(by_village)).order_by("code")
    for village in villages:
        row = finish(by_village[village.pk], published_only=published_only)
        row["unit"] = village
        row["links"] = links.unit(unit, village)
        ov.rows.append(row)
    ov.trend = _trend(ov.weeks, per_week)
    return ov


def headline(user: User) -> Row | None:
    """The few numbers of the home panel (None when there is no snapshot yet)."""
    ov = county(user)
    if ov.snapshot is None:
        return {"snapshot": None, "running": ov.running}
    return {
        "snapshot": ov.snapshot,
        "total": ov.total,
        "townships": len(ov.rows),
        "freshness": ov.freshness,
    }


LATE = dt.timedelta(minutes=2)


def fresh(now: dt.datetime | None = None) -> Row:
    """What the page says about how current its numbers are: ``auto`` (changes queue a
    refresh: a worker is configured), ``queued`` (the time a refresh queued by changes is
    due), ``late`` (that time passed two minutes ago: the worker is not running)."""
    now = now or timezone.now()
    auto = periodic.deferrable()
    queued = freshness.queued() if auto else None
    return {"auto": auto, "queued": queued, "late": bool(queued and queued < now - LATE)}


def visit_coverage(user: User, campaign: Campaign) -> Row:
    """The county's house-visit coverage for the home panel (入户排查): read from the latest
    finished snapshot (a live count over a million households took ~8 s on every home page);
    counted live only while none exists."""
    from anju.visits import coverage

    data = _visit_coverage_from_snapshot(user, campaign)
    if data is None:
        data = coverage.county_coverage(county_of(user.unit), campaign)
    return data


def _visit_coverage_from_snapshot(user: User, campaign: Campaign | None) -> Row | None:
    from anju.visits.models import ProblemStatus, VisitProblem

    snapshot = Snapshot.objects.latest_done(campaign)
    if snapshot is None:
        return None
    values: dict[int, Row] = {}
    metrics = Metric.objects.for_user(user).filter(
        snapshot=snapshot,
        village__isnull=True,
        week__isnull=True,
        key__in=[K.V_SCOPE, K.V_VISITED],
    )
    for township_id, key, value in metrics.values_list("township_id", "key", "value"):
        values.setdefault(township_id, {})[key] = value
    townships = []
    for township in Unit.objects.for_user(user).townships().order_by("code"):
        got = values.get(township.pk, {})
        in_scope, visited = got.get(K.V_SCOPE, 0), got.get(K.V_VISITED, 0)
        townships.append(
            {
                "code": township.code,
                "name": township.name,
                "pk": township.pk,
                "in_scope": in_scope,
                "visited": visited,
                "rate": round(visited / in_scope, 4) if in_scope else None,
            }
        )
    in_scope = sum(t["in_scope"] for t in townships)
    visited = sum(t["visited"] for t in townships)
    problems = (
        VisitProblem.objects.filter(visit__campaign=campaign)
        .exclude(status=ProblemStatus.WITHDRAWN)
        .count()
    )
    return {
        "in_scope": in_scope,
        "visited": visited,
        "rate": round(visited / in_scope, 4) if in_scope else None,
        "problems": problems,
        "townships": townships,
        "as_of": snapshot.started_at,  # the moment the numbers describe
    }
