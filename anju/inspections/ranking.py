"""What each village should have found and what its township reported (the ranking's data).

Per village, set-based (four GROUP BY queries, whatever the county's size):

- **population**: households in the campaign's scope (``in_campaign_scope``);
- **expected** (筛查应发现): households with at least one firing screening finding
  (待确认, 已确认 or 已排除 — the rule still fires, whatever the township decided);
- **reported** (台账已列): households linked to an entry on the township's ledger (drafts
  are not on it), plus entries for the village written without a household (hand-written
  共性问题). Entries the city put there — 市局抽查, 市局交办 — are not the township's own
  reporting and do not count.

A township's figures add up its villages', plus its ledger entries with neither village
nor household. The score and order are ``anju.inspections.sampling``'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count

from anju.inspections import sampling
from anju.inspections.sampling import RankedVillage
from anju.rectification.models import LedgerEntry, Source
from anju.registry.models import Household
from anju.screening.models import Finding
from anju.units.models import Unit

CITY_SOURCES = (Source.SPOT_CHECK, Source.CITY)


@dataclass(frozen=True)
class TownshipRow:
    township_id: int
    code: str
    name: str
    villages: int  # villages with in-scope households
    population: int
    expected: int
    reported: int

    @property
    def score(self) -> Fraction:
        return sampling.score(self.reported, self.expected)

    def snapshot(self, position: int) -> dict:
        return {
            "rank": position,
            "township_id": self.township_id,
            "code": self.code,
            "name": self.name,
            "villages": self.villages,
            "population": self.population,
            "expected": self.expected,
            "reported": self.reported,
            "score": round(float(self.score), 4),
        }


@dataclass(frozen=True)
class Ranking:
    villages: list[RankedVillage]  # in drawing order, only villages with in-scope households
    townships: list[TownshipRow]  # lowest score first


def township_entries(campaign):
    """The township's own ledger entries of this campaign (not drafts, not the city's)."""
    return (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign)
        .exclude(source__in=[str(s) for s in CITY_SOURCES])
    )


def compute(campaign) -> Ranking:
    households = Household.objects.in_campaign_scope(all_groups=campaign.scope_all_groups)
    population = dict(
        households.values("village_id").annotate(n=Count("id")).values_list("village_id", "n")
    )
    expected = dict(
        Finding.objects.firing()
        .values("village_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("village_id", "n")
    )
    entries = township_entries(campaign)
    reported: dict[int, int] = defaultdict(int)
    for village_id, n in (
        Household.objects.filter(ledger_entries__in=entries)
        .values("village_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("village_id", "n")
    ):
        reported[village_id] += n
    township_only: dict[int, int] = defaultdict(int)
    for village_id, township_id, n in (
        entries.filter(households__isnull=True)
        .values("village_id", "township_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "township_id", "n")
    ):
        if village_id is None:
            township_only[township_id] += n
        else:
            reported[village_id] += n
    units = Unit.objects.filter(pk__in=population.keys(), parent__isnull=False).values_list(
        "pk", "code", "name", "parent_id", "parent__code", "parent__name"
    )  # plain values: 600 model instances cost more than the four aggregates at 5,000
    villages = [
        RankedVillage(
            village_id=vid,
            code=code,
            name=name,
            township_id=township_id,
            township_code=township_code,
            township_name=township_name,
            population=population[vid],
            expected=expected.get(vid, 0),
            reported=reported.get(vid, 0),
        )
        for vid, code, name, township_id, township_code, township_name in units
        if population[vid] > 0
    ]
    return Ranking(villages=sampling.rank(villages), townships=_townships(villages, township_only))


def _townships(villages: list[RankedVillage], township_only: dict[int, int]) -> list[TownshipRow]:
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    names: dict[int, tuple[str, str]] = {}
    for v in villages:
        row = sums[v.township_id]
        row[0] += 1
        row[1] += v.population
        row[2] += v.expected
        row[3] += v.reported
        names[v.township_id] = (v.township_code, v.township_name)
    rows = [
        TownshipRow(
            township_id=tid,
            code=names[tid][0],
            name=names[tid][1],
            villages=s[0],
            population=s[1],
            expected=s[2],
            reported=s[3] + township_only.get(tid, 0),
        )
        for tid, s in sums.items()
    ]
    return sorted(rows, key=lambda t: (t.score, -t.expected, t.code))
