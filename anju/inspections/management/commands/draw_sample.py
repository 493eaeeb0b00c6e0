"""``manage.py draw_sample --villages K --households-per-village N --seed S [--json]``.

Ranks the villages (fewest reported per expected problem first), draws K villages — a
share from the top of the ranking, the rest at random — and N in-scope households in
each, and records the sample (seed, parameters, ranking snapshot) like the planning page
does. Without ``--seed`` a seed is generated, printed and recorded. A village with fewer
than N in-scope households is taken whole, with a note. Bad parameters write nothing and
exit 1 with a Chinese message. ``--dry-run`` prints the sample without recording it.
Households drawn in a batch of the same round still 核查中 are left out unless
``--include-open``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from anju.audit.context import SYSTEM, acting_as
from anju.campaigns.models import Campaign
from anju.inspections import sampling, services
from anju.inspections.models import ChosenBy
from anju.registry.models import Household


class Command(BaseCommand):
    help = "抽取市局抽查样本（可复现：同一种子、参数和数据得到同一样本）。"

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, required=True, help="抽查村数 K")
        parser.add_argument(
            "--households-per-village", type=int, required=True, help="每村抽查户数 N"
        )
        parser.add_argument("--seed", type=int, default=None, help="随机种子（不填则自动生成）")
        parser.add_argument(
            "--rank-share",
            type=int,
            default=sampling.DEFAULT_RANK_SHARE,
            help="按排名选取的比例，百分数（默认 70）",
        )
        parser.add_argument(
            "--fail-at",
            type=int,
            default=None,
            help="不合格判定户数 d（默认 2；每村只抽 1 户时为 1）",
        )
        parser.add_argument(
            "--include-open",
            action="store_true",
            help="允许重复抽取同一轮次核查中批次已抽取的农户（默认排除）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--dry-run", action="store_true", help="只输出，不记录样本")

    def handle(self, *args, **opts):
        params = sampling.Params(
            villages=opts["villages"],
            per_village=opts["households_per_village"],
            rank_share=opts["rank_share"],
            fail_at=opts["fail_at"]
            if opts["fail_at"] is not None
            else max(1, min(sampling.DEFAULT_FAIL_AT, opts["households_per_village"])),
        )
        campaign = Campaign.objects.current()
        try:
            with acting_as(SYSTEM):
                outcome = services.draw_sample(
                    actor=None,
                    campaign=campaign,
                    params=params,
                    seed=opts["seed"],
                    dry_run=opts["dry_run"],
                    include_open=opts["include_open"],
                )
        except sampling.SampleError as exc:
            raise CommandError("\n".join(exc.errors.values())) from None
        if opts["json"]:
            self.stdout.write(json.dumps(as_json(outcome), ensure_ascii=False, indent=2))
        else:
            self.print_text(outcome)

    def print_text(self, outcome: services.DrawOutcome):
        draw = outcome.draw
        if outcome.seed_generated:
            self.stdout.write(f"未指定随机种子，已生成种子 {draw.seed}（已记录，可用它重新抽取）。")
        sample = outcome.sample
        title = str(sample) if sample else "抽查样本（预览，未记录）"
        self.stdout.write(
            f"{title}：种子 {draw.seed}，抽查 {len(draw.villages)} 个村、"
            f"每村 {draw.params.per_village} 户，按排名选取 {draw.params.rank_share}%，"
            f"不合格判定 d = {draw.params.fail_at}"
        )
        self.stdout.write(sampling.FORMULA)
        households = _households(draw)
        for chosen in draw.villages:
            v = chosen.village
            self.stdout.write(
                f"  第 {chosen.rank} 名  {v.township_name}{v.name}（{v.code}）"
                f"  得分 {float(v.score):.4f}  应发现 {v.expected} 户 / 台账已列 {v.reported}"
                f"  [{ChosenBy(chosen.chosen_by).label}]"
            )
            for hid in chosen.households:
                self.stdout.write(f"      {households[hid].id_number_masked}")
        for note in draw.notes:
            self.stdout.write(f"注意：{note}")


def _households(draw: sampling.Draw) -> dict[int, Household]:
    return {h.pk: h for h in Household.objects.filter(pk__in=draw.household_ids)}


def as_json(outcome: services.DrawOutcome) -> dict:
    draw = outcome.draw
    households = _households(draw)
    return {
        "sample": outcome.sample.number if outcome.sample else None,
        "recorded": outcome.sample is not None,
        "seed": draw.seed,
        "seed_generated": outcome.seed_generated,
        "parameters": {
            "villages": draw.params.villages,
            "households_per_village": draw.params.per_village,
            "rank_share": draw.params.rank_share,
            "fail_at": draw.params.fail_at,
        },
        "formula": "score = (reported + 1) / (expected + 1), lowest first",
        "villages": [
            {
                "code": c.village.code,
                "name": c.village.name,
                "township_code": c.village.township_code,
                "township": c.village.township_name,
                "rank": c.rank,
                "score": round(float(c.village.score), 4),
                "chosen_by": c.chosen_by,
                "expected": c.village.expected,
                "reported": c.village.reported,
                "population": c.village.population,
                "households": len(c.households),
            }
            for c in draw.villages
        ],
        "households": [
            {
                "id": hid,
                "id_number_masked": households[hid].id_number_masked,
                "village_code": c.village.code,
                "village": c.village.name,
                "township_code": c.village.township_code,
                "township": c.village.township_name,
            }
            for c in draw.villages
            for hid in c.households
        ],
        "notes": list(draw.notes),
    }
