"""What the ranking counts, and that a draw favours the villages that under-report."""

from __future__ import annotations

import pytest

from anju.inspections import ranking, sampling, services
from anju.inspections.models import ChosenBy, Sample
from anju.rectification.models import Source
from tests.inspections.conftest import entry, find, households, village

pytestmark = pytest.mark.django_db


def by_code(rank: ranking.Ranking) -> dict[str, sampling.RankedVillage]:
    return {v.code: v for v in rank.villages}


def test_expected_counts_households_with_firing_findings(campaign, village_a):
    hh = households(village_a, 4)
    find(hh[0])
    find(hh[0], rule="A1-02")  # same household twice: one expected problem
    find(hh[1], status="dismissed")  # still fires
    find(hh[2], status="confirmed")
    find(hh[3], status="resolved")  # no longer fires
    row = by_code(ranking.compute(campaign))[village_a.code]
    assert (row.population, row.expected, row.reported) == (4, 3, 0)


def test_reported_counts_ledger_households_and_hand_written_entries(
    campaign, officer_a, city_reviewer, village_a
):
    hh = households(village_a, 5)
    entry(campaign, officer_a, [hh[0], hh[1]])  # a 共性问题 over two households
    entry(campaign, officer_a, [hh[0]])  # the same household again
    entry(campaign, officer_a, [], village=village_a)  # hand-written, no household
    entry(campaign, officer_a, [hh[2]], draft=True)  # a draft is not on the ledger
    entry(campaign, city_reviewer, [hh[3]], source=Source.SPOT_CHECK)  # the city's, not theirs
    row = by_code(ranking.compute(campaign))[village_a.code]
    assert row.reported == 3  # hh0, hh1 + one hand-written entry


def test_townships_sum_their_villages_plus_township_level_entries(
    campaign, officer_a, village_a, village_a2, township_a
):
    a1, a2 = households(village_a, 2), households(village_a2, 3)
    find(a1[0])
    find(a2[0])
    find(a2[1])
    entry(campaign, officer_a, [a2[0]])
    from anju.rectification import services as ledger

    ledger.create_entry(
        actor=officer_a,
        campaign=campaign,
        township=township_a,
        village=None,
        nature="共性问题",
        description="全镇挂牌不规范",
        measures="各村于本周内统一更换标牌并拍照存档",
        deadline=campaign.ends_on,
    )
    row = next(t for t in ranking.compute(campaign).townships if t.code == township_a.code)
    assert (row.villages, row.population, row.expected, row.reported) == (2, 5, 3, 2)
    assert float(row.score) == pytest.approx(3 / 4)


def test_a_draw_favours_villages_with_many_findings_and_few_ledger_entries(
    campaign, officer_a, officer_b, city_reviewer, township_a, township_b
):
    """Plant three under-reporting villages among twenty honest ones: whatever the seed,
    the three are drawn, by rank, and they lead the sample."""
    hiding = []
    for n in range(3):
        unit = village(township_a if n < 2 else township_b, 10 + n, f"瞒报村{n}")
        hh = households(unit, 8)
        for h in hh[:6]:
            find(h)
        entry(campaign, officer_a if n < 2 else officer_b, [hh[0]])  # lists 1 of 6
        hiding.append(unit.pk)
    for n in range(20):
        unit = village(township_a if n % 2 else township_b, 30 + n, f"如实村{n}")
        hh = households(unit, 5)
        for h in hh[:3]:
            find(h)
        actor = officer_a if n % 2 else officer_b
        entry(campaign, actor, hh[:3])  # lists all it should
    top = [v.village_id for v in ranking.compute(campaign).villages[:3]]
    assert sorted(top) == sorted(hiding)
    for seed in (1, 2, 2022):
        outcome = services.draw_sample(
            actor=city_reviewer,
            campaign=campaign,
            params=sampling.Params(villages=5, per_village=3, rank_share=60),
            seed=seed,
        )
        chosen = list(outcome.sample.villages.order_by("position"))
        assert [sv.village_id for sv in chosen[:3]] == top
        assert {sv.chosen_by for sv in chosen[:3]} == {ChosenBy.RANK}
        assert {sv.chosen_by for sv in chosen[3:]} == {ChosenBy.RANDOM}
        assert all(sv.score == pytest.approx(2 / 7, abs=1e-4) for sv in chosen[:3])
    assert Sample.objects.count() == 3


def test_ranking_time_at_a_few_hundred_villages(
    campaign, township_a, django_assert_max_num_queries
):
    for n in range(60):
        households(village(township_a, 100 + n, f"村{n}"), 2)
    with django_assert_max_num_queries(6):
        assert len(ranking.compute(campaign).villages) == 60
