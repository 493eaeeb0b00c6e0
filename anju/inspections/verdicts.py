"""Verdicts of a spot-check: problems missed (漏报), fake fixes (虚假整改), pass or fail.

The sampling rule is LQAS (lot quality assurance sampling), as used in health surveys:
in each sampled village n households are inspected; a household is **defective** when the
inspector found on it a problem that is not on the township's ledger (漏报) or a problem
whose ledger entry says 已销号 (虚假整改). The village **fails** (不合格) when d or more of
its households are defective, and **passes** (合格) when all n are inspected and fewer than
d are. A township fails when any of its sampled villages fails.

With n = 10 and d = 2: a village whose true share of defective households is 5 % fails
only about 9 % of the time; one at 30 % passes only about 15 % of the time
(``fail_probability`` computes these for any n and d; the page shows them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from anju.inspections.models import (
    DEFECT_KINDS,
    ProblemKind,
    Sample,
    SampleHousehold,
    SampleVillage,
    SpotCheckProblem,
)

PASS = "pass"  # noqa: S105 — a verdict, not a password
FAIL = "fail"
PENDING = "pending"
LABELS = {PASS: "合格", FAIL: "不合格", PENDING: "核查未完成"}
# The defect rates the page quotes: a good village (5 %) and a bad one (30 %).
GOOD_RATE = 0.05
BAD_RATE = 0.30
# Which count of a village's result a problem of each kind adds to (else "reported").
COUNTED_AS: dict[str, str] = {ProblemKind.MISSED: "missed", ProblemKind.FAKE_FIX: "fake"}


def lqas(*, inspected: int, planned: int, defective: int, fail_at: int) -> str:
    """FAIL at ``fail_at`` or more defective households (even before all are inspected);
    PASS when every planned household is inspected and fewer are defective; else PENDING."""
    if defective >= fail_at:
        return FAIL
    if inspected < planned:
        return PENDING
    return PASS


def fail_probability(n: int, d: int, rate: float) -> float:
    """P(at least d defective among n) when each household is defective with ``rate``."""
    if d <= 0:
        return 1.0
    if d > n:
        return 0.0
    below = sum(math.comb(n, k) * rate**k * (1 - rate) ** (n - k) for k in range(d))
    return max(0.0, 1.0 - below)


def explanation(n: int, d: int) -> dict:
    """The rule in plain Chinese with its two error rates, for the pages."""
    good = fail_probability(n, d, GOOD_RATE)
    bad_pass = 1.0 - fail_probability(n, d, BAD_RATE)
    return {
        "n": n,
        "d": d,
        "text": (
            f"每个抽查村随机抽取 {n} 户入户核查。发现漏报（问题未列入乡镇整改台账）或虚假整改"
            f"（台账已销号但问题仍在）的农户达到 {d} 户及以上，该村判定为“不合格”；"
            f"{n} 户全部核查完毕且少于 {d} 户，判定为“合格”。抽查村中有一个不合格，"
            "该乡镇即判定为“不合格”。"
        ),
        "risk": (
            f"按此规则：一个村实际问题户比例为 {GOOD_RATE:.0%} 时，被误判不合格的概率约 "
            f"{good:.0%}；实际比例达 {BAD_RATE:.0%} 时，仍被判为合格的概率约 {bad_pass:.0%}。"
        ),
        "good_fail": good,
        "bad_pass": bad_pass,
    }


@dataclass
class VillageResult:
    sample_village: SampleVillage
    planned: int = 0
    inspected: int = 0
    defective: int = 0
    missed: int = 0
    fake: int = 0
    reported: int = 0
    verdict: str = PENDING

    @property
    def verdict_label(self) -> str:
        return LABELS[self.verdict]


@dataclass
class TownshipResult:
    township_id: int
    name: str
    villages: list[VillageResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(v, name) for v in self.villages)

    @property
    def planned(self) -> int:
        return self.total("planned")

    @property
    def inspected(self) -> int:
        return self.total("inspected")

    @property
    def defective(self) -> int:
        return self.total("defective")

    @property
    def missed(self) -> int:
        return self.total("missed")

    @property
    def fake(self) -> int:
        return self.total("fake")

    @property
    def verdict(self) -> str:
        verdicts = {v.verdict for v in self.villages}
        if FAIL in verdicts:
            return FAIL
        if PENDING in verdicts:
            return PENDING
        return PASS

    @property
    def verdict_label(self) -> str:
        return LABELS[self.verdict]


def village_results(
    sample: Sample, sample_villages: QuerySet[SampleVillage] | None = None
) -> list[VillageResult]:
    """One result per sampled village (all of the sample's, or those given), in order."""
    if sample_villages is None:
        sample_villages = sample.villages.all()
    rows = list(sample_villages.select_related("village", "township", "inspector"))
    results = {sv.pk: VillageResult(sample_village=sv) for sv in rows}
    households = SampleHousehold.objects.filter(sample=sample, sample_village__in=rows)
    for sv_id, planned, inspected in (
        households.values("sample_village_id")
        .annotate(planned=Count("id"), inspected=Count("visit"))
        .values_list("sample_village_id", "planned", "inspected")
    ):
        results[sv_id].planned = planned
        results[sv_id].inspected = inspected
    problems = SpotCheckProblem.objects.filter(
        visit__sample_household__sample=sample,
        visit__sample_household__sample_village__in=rows,
    )
    for sv_id, kind, n in (
        problems.values("visit__sample_household__sample_village_id", "kind")
        .annotate(n=Count("id"))
        .values_list("visit__sample_household__sample_village_id", "kind", "n")
    ):
        attr = COUNTED_AS.get(kind, "reported")
        setattr(results[sv_id], attr, getattr(results[sv_id], attr) + n)
    for sv_id, n in (
        households.filter(visit__problems__kind__in=[str(k) for k in DEFECT_KINDS])
        .values("sample_village_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("sample_village_id", "n")
    ):
        results[sv_id].defective = n
    for result in results.values():
        result.verdict = lqas(
            inspected=result.inspected,
            planned=result.planned,
            defective=result.defective,
            fail_at=sample.fail_at,
        )
    return [results[sv.pk] for sv in rows]


def township_results(villages: list[VillageResult]) -> list[TownshipResult]:
    by_township: dict[int, TownshipResult] = {}
    for result in villages:
        sv = result.sample_village
        row = by_township.get(sv.township_id)
        if row is None:
            row = by_township[sv.township_id] = TownshipResult(sv.township_id, sv.township.name)
        row.villages.append(result)
    order = {FAIL: 0, PENDING: 1, PASS: 2}
    return sorted(by_township.values(), key=lambda t: (order[t.verdict], -t.defective, t.name))


def summary(villages: list[VillageResult]) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for v in villages:
        counts[v.verdict] += 1
    return {
        "villages": len(villages),
        "passed": counts[PASS],
        "failed": counts[FAIL],
        "pending": counts[PENDING],
        "planned": sum(v.planned for v in villages),
        "inspected": sum(v.inspected for v in villages),
        "missed": sum(v.missed for v in villages),
        "fake": sum(v.fake for v in villages),
    }
