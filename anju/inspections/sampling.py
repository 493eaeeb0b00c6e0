"""Drawing a spot-check sample: pure and deterministic (no database, no clock).

The seed asks the bureau to "重点选取部分排查问题较少的乡(镇)、村" — to pick on purpose the
townships and villages that reported few problems. So villages are ranked by how little
their township's ledger reports compared with what the city's own screening expects:

    得分 score = (reported + 1) / (expected + 1)

where *expected* is the number of the village's households on which a screening rule
fires (the problems the village should have found), and *reported* the number of the
village's households on the township's ledger plus the ledger entries written for the
village without a household (see ``anju.inspections.ranking``). The "+ 1" keeps a village
with nothing expected and nothing reported at 1 (neutral) and lets a bigger gap rank
first: 0 of 10 expected scores 1/11 ≈ 0.09, 0 of 2 scores 1/3 ≈ 0.33. **Lowest score first**;
ties go to the village with more expected problems, then to the lower village code.

A draw of K villages and N households per village:

1. ``round(K × share)`` villages from the top of the ranking (share defaults to 70 %);
2. the other villages drawn at random from the rest, so no one can predict or game the
   draw by reporting just enough;
3. N households drawn at random among each chosen village's in-scope households (all of
   them, with a note, when the village has fewer than N).

All randomness comes from ``random.Random(seed)`` in a fixed order (the random villages
first, then each chosen village's households in the order of the sample), over lists
sorted by code and id. The same seed, parameters and data give the same sample; a sample
records them so anyone can redraw it and compare.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

FORMULA = "得分 = (台账已列问题数 + 1) ÷ (筛查应发现问题户数 + 1)，得分越低越优先抽查"
DEFAULT_RANK_SHARE = 70
DEFAULT_FAIL_AT = 2
MAX_PER_VILLAGE = 1000
MAX_SEED = 2**63 - 1
GENERATED_SEED_BELOW = 10**9

RANK = "rank"
RANDOM = "random"


class SampleError(ValueError):
    """Parameters that cannot be drawn; ``errors`` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


@dataclass(frozen=True)
class RankedVillage:
    village_id: int
    code: str
    name: str
    township_id: int
    township_code: str
    township_name: str
    population: int  # households in the campaign's scope
    expected: int  # households with a firing screening finding
    reported: int  # households on the ledger + entries without a household

    @property
    def score(self) -> Fraction:
        return score(self.reported, self.expected)


def score(reported: int, expected: int) -> Fraction:
    """(reported + 1) / (expected + 1): low when a unit reports few of the problems expected."""
    return Fraction(reported + 1, expected + 1)


def rank(villages: Sequence[RankedVillage]) -> list[RankedVillage]:
    """Villages in drawing order: lowest score, then most expected, then village code."""
    return sorted(villages, key=lambda v: (v.score, -v.expected, v.code))


@dataclass(frozen=True)
class Params:
    villages: int
    per_village: int
    rank_share: int = DEFAULT_RANK_SHARE  # percent of the villages taken from the top
    fail_at: int = DEFAULT_FAIL_AT  # LQAS d: a village fails at d or more defective households


@dataclass(frozen=True)
class ChosenVillage:
    village: RankedVillage
    rank: int  # 1-based position in the ranking
    chosen_by: str  # RANK or RANDOM
    households: tuple[int, ...]
    population_digest: str
    took_all: bool


@dataclass(frozen=True)
class Draw:
    seed: int
    params: Params
    villages: tuple[ChosenVillage, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def household_ids(self) -> list[int]:
        return [h for v in self.villages for h in v.households]


def generate_seed() -> int:
    """A fresh seed when the reviewer gives none (recorded with the sample)."""
    return secrets.randbelow(GENERATED_SEED_BELOW)


def ranked_count(villages: int, share: int) -> int:
    """How many of the K villages come from the top of the ranking: K × share, rounded
    half up (K = 10 at 70 % → 7 by rank, 3 at random)."""
    return min(villages, math.floor(villages * share / 100 + 0.5))


def validate(params: Params, *, eligible: int, seed: int | None = None) -> None:
    """Raise ``SampleError`` with a Chinese message per wrong parameter."""
    errors: dict[str, str] = {}
    k, n = params.villages, params.per_village
    if k < 1:
        errors["villages"] = f"抽查村数应至少为 1（现为 {k}）。"
    elif eligible == 0:
        errors["villages"] = "目前没有任何村有“回头看”范围内的农户，无法抽样。请先导入农户档案。"
    elif k > eligible:
        errors["villages"] = (
            f"抽查村数 {k} 超过了有“回头看”范围内农户的村数（共 {eligible} 个），"
            f"请改为不超过 {eligible}。"
        )
    if n < 1:
        errors["per_village"] = f"每村抽查户数应至少为 1（现为 {n}）。"
    elif n > MAX_PER_VILLAGE:
        errors["per_village"] = f"每村抽查户数不能超过 {MAX_PER_VILLAGE}（现为 {n}）。"
    if not 0 <= params.rank_share <= 100:
        errors["rank_share"] = f"按排名选取比例应在 0 到 100 之间（现为 {params.rank_share}）。"
    if params.fail_at < 1 or (n >= 1 and params.fail_at > n):
        errors["fail_at"] = (
            f"不合格判定户数 d 应在 1 到每村抽查户数（{max(n, 1)}）之间（现为 {params.fail_at}）。"
        )
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = f"随机种子应为 0 到 {MAX_SEED} 之间的整数（现为 {seed}）。"
    if errors:
        raise SampleError(errors)


def population_digest(household_ids: Sequence[int]) -> str:
    """A fingerprint of a village's population, to tell later whether it has changed."""
    text = ",".join(str(i) for i in sorted(household_ids))
    return hashlib.sha256(text.encode()).hexdigest()


def draw(
    ranking: Sequence[RankedVillage],
    params: Params,
    *,
    seed: int,
    population: Callable[[RankedVillage], Sequence[int]],
) -> Draw:
    """The sample for ``seed``. ``ranking`` is in drawing order (see ``rank``);
    ``population(village)`` returns the ids of its in-scope households."""
    eligible = [v for v in ranking if v.population > 0]
    validate(params, eligible=len(eligible), seed=seed)
    rng = random.Random(seed)
    position = {v.village_id: i for i, v in enumerate(eligible, start=1)}
    by_rank = ranked_count(params.villages, params.rank_share)
    top = eligible[:by_rank]
    rest = sorted(eligible[by_rank:], key=lambda v: v.code)
    drawn = rng.sample(rest, params.villages - by_rank)
    chosen = [(v, RANK) for v in top] + [
        (v, RANDOM) for v in sorted(drawn, key=lambda v: position[v.village_id])
    ]
    villages: list[ChosenVillage] = []
    notes: list[str] = []
    for village, how in chosen:
        ids = sorted(population(village))
        took_all = len(ids) <= params.per_village
        picked = ids if took_all else sorted(rng.sample(ids, params.per_village))
        if took_all and len(ids) < params.per_village:
            notes.append(
                f"{village.township_name}{village.name}在“回头看”范围内只有 {len(ids)} 户，"
                f"少于每村抽查户数 {params.per_village}，已全部抽取。"
            )
        villages.append(
            ChosenVillage(
                village=village,
                rank=position[village.village_id],
                chosen_by=how,
                households=tuple(picked),
                population_digest=population_digest(ids),
                took_all=took_all,
            )
        )
    return Draw(seed=seed, params=params, villages=tuple(villages), notes=tuple(notes))


def to_snapshot(village: RankedVillage, position: int) -> dict:
    """One row of a sample's recorded ranking."""
    return {
        "rank": position,
        "village_id": village.village_id,
        "code": village.code,
        "name": village.name,
        "township_id": village.township_id,
        "township_code": village.township_code,
        "township": village.township_name,
        "population": village.population,
        "expected": village.expected,
        "reported": village.reported,
        "score": round(float(village.score), 4),
    }


def from_snapshot(row: dict) -> RankedVillage:
    return RankedVillage(
        village_id=row["village_id"],
        code=row["code"],
        name=row["name"],
        township_id=row["township_id"],
        township_code=row["township_code"],
        township_name=row["township"],
        population=row["population"],
        expected=row["expected"],
        reported=row["reported"],
    )
