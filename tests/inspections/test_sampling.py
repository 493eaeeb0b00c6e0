"""The draw itself: the score, the order, reproducibility, the random share, bad input."""

from __future__ import annotations

from fractions import Fraction

import pytest

from anju.inspections import sampling
from anju.inspections.sampling import Params, RankedVillage, SampleError


def v(n: int, *, expected=0, reported=0, population=20, township=1) -> RankedVillage:
    return RankedVillage(
        village_id=n,
        code=f"411081{township:03d}{n:03d}",
        name=f"村{n}",
        township_id=township,
        township_code=f"411081{township:03d}",
        township_name=f"乡{township}",
        population=population,
        expected=expected,
        reported=reported,
    )


def population(village: RankedVillage) -> list[int]:
    return [village.village_id * 1000 + i for i in range(village.population)]


def county(n=40) -> list[RankedVillage]:
    return sampling.rank([v(i, expected=i % 7, reported=i % 3) for i in range(1, n + 1)])


def test_score_is_reported_plus_one_over_expected_plus_one():
    assert sampling.score(0, 10) == Fraction(1, 11)
    assert sampling.score(0, 0) == 1
    assert sampling.score(5, 0) == 6
    assert sampling.score(3, 3) == 1
    assert v(1, expected=4, reported=1).score == Fraction(2, 5)


def test_ranking_puts_fewest_reported_per_expected_first_then_more_expected_then_code():
    ranked = sampling.rank(
        [
            v(1, expected=2, reported=2),  # 1
            v(2, expected=10, reported=0),  # 1/11
            v(3, expected=2, reported=0),  # 1/3
            v(4, expected=5, reported=1),  # 1/3, more expected than village 3
            v(5, expected=0, reported=0),  # 1
        ]
    )
    assert [r.village_id for r in ranked] == [2, 4, 3, 1, 5]


def test_ranked_count_rounds_half_up():
    assert sampling.ranked_count(10, 70) == 7
    assert sampling.ranked_count(3, 70) == 2
    assert sampling.ranked_count(1, 70) == 1
    assert sampling.ranked_count(5, 0) == 0
    assert sampling.ranked_count(5, 100) == 5
    assert sampling.ranked_count(5, 50) == 3


def test_same_seed_same_sample_other_seed_other_sample():
    ranking = county()
    params = Params(villages=10, per_village=5)
    first = sampling.draw(ranking, params, seed=2022, population=population)
    again = sampling.draw(list(ranking), params, seed=2022, population=population)
    other = sampling.draw(ranking, params, seed=2023, population=population)
    assert first == again
    assert first.household_ids != other.household_ids


def test_top_share_comes_from_the_ranking_and_the_rest_at_random():
    ranking = county()
    draws = [
        sampling.draw(ranking, Params(villages=10, per_village=2), seed=s, population=population)
        for s in range(30)
    ]
    top7 = [r.village_id for r in ranking[:7]]
    for d in draws:
        by_rank = [c.village.village_id for c in d.villages if c.chosen_by == sampling.RANK]
        at_random = [c.village.village_id for c in d.villages if c.chosen_by == sampling.RANDOM]
        assert by_rank == top7
        assert len(at_random) == 3 and not set(at_random) & set(top7)
        assert [c.rank for c in d.villages][:7] == list(range(1, 8))
    random_parts = {tuple(c.village.village_id for c in d.villages[7:]) for d in draws}
    assert len(random_parts) > 20  # the random share really varies with the seed


def test_households_are_drawn_within_the_chosen_villages():
    ranking = county(12)
    draw = sampling.draw(ranking, Params(villages=4, per_village=6), seed=1, population=population)
    for chosen in draw.villages:
        assert len(chosen.households) == 6
        assert set(chosen.households) <= set(population(chosen.village))
        assert chosen.population_digest == sampling.population_digest(population(chosen.village))


def test_a_small_village_is_taken_whole_with_a_note():
    ranking = sampling.rank([v(1, expected=5, population=3), v(2, population=30)])
    draw = sampling.draw(ranking, Params(villages=2, per_village=10), seed=3, population=population)
    small = draw.villages[0]
    assert small.took_all and small.households == (1000, 1001, 1002)
    assert draw.notes == ("乡1村1在“回头看”范围内只有 3 户，少于每村抽查户数 10，已全部抽取。",)


def test_villages_without_in_scope_households_are_never_drawn():
    ranking = sampling.rank([v(1, expected=9, population=0), v(2, population=5)])
    draw = sampling.draw(ranking, Params(villages=1, per_village=2), seed=1, population=population)
    assert [c.village.village_id for c in draw.villages] == [2]


@pytest.mark.parametrize(
    ("params", "eligible", "field", "message"),
    [
        (Params(villages=0, per_village=5), 10, "villages", "抽查村数应至少为 1（现为 0）。"),
        (
            Params(villages=3, per_village=0, fail_at=1),
            10,
            "per_village",
            "每村抽查户数应至少为 1（现为 0）。",
        ),
        (
            Params(villages=12, per_village=5),
            10,
            "villages",
            "抽查村数 12 超过了有“回头看”范围内农户的村数（共 10 个），请改为不超过 10。",
        ),
        (Params(villages=1, per_village=5), 0, "villages", "目前没有任何村有“回头看”范围内的农户"),
        (
            Params(villages=2, per_village=5, rank_share=120),
            10,
            "rank_share",
            "按排名选取比例应在 0 到 100 之间",
        ),
        (
            Params(villages=2, per_village=5, fail_at=6),
            10,
            "fail_at",
            "不合格判定户数 d 应在 1 到每村抽查户数（5）之间",
        ),
        (Params(villages=2, per_village=5, fail_at=0), 10, "fail_at", "不合格判定户数 d 应在 1 到"),
    ],
)
def test_bad_parameters_have_a_chinese_message(params, eligible, field, message):
    with pytest.raises(SampleError) as error:
        sampling.validate(params, eligible=eligible)
    assert message in error.value.errors[field]


def test_a_negative_seed_is_refused():
    with pytest.raises(SampleError) as error:
        sampling.validate(Params(villages=1, per_village=1, fail_at=1), eligible=1, seed=-1)
    assert "随机种子应为 0 到" in error.value.errors["seed"]


def test_generated_seeds_are_fresh_and_in_range():
    seeds = {sampling.generate_seed() for _ in range(20)}
    assert len(seeds) > 15
    assert all(0 <= s < sampling.GENERATED_SEED_BELOW for s in seeds)


def test_snapshot_round_trips():
    village = v(3, expected=4, reported=1)
    row = sampling.to_snapshot(village, 5)
    assert row["rank"] == 5 and row["score"] == 0.4
    assert sampling.from_snapshot(row) == village
