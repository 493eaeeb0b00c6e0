"""The LQAS rule and the verdicts computed from visits."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.inspections import services, verdicts
from anju.inspections.services import ProblemInput
from tests.inspections.conftest import close, entry

FAIL, PASS, PENDING = verdicts.FAIL, verdicts.PASS, verdicts.PENDING


@pytest.mark.parametrize(
    ("inspected", "planned", "defective", "expected"),
    [
        (10, 10, 1, PASS),  # d − 1 defective households: pass
        (10, 10, 2, FAIL),  # d: fail
        (10, 10, 0, PASS),
        (4, 10, 2, FAIL),  # fails as soon as d are found
        (9, 10, 1, PENDING),  # cannot pass before all n are inspected
    ],
)
def test_lqas_at_its_boundary(inspected, planned, defective, expected):
    assert (
        verdicts.lqas(inspected=inspected, planned=planned, defective=defective, fail_at=2)
        == expected
    )


def test_operating_characteristic_of_n10_d2():
    assert verdicts.fail_probability(10, 2, 0.05) == pytest.approx(0.0861, abs=1e-4)
    assert 1 - verdicts.fail_probability(10, 2, 0.30) == pytest.approx(0.1493, abs=1e-4)
    text = verdicts.explanation(10, 2)
    assert "每个抽查村随机抽取 10 户" in text["text"] and "达到 2 户及以上" in text["text"]
    assert "约 9%" in text["risk"] and "约 15%" in text["risk"]


def visit(sh, inspector, *problems, nothing=False):
    return services.record_visit(
        actor=inspector,
        sample_household=sh,
        visited_on=dt.date.today(),
        found_nothing=nothing,
        note="",
        problems=list(problems),
    )


@pytest.mark.django_db
def test_village_and_township_verdicts_from_visits(
    drawn, inspector, officer_a, campaign, village_a
):
    sv = drawn.villages.get(village=village_a)
    h1, h2, h3 = list(sv.households.select_related("household", "sample", "sample_village"))
    closed = close(entry(campaign, officer_a, [h2.household]))
    opened = entry(campaign, officer_a, [h3.household])
    visit(h1, inspector, ProblemInput("1", "C级危房未挂牌"))  # missed
    result = {r.sample_village.pk: r for r in verdicts.village_results(drawn)}[sv.pk]
    assert (result.inspected, result.defective, result.verdict) == (1, 1, PENDING)
    visit(h3, inspector, ProblemInput("5", "竣工验收表缺失", opened.pk))  # on the ledger
    result = {r.sample_village.pk: r for r in verdicts.village_results(drawn)}[sv.pk]
    assert (result.inspected, result.defective, result.reported, result.verdict) == (
        2,
        1,
        1,
        PENDING,
    )
    visit(h2, inspector, ProblemInput("1", "仍未挂牌", closed.pk))  # fake fix
    results = verdicts.village_results(drawn)
    result = {r.sample_village.pk: r for r in results}[sv.pk]
    assert (result.missed, result.fake, result.defective, result.verdict) == (1, 1, 2, FAIL)
    townships = {t.name: t for t in verdicts.township_results(results)}
    assert townships["火龙镇"].verdict == FAIL
    assert townships["顺店镇"].verdict == PENDING
    summary = verdicts.summary(results)
    assert (summary["failed"], summary["pending"], summary["inspected"]) == (1, 2, 3)


@pytest.mark.django_db
def test_one_defect_below_d_passes_when_all_are_inspected(drawn, inspector, village_a2):
    sv = drawn.villages.get(village=village_a2)
    first, *rest = list(sv.households.select_related("household", "sample", "sample_village"))
    visit(first, inspector, ProblemInput("4", "补助未足额发放"))
    for sh in rest:
        visit(sh, inspector, nothing=True)
    result = {r.sample_village.pk: r for r in verdicts.village_results(drawn)}[sv.pk]
    assert (result.inspected, result.defective, result.verdict) == (3, 1, PASS)
