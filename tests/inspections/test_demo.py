"""The demo step: one sample with seed 2022 and a fully visited village; twice is once."""

from __future__ import annotations

import pytest

from anju.accounts import demo as accounts_demo
from anju.core.management.commands.demo import DemoContext
from anju.inspections import demo, verdicts
from anju.inspections.models import ProblemKind, Sample, SpotCheckProblem
from tests.inspections.conftest import close, entry, find, households

pytestmark = pytest.mark.django_db


def ctx(said: list) -> DemoContext:
    return DemoContext(households=0, seed=2022, villages_per_township=0, say=said.append)


def test_demo_draws_one_sample_with_a_missed_problem_and_a_fake_fix(
    campaign, officer_a, village_a, village_a2
):
    said: list[str] = []
    accounts_demo.build(ctx(said))
    hh = households(village_a, 5) + households(village_a2, 5)
    for h in hh:
        find(h)
    close(entry(campaign, officer_a, [hh[0]]))
    close(entry(campaign, officer_a, [hh[5]]))
    demo.build(ctx(said))
    sample = Sample.objects.get()
    assert sample.seed == 2022 and sample.drawn_by.username == "shi_shenhe"
    assert {sv.inspector.username for sv in sample.villages.all()} == {"shi_choucha"}
    kinds = set(SpotCheckProblem.objects.values_list("kind", flat=True))
    assert {ProblemKind.MISSED, ProblemKind.FAKE_FIX} <= kinds
    results = verdicts.village_results(sample)
    assert verdicts.FAIL in {r.verdict for r in results}
    assert "演示抽查：第 1 批抽查（种子 2022）" in said[-1]
    demo.build(ctx(said))
    assert Sample.objects.count() == 1 and said[-1] == "演示抽查：已有抽查样本，跳过"


def test_demo_without_findings_skips(campaign, village_a):
    said: list[str] = []
    households(village_a, 3)
    demo.build(ctx(said))
    assert not Sample.objects.exists() and said == ["演示抽查：尚无筛查问题，跳过"]
