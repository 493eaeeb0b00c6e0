"""The overview's numbers, computed set-wise: one grouped query per table (GROUP BY
township, village), never a Python loop over households. Nothing here writes.

``collect(campaign, today=…, now=…)`` returns the metric rows ``(township_id, village_id,
key, week, value)`` and the ``meta`` the page needs (weeks, samples). Definitions follow
the pages the numbers link to, so a number and the list behind it agree:

- households: in the campaign's scope (脱贫户享受政策 and 监测对象, or all six groups when the
  campaign widens it); *assessed* has a current assessment; *plaqued* 是否挂牌 = 是; *C/D
  pending* has a current C or D grade and no accepted renovation (none — no record, or one
  without a 改造方式 — or not 验收);
- findings: those whose rule still fires (待确认, 已确认, 已排除), by aspect — the default of
  the findings list;
- ledger: the campaign's entries on the ledger (drafts excluded); *overdue* is open
  (待整改/整改中/已整改待核验) with its 完成时限 before ``today`` — the list's red light;
- weekly timeliness: the reporting grid's own cell rule (``anju.reporting.board``);
- visits: ``anju.visits.coverage``; spot-checks: ``anju.inspections.verdicts``;
- trend: entries created and closed in each reporting week (Beijing time);
- 动态监测: this month's households new on the departments' lists, assessed in time, waiting
  and overdue (``anju.monitoring.monthly``, by the round's list and assess days).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from django.db.models import Count, Q

from anju.inspections import verdicts
from anju.inspections.models import Sample
from anju.monitoring import monthly
from anju.overview import keys as K
from anju.rectification.models import OPEN_STATES, LedgerEntry, State
from anju.registry.models import NO_RENOVATION, Household
from anju.reporting import board
from anju.reporting import weeks as cal
from anju.reporting.models import Schedule
from anju.screening.models import FIRING, Finding
from anju.screening.models import Status as FindingStatus
from anju.units.models import Unit
from anju.visits import coverage as cov

Row = tuple[int, int | None, str, int | None, int]


class Sink:
    """Accumulates values by (township, village, key, week); village rows also add up into
    their township's row when ``roll_up`` is set."""

    def __init__(self) -> None:
        self.values: dict[tuple, int] = defaultdict(int)

    def add(self, township, village, key, value, *, week=None, roll_up=True) -> None:
        if not value:
            return
        self.values[(township, village, key, week)] += int(value)
        if roll_up and village is not None:
            self.values[(township, None, key, week)] += int(value)

    def rows(self) -> list[Row]:
        return [(t, v, k, w, n) for (t, v, k, w), n in self.values.items() if n]


def townships_of(campaign) -> list[Unit]:
    return list(
        Unit.objects.townships().filter(parent=campaign.county, is_active=True).order_by("code")
    )


def households(sink: Sink, campaign, township_ids) -> None:
    qs = Household.objects.filter(township_id__in=township_ids).in_campaign_scope(
        all_groups=campaign.scope_all_groups
    )
    # no accepted renovation: none (no record, or one without a 改造方式), or not 验收 yet
    not_accepted = NO_RENOVATION | Q(renovation__accepted_on__isnull=True)
    grouped = (
        qs.values("township_id", "village_id")
        .order_by()
        .annotate(
            scope=Count("id"),
            assessed=Count("id", filter=Q(assessment__isnull=False)),
            plaqued=Count("id", filter=Q(plaque_posted=True)),
            dangerous=Count("id", filter=Q(assessment__grade__in=["C", "D"])),
            c_pending=Count("id", filter=Q(assessment__grade="C") & not_accepted),
            d_pending=Count("id", filter=Q(assessment__grade="D") & not_accepted),
        )
    )
    for g in grouped:
        t, v = g["township_id"], g["village_id"]
        sink.add(t, v, K.HH_SCOPE, g["scope"])
        sink.add(t, v, K.HH_ASSESSED, g["assessed"])
        sink.add(t, v, K.HH_PLAQUED, g["plaqued"])
        sink.add(t, v, K.HH_DANGEROUS, g["dangerous"])
        sink.add(t, v, K.HH_C_PENDING, g["c_pending"])
        sink.add(t, v, K.HH_D_PENDING, g["d_pending"])


def findings(sink: Sink, township_ids) -> None:
    status_key: dict[str, str] = {
        FindingStatus.OPEN: K.F_OPEN,
        FindingStatus.CONFIRMED: K.F_CONFIRMED,
        FindingStatus.DISMISSED: K.F_DISMISSED,
    }
    grouped = (
        Finding.objects.filter(township_id__in=township_ids, status__in=FIRING)
        .values("township_id", "village_id", "aspect", "status")
        .order_by()
        .annotate(n=Count("id"))
    )
    for g in grouped:
        t, v = g["township_id"], g["village_id"]
        if g["aspect"] in K.FINDING_ASPECT:
            sink.add(t, v, K.FINDING_ASPECT[g["aspect"]], g["n"])
        sink.add(t, v, status_key[g["status"]], g["n"])


def ledger(sink: Sink, campaign, township_ids, today: dt.date) -> None:
    open_q = Q(state__in=OPEN_STATES)
    grouped = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township_id__in=township_ids)
        .values("township_id", "village_id")
        .order_by()
        .annotate(
            total=Count("id"),
            open=Count("id", filter=open_q),
            closed=Count("id", filter=Q(state=State.CLOSED)),
            overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
            awaiting=Count("id", filter=Q(state=State.AWAITING)),
        )
    )
    for g in grouped:
        t, v = g["township_id"], g["village_id"]
        sink.add(t, v, K.L_TOTAL, g["total"])
        sink.add(t, v, K.L_OPEN, g["open"])
        sink.add(t, v, K.L_CLOSED, g["closed"])
        sink.add(t, v, K.L_OVERDUE, g["overdue"])
        sink.add(t, v, K.L_AWAITING, g["awaiting"])


def week_bounds(week: cal.Week) -> tuple[dt.datetime, dt.datetime]:
    start = cal.at_local(week.starts_on, dt.time(0, 0))
    return start, cal.at_local(week.ends_on + dt.timedelta(days=1), dt.time(0, 0))


def trend(sink: Sink, campaign, township_ids, all_weeks: list[cal.Week]) -> None:
    if not all_weeks:
        return
    counts = {}
    for w in all_weeks:
        start, end = week_bounds(w)
        counts[f"o{w.number}"] = Count("id", filter=Q(created_at__gte=start, created_at__lt=end))
        counts[f"c{w.number}"] = Count(
            "id", filter=Q(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
        )
    grouped = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township_id__in=township_ids)
        .values("township_id")
        .order_by()
        .annotate(**counts)
    )
    # annotate(**counts) names its keys at run time: the stubs' row type knows township_id only
    for g in cast("Iterable[dict[str, int]]", grouped):
        for w in all_weeks:
            sink.add(g["township_id"], None, K.T_OPENED, g[f"o{w.number}"], week=w.number)
            sink.add(g["township_id"], None, K.T_CLOSED, g[f"c{w.number}"], week=w.number)


def timeliness(sink: Sink, campaign, schedule, townships, now: dt.datetime) -> None:
    if schedule is None:
        return
    for row in board.grid(campaign, schedule, townships, now):
        for c in row.cells:
            sink.add(row.township.pk, None, K.W_PREFIX + c.state, 1)
            sink.add(row.township.pk, None, K.WK_PREFIX + c.state, 1, week=c.week.number)


VISIT_FIELDS = ((K.V_SCOPE, "in_scope"), (K.V_VISITED, "visited"), (K.V_EXPLAINED, "explained"))


def visits(sink: Sink, campaign, townships) -> None:
    villages = {
        u.code: u.pk for u in Unit.objects.villages().filter(parent__in=townships).only("code")
    }
    for township in townships:
        data = cov.coverage(township, campaign)
        for v in data["villages"]:
            village_id = villages.get(v["code"])
            for key, field in VISIT_FIELDS:
                sink.add(township.pk, village_id, key, v[field], roll_up=False)
        for key, field in VISIT_FIELDS:
            sink.add(township.pk, None, key, data[field])


def monitoring(sink: Sink, campaign, township_ids, today: dt.date) -> dict:
    """This month's 动态监测 figures per township (``anju.monitoring.monthly``) and the days
    they are counted by."""
    for township_id, m in monthly.figures(campaign, today=today, township_ids=township_ids).items():
        sink.add(township_id, None, K.M_NEW, m.new)
        sink.add(township_id, None, K.M_IN_TIME, m.in_time)
        sink.add(township_id, None, K.M_WAITING, m.waiting)
        sink.add(township_id, None, K.M_OVERDUE, m.overdue)
    days = monthly.schedule(campaign, today)
    return {
        "label": days.label,
        "list_due": monthly.day_label(days.list_due),
        "assess_due": monthly.day_label(days.assess_due),
    }


def spot_checks(sink: Sink, campaign) -> list[dict]:
    samples = []
    for sample in Sample.objects.filter(campaign=campaign).order_by("number"):
        published = sample.status == Sample.Status.PUBLISHED
        for r in verdicts.village_results(sample):
            sv = r.sample_village
            verdict = {verdicts.PASS: "passed", verdicts.FAIL: "failed"}.get(r.verdict, "pending")
            values = {
                "villages": 1,
                verdict: 1,
                "planned": r.planned,
                "inspected": r.inspected,
                "missed": r.missed,
                "fake": r.fake,
            }
            for name, n in values.items():
                sink.add(sv.township_id, sv.village_id, f"s_{name}", n)
                if published:
                    sink.add(sv.township_id, sv.village_id, f"p_{name}", n)
        samples.append(
            {
                "pk": sample.pk,
                "number": sample.number,
                "status": sample.status,
                "status_label": str(sample.get_status_display()),
                "n": sample.households_per_village,
                "d": sample.fail_at,
            }
        )
    return samples


def collect(campaign, *, today: dt.date, now: dt.datetime) -> tuple[list[Row], dict]:
    townships = townships_of(campaign)
    ids = [t.pk for t in townships]
    schedule = Schedule.objects.filter(campaign=campaign).select_related("campaign").first()
    all_weeks = cal.weeks(schedule) if schedule is not None else []
    sink = Sink()
    households(sink, campaign, ids)
    findings(sink, ids)
    ledger(sink, campaign, ids, today)
    trend(sink, campaign, ids, all_weeks)
    timeliness(sink, campaign, schedule, townships, now)
    visits(sink, campaign, townships)
    samples = spot_checks(sink, campaign)
    month = monitoring(sink, campaign, ids, today)
    meta = {
        "campaign": campaign.name,
        "document_number": campaign.document_number,
        "county": campaign.county.name,
        "scope_all_groups": campaign.scope_all_groups,
        "weeks": [
            {
                "number": w.number,
                "label": w.label,
                "span": w.span,
                "due": cal.due_text(w.due_at),
                "due_passed": w.due_at < now,
                "started": w.starts_on <= today,
            }
            for w in all_weeks
        ],
        "samples": samples,
        "monitoring": month,
    }
    return sink.rows(), meta
