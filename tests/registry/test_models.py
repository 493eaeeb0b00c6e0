"""The registry's model: encrypted identity, scope, constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection

from anju.registry.models import Household
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db


def test_sec_15_id_number_is_encrypted_hashed_and_masked(village_a):
    raw = fake_id(42)
    household = make_household(village_a, id_number=raw.lower(), phone="13812345678")
    household.refresh_from_db()
    assert household.id_number == raw
    assert household.id_number_masked == f"{raw[:6]}********{raw[-4:]}"
    assert household.phone == "13812345678" and household.phone_masked == "138****5678"
    assert Household.objects.by_id_number(raw).get() == household
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_household")
        dump = repr(cursor.fetchall())
    assert raw not in dump and "13812345678" not in dump


def test_the_same_id_number_cannot_be_registered_twice(village_a):
    raw = fake_id(7)
    make_household(village_a, id_number=raw)
    with pytest.raises(IntegrityError):
        make_household(village_a, id_number=raw)


def test_household_size_is_constrained(village_a):
    with pytest.raises(IntegrityError):
        make_household(village_a, size=0)


def test_registry_is_scoped_by_unit(
    village_a, village_a2, village_b, officer_a, worker_a, city_reviewer, security_admin
):
    a1 = make_household(village_a)
    a2 = make_household(village_a2)
    b1 = make_household(village_b)
    assert set(Household.objects.for_user(officer_a)) == {a1, a2}
    assert set(Household.objects.for_user(worker_a)) == {a1}
    assert set(Household.objects.for_user(city_reviewer)) == {a1, a2, b1}
    assert list(Household.objects.for_user(security_admin)) == []


def test_campaign_scope(village_a):
    inside = make_household(village_a)
    monitored = make_household(
        village_a, is_alleviated=False, enjoys_policy=None, monitoring_type="边缘易致贫户"
    )
    outside = make_household(village_a, is_alleviated=True, enjoys_policy=False, groups=2)
    scoped = set(Household.objects.in_campaign_scope())
    assert scoped == {inside, monitored}
    assert outside in set(Household.objects.in_campaign_scope(all_groups=True))


def test_factory_builds_current_assessment_and_renovation(village_a):
    household = make_household(
        village_a,
        grade="D",
        assessed_on=dt.date(2022, 3, 1),
        renovation={"method": "原址重建", "accepted_on": dt.date(2022, 6, 1)},
    )
    household.refresh_from_db()
    assert household.assessment.grade == "D"
    assert household.renovation.method == "原址重建"
    assert household.renovation.state_label == "已验收"
