"""Before the first round is published (a fresh install importing its registry), a change to
households re-screens nothing and fails nothing: findings belong to a round, and the round's
first run screens every household (found by #20's bench: the import's re-screen raised an
IntegrityError for the run's missing round)."""

from __future__ import annotations

import pytest

from anju.campaigns.models import Campaign
from anju.registry.signals import households_changed
from anju.screening.models import Finding, Run
from anju.screening.receivers import SYNC_LIMIT, TASK_LIMIT
from tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "many", [1, SYNC_LIMIT + 1, TASK_LIMIT + 1], ids=["one", "task", "townships"]
)
def test_a_change_without_a_round_screens_nothing(village_a, many):
    Campaign.objects.all().delete()
    household = make_household(village_a, grade="D")  # D and never renovated: A2-01 would fire
    ids = [household.pk] + list(range(10**9, 10**9 + many - 1))  # the rest: ids no longer there
    households_changed.send(sender=None, household_ids=ids)
    assert Run.objects.count() == 0 and Finding.objects.count() == 0


def test_with_a_round_the_same_change_is_screened(village_a):
    assert Campaign.objects.current() is not None  # the demo round of the test database
    household = make_household(village_a, grade="D")
    households_changed.send(sender=None, household_ids=[household.pk])
    assert Run.objects.filter(kind=Run.Kind.HOUSEHOLDS).count() == 1
    assert Finding.objects.filter(household=household).exists()


def test_a_run_without_a_round_is_refused_not_a_server_error(county, as_user, city_admin):
    # A run belongs to a round: create_run used to reach the database with none (an
    # IntegrityError, a 500 page for the run form); it now refuses with the reason (403).
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from anju.screening import services

    Campaign.objects.all().delete()
    with pytest.raises(PermissionDenied, match="没有进行中"):
        services.create_run(unit=county)
    response = as_user(city_admin).post(
        reverse("screening:runs"), {"unit": county.code, "as_of": "2020-01-01"}
    )
    assert response.status_code == 403
    assert Run.objects.count() == 0
