"""Who deserves to be named in a notice, and why — computed from the records, with the
evidence (禹建〔2022〕39号 四（三）: 落实不及时、排查不全面、整改不真实的进行通报批评; 建立激励机制).

For criticism (any one suffices):

- **未报送**: a week whose due time has passed without a report (also a report still waiting
  for the head's approval after the due time, and a returned report not sent again by the
  new due time) — the reporting grid's own rule (``anju.reporting.board``);
- **逾期报送**: a week's report sent after its due time;
- **逾期未整改**: ledger entries still open after their 完成时限 (by 序号);
- **抽查不合格**: a spot-checked village judged 不合格 (LQAS), with its 漏报 and 虚假整改 counts;
- **虚假整改**: a ledger entry closed (已销号) that the spot-check found not fixed (by 序号).

Spot-checks count only once their results are published (结果已公布): while a batch is
核查中 its sampled villages stay hidden from the townships (DESIGN.md, inspections), so a
notice must not name them, praise or blame on them.

For praise (a township with no reason for criticism): every week due so far reported on
time, **and** either a rectification rate of at least ``HIGH_RATE`` % over at least
``MIN_ENTRIES`` entries, or every spot-checked village 合格.

Evidence names townships, villages, weeks, samples, counts and ledger 序号 only — never a
household, its head's name or any problem text (which may name one).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from anju.inspections import verdicts
from anju.inspections.models import ProblemKind, Sample, SpotCheckProblem
from anju.notices.models import Kind
from anju.rectification.models import LedgerEntry, State
from anju.reporting import board
from anju.reporting.models import Schedule
from anju.units.models import Unit

if TYPE_CHECKING:
    from anju.acceptance.timing import FinalTiming
    from anju.campaigns.models import Campaign

HIGH_RATE = 80  # %
MIN_ENTRIES = 3
LIST_AT_MOST = 10  # 序号 printed in a fact; the evidence keeps them all

RULES = [
    "通报批评（满足任一项）：周报未报送（含到期未经主要负责人审批、退回后逾期未重报）；周报逾期报送；"
    "总结验收材料逾期报送或逾期未报送；"
    "整改台账问题超过完成时限仍未销号；市局抽查有村判定为不合格；抽查发现虚假整改。",
    f"通报表扬（不符合批评条件的乡镇）：已到期的周报全部按时报送，并且整改率达到 {HIGH_RATE}% 及以上"
    f"（台账问题不少于 {MIN_ENTRIES} 个）或市局抽查的村全部合格。",
    "抽查只计结果已公布的批次；核查中的批次不作为通报依据。",
]


@dataclass
class Reason:
    code: str
    label: str
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "text": self.text, **self.evidence}


@dataclass
class Proposal:
    township: Unit
    kind: str
    reasons: list[Reason]

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def facts(self) -> str:
        return "\n".join(r.text for r in self.reasons)

    def evidence(self, computed_at: dt.datetime) -> dict[str, Any]:
        return {
            "township": self.township.code,
            "name": self.township.name,
            "kind": self.kind,
            "computed_at": computed_at.isoformat(),
            "reasons": [r.as_dict() for r in self.reasons],
        }


@dataclass
class Proposals:
    computed_at: dt.datetime
    criticism: list[Proposal]
    praise: list[Proposal]
    rules: list[str] = field(default_factory=lambda: list(RULES))

    def by_code(self) -> dict[str, Proposal]:
        return {p.township.code: p for p in self.criticism + self.praise}


def _weeks_text(numbers: list[int]) -> str:
    return "、".join(f"第{n}周" for n in numbers)


def _numbers_text(numbers: list[int]) -> str:
    shown = "、".join(f"第{n}号" for n in numbers[:LIST_AT_MOST])
    if len(numbers) > LIST_AT_MOST:
        shown += "等"
    return shown


@dataclass
class _Facts:
    """What the records say about one township."""

    missing: list[tuple[int, str]] = field(default_factory=list)  # (week, how)
    late: list[tuple[int, str]] = field(default_factory=list)  # (week, by how much)
    on_time: list[int] = field(default_factory=list)
    due: int = 0
    overdue: list[int] = field(default_factory=list)
    total: int = 0
    closed: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # per sample
    passed: list[dict[str, Any]] = field(default_factory=list)  # per sample, all villages 合格
    fake: list[dict[str, Any]] = field(default_factory=list)  # (sample, entry number)
    final: FinalTiming | None = None  # late or missing finals only


Facts = dict[int, _Facts]


def _timeliness(facts: Facts, campaign: Campaign, townships: list[Unit], now: dt.datetime) -> None:
    schedule = Schedule.objects.filter(campaign=campaign).select_related("campaign").first()
    if schedule is None:
        return
    for row in board.grid(campaign, schedule, townships, now):
        f = facts[row.township.pk]
        for c in row.cells:
            n = c.week.number
            if c.state == board.Timeliness.MISSING:
                f.missing.append((n, "未报送"))
            elif c.state == board.Timeliness.AWAITING and c.overdue:
                f.missing.append((n, "到截止时间仍未经主要负责人审批报送"))
            elif c.state == board.Timeliness.RETURNED and c.overdue:
                f.missing.append((n, "被退回后逾期未重新报送"))
            elif c.state == board.Timeliness.LATE:
                f.late.append((n, c.late_by))
            elif c.state == board.Timeliness.ON_TIME:
                f.on_time.append(n)
            else:  # not yet due, or awaiting / returned and still within its time
                continue
            f.due += 1


def cal_zone() -> ZoneInfo:
    from anju.reporting import weeks

    return weeks.local_zone()


def _finals(facts: Facts, campaign: Campaign, ids: set[int], now: dt.datetime) -> None:
    from anju.acceptance import timing

    for township_id, t in timing.timings(campaign, ids, now).items():
        if t.state in (timing.LATE, timing.MISSING):
            facts[township_id].final = t


def _ledger(facts: Facts, campaign: Campaign, ids: set[int], today: dt.date) -> None:
    overdue = (
        LedgerEntry.objects.overdue(today)
        .filter(campaign=campaign, township_id__in=ids)
        .order_by("township_id", "number")
        .values_list("township_id", "number")
    )
    for township_id, number in overdue:
        if number is not None:  # open entries are on the ledger, numbered
            facts[township_id].overdue.append(number)
    counts = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township_id__in=ids)
        .values("township_id")
        .order_by()
        .annotate(total=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)))
    )
    for c in counts:
        facts[c["township_id"]].total = c["total"]
        facts[c["township_id"]].closed = c["closed"]


def _spot_checks(facts: Facts, campaign: Campaign, ids: set[int]) -> None:
    published = Sample.objects.filter(campaign=campaign, status=Sample.Status.PUBLISHED)
    for sample in published.order_by("number"):
        results = verdicts.village_results(sample)
        for t in verdicts.township_results(results):
            if t.township_id not in ids:
                continue
            record = {
                "sample": sample.number,
                "sample_status": str(sample.get_status_display()),
                "n": sample.households_per_village,
                "d": sample.fail_at,
                "villages": [v.sample_village.village.name for v in t.villages],
                "failed_villages": [
                    v.sample_village.village.name for v in t.villages if v.verdict == verdicts.FAIL
                ],
                "inspected": t.inspected,
                "missed": t.missed,
                "fake": t.fake,
            }
            if t.verdict == verdicts.FAIL:
                facts[t.township_id].failed.append(record)
            elif t.verdict == verdicts.PASS:
                facts[t.township_id].passed.append(record)
    fakes = (
        SpotCheckProblem.objects.filter(
            kind=ProblemKind.FAKE_FIX,
            visit__sample_household__sample__in=published,
            visit__sample_household__township_id__in=ids,
        )
        .order_by("visit__sample_household__sample__number", "ledger_entry__number")
        .values_list(
            "visit__sample_household__township_id",
            "visit__sample_household__sample__number",
            "ledger_entry__number",
        )
        .distinct()
    )
    for township_id, sample_number, entry_number in fakes:
        facts[township_id].fake.append({"sample": sample_number, "entry": entry_number})


def _criticism(f: _Facts) -> list[Reason]:
    reasons: list[Reason] = []
    if f.missing:
        weeks = [n for n, _ in f.missing]
        plain = [n for n, how in f.missing if how == "未报送"]
        parts = [f"{_weeks_text(plain)}周报未报送"] if plain else []
        parts += [f"第{n}周周报{how}" for n, how in f.missing if how != "未报送"]
        reasons.append(
            Reason(
                "missing_weeks",
                "周报未报送",
                "，".join(parts),
                {"weeks": weeks, "details": [{"week": n, "how": how} for n, how in f.missing]},
            )
        )
    if f.late:
        late_weeks = _weeks_text([n for n, _ in f.late])
        spans = "、".join(by for _, by in f.late)
        how = f"逾期{spans}" if len(f.late) == 1 else f"分别逾期{spans}"
        reasons.append(
            Reason(
                "late_weeks",
                "周报逾期报送",
                f"{late_weeks}周报逾期报送（{how}）",
                {"weeks": [n for n, _ in f.late], "late_by": [by for _, by in f.late]},
            )
        )
    if f.final is not None:
        t = f.final
        last = (t.due_at.astimezone(cal_zone()) - dt.timedelta(minutes=1)).date()
        due = f"总结验收阶段{last.month}月{last.day}日截止"
        text = (
            f"总结验收材料（整改报告和整改台账）逾期报送（{due}，逾期{t.late_by}）"
            if t.late_by
            else f"总结验收材料（整改报告和整改台账）{due}，至今未报送"
        )
        reasons.append(
            Reason(
                "late_final",
                "总结验收材料逾期",
                text,
                {
                    "due_at": t.due_at.isoformat(),
                    "signed_at": t.signed_at.isoformat() if t.signed_at else "",
                },
            )
        )
    if f.overdue:
        reasons.append(
            Reason(
                "overdue_entries",
                "逾期未整改",
                f"整改台账{_numbers_text(f.overdue)}共{len(f.overdue)}个问题已超过完成时限仍未整改销号",
                {"entries": f.overdue, "count": len(f.overdue)},
            )
        )
    for s in f.failed:
        found = [
            f"{label}{s[key]}个"
            for key, label in (("missed", "漏报问题"), ("fake", "虚假整改"))
            if s[key]
        ]
        reasons.append(
            Reason(
                "failed_check",
                "抽查不合格",
                f"第{s['sample']}批抽查中，{'、'.join(s['failed_villages'])}判定为不合格"
                + (f"（发现{'、'.join(found)}）" if found else ""),
                s,
            )
        )
    if f.fake:
        numbers = sorted({x["entry"] for x in f.fake if x["entry"]})
        reasons.append(
            Reason(
                "fake_fixes",
                "虚假整改",
                f"整改台账{_numbers_text(numbers)}问题已销号，经抽查核实未整改到位",
                {"entries": numbers, "samples": sorted({x["sample"] for x in f.fake})},
            )
        )
    return reasons


def _praise(f: _Facts) -> list[Reason]:
    if not f.due or len(f.on_time) != f.due:
        return []
    rate = round(f.closed * 100 / f.total, 1) if f.total else None
    high = rate is not None and f.total >= MIN_ENTRIES and rate >= HIGH_RATE
    if not (high or f.passed):
        return []
    numbers = sorted(f.on_time)
    span = f"第{numbers[0]}周至第{numbers[-1]}周" if len(numbers) > 1 else f"第{numbers[0]}周"
    reasons = [
        Reason(
            "all_on_time",
            "周报全部按时报送",
            f"{span}周报均按时报送",
            {"weeks": numbers},
        )
    ]
    if high:
        reasons.append(
            Reason(
                "high_rate",
                "整改率高",
                f"整改台账列入问题{f.total}个，已整改销号{f.closed}个，整改率{rate}%",
                {"total": f.total, "closed": f.closed, "rate": rate},
            )
        )
    for s in f.passed:
        reasons.append(
            Reason(
                "check_passed",
                "抽查合格",
                f"第{s['sample']}批抽查的{'、'.join(s['villages'])}均合格",
                s,
            )
        )
    return reasons


def compute(campaign: Campaign, *, now: dt.datetime | None = None) -> Proposals:
    """The proposals for the campaign's county, as of ``now``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    townships = list(
        Unit.objects.townships().filter(parent=campaign.county, is_active=True).order_by("code")
    )
    ids = {t.pk for t in townships}
    facts: dict[int, _Facts] = defaultdict(_Facts)
    _timeliness(facts, campaign, townships, now)
    _finals(facts, campaign, ids, now)
    _ledger(facts, campaign, ids, today)
    _spot_checks(facts, campaign, ids)
    criticism: list[Proposal] = []
    praise: list[Proposal] = []
    for township in townships:
        f = facts[township.pk]
        bad = _criticism(f)
        if bad:
            criticism.append(Proposal(township, Kind.CRITICISM, bad))
            continue
        good = _praise(f)
        if good:
            praise.append(Proposal(township, Kind.PRAISE, good))
    criticism.sort(key=lambda p: (-len(p.reasons), p.township.code))
    praise.sort(key=lambda p: (-len(p.reasons), p.township.code))
    return Proposals(computed_at=now, criticism=criticism, praise=praise)
