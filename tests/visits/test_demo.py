"""The demo step: paper visits keyed by the demo township officers, once, reproducibly."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from anju.accounts.roles import Role
from anju.visits import coverage, demo
from anju.visits.models import Visit
from tests.conftest import make_user
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_the_demo_keys_in_paper_visits_once(township_a, village_a, campaign):
    make_user("huolong_jb", Role.TOWNSHIP_OFFICER, township_a)
    households = [make_household(village_a, grade="C", plaque_posted=True) for _ in range(6)]
    said = []
    ctx = SimpleNamespace(seed=2022, say=said.append)
    demo.build(ctx)
    assert Visit.objects.count() == 4  # two thirds of six
    assert set(Visit.objects.values_list("mode", flat=True)) == {"paper"}
    assert coverage.coverage(township_a, campaign)["visited"] == 4
    demo.build(ctx)
    assert Visit.objects.count() == 4 and "跳过" in said[-1]
    clean = demo.answers_for(households[0])
    assert clean["plaque"]["answer"] == "是" and clean["moved_in"]["answer"] == "不适用"


def test_the_weekly_submission_carries_the_coverage(township_a, household, campaign):
    from anju.reporting import ledger

    figure = ledger.figures(township_a, campaign)["visits"]
    assert (figure["in_scope"], figure["visited"]) == (1, 0)
