"""One spot-check for the demo county: a sample drawn with seed 2022 and the first village
visited in full — a missed problem, a fake fix where the ledger has a closed entry — so the
sample page shows verdicts. Skipped when a sample exists or screening found nothing."""

from __future__ import annotations

from django.utils import timezone

from anju.accounts.models import User
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from anju.inspections import ranking, sampling, services
from anju.inspections.models import Sample
from anju.rectification.models import State
from anju.screening.choices import Aspect
from anju.screening.models import Finding

SEED = 2022
REVIEWER = "shi_shenhe"
INSPECTOR = "shi_choucha"


def build(ctx) -> None:
    if Sample.objects.exists():
        ctx.say("演示抽查：已有抽查样本，跳过")
        return
    if not Finding.objects.firing().exists():
        ctx.say("演示抽查：尚无筛查问题，跳过")
        return
    reviewer = User.objects.filter(username=REVIEWER).first()
    inspector = User.objects.filter(username=INSPECTOR).first()
    if reviewer is None or inspector is None:
        ctx.say("演示抽查：缺少演示账号，跳过")
        return
    campaign = Campaign.objects.current()
    if campaign is None:
        ctx.say("演示抽查：没有进行中的轮次，跳过")
        return
    eligible = len(ranking.compute(campaign).villages)
    if eligible == 0:
        ctx.say("演示抽查：没有范围内农户，跳过")
        return
    params = sampling.Params(villages=min(5, eligible), per_village=5, fail_at=2)
    with acting_as(reviewer):
        outcome = services.draw_sample(
            actor=reviewer, campaign=campaign, params=params, seed=SEED, label="演示数据"
        )
        sample = outcome.sample
        assert sample is not None  # not a dry run: the sample is saved
        services.assign(
            actor=reviewer,
            sample=sample,
            assignments={sv.pk: inspector for sv in sample.villages.all()},
        )
    target = _village_to_visit(sample, campaign)
    with acting_as(inspector):
        missed = fake = 0
        for sh in target.households.select_related("household", "sample", "sample_village"):
            problems = _problems(sh, campaign, want_fake=fake == 0, want_missed=missed < 2)
            for p in problems:
                if p.ledger_entry_id is None:
                    missed += 1
                elif p.description.startswith("台账称已整改销号"):
                    fake += 1
            services.record_visit(
                actor=inspector,
                sample_household=sh,
                visited_on=timezone.localdate(),
                found_nothing=not problems,
                note="演示：入户查看房屋、核对一户一档和补助发放凭证。",
                problems=problems,
            )
    ctx.say(
        f"演示抽查：{sample}（种子 {SEED}）{len(outcome.draw.villages)} 个村、"
        f"{len(outcome.draw.household_ids)} 户；{target.village.name}已核查完毕"
        f"（漏报 {missed} 个、虚假整改 {fake} 个）"
    )


def _village_to_visit(sample, campaign):
    """The first sampled village where the ledger has a closed entry for a sampled household
    (so the demo can show a fake fix), else the first village."""
    villages = list(sample.villages.order_by("position"))
    for sv in villages:
        for sh in sv.households.select_related("household"):
            entries = services.household_entries(sh.household, campaign=campaign)
            if entries.filter(state=State.CLOSED).exists():
                return sv
    return villages[0]


def _problems(sh, campaign, *, want_fake: bool, want_missed: bool) -> list[services.ProblemInput]:
    entries = list(services.household_entries(sh.household, campaign=campaign))
    closed = [e for e in entries if e.state == State.CLOSED]
    if want_fake and closed:
        entry = closed[0]
        return [
            services.ProblemInput(
                aspect=entry.aspect if entry.aspect in Aspect.values else Aspect.SAFETY,
                description=f"台账称已整改销号，现场查看问题仍在：{entry.description[:60]}",
                ledger_entry_id=entry.pk,
            )
        ]
    finding = Finding.objects.firing().filter(household=sh.household).first()
    if want_missed and finding and not entries:
        return [
            services.ProblemInput(
                aspect=finding.aspect,
                description=f"现场核实属实，乡镇台账未列：{finding.message[:80]}",
            )
        ]
    opened = [e for e in entries if e.state != State.CLOSED]
    if opened:
        return [
            services.ProblemInput(
                aspect=opened[0].aspect if opened[0].aspect in Aspect.values else Aspect.SAFETY,
                description=f"与台账一致，正在整改：{opened[0].description[:60]}",
                ledger_entry_id=opened[0].pk,
            )
        ]
    return []
