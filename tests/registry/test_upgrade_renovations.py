"""Upgrading a database made before ADR 0009 (migrations 0007–0010): 自筹资金, 是否举债 and
其他住房补助 move to the household; renovation records without a method and without any
fact are removed (audited) and the households re-screened — A5-06 resolves, A2-01 opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.registry.models import Household, Renovation
from anju.screening.models import FIRING, Finding
from tests.factories import fake_id

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BEFORE = ("registry", "0006_household_scope_counts_index")


def old_apps():
    call_command("migrate", *BEFORE, verbosity=0)
    # The models as the database now is: every migration still applied. (Other apps' leaf
    # nodes would not do: a later app's migration that depends on a newer registry — as
    # monitoring's does — was unapplied with it, and its state would bring the new columns.)
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied).apps


def test_an_old_database_is_upgraded(village_a):
    apps = old_apps()
    OldHousehold = apps.get_model("registry", "Household")
    OldRenovation = apps.get_model("registry", "Renovation")
    OldAssessment = apps.get_model("registry", "Assessment")

    def household(grade, **renovation):
        h = OldHousehold.objects.create(
            township_id=village_a.parent_id,
            village_id=village_a.pk,
            head_name="张三",
            id_number_hash=fake_id(),
            id_number_masked="411081********0000",
            size=2,
            is_alleviated=True,
            enjoys_policy=True,
        )
        h.assessment = OldAssessment.objects.create(
            household=h,
            grade=grade,
            assessed_on=dt.date(2021, 1, 4),
            assessor="鉴定站",
            result_issued=True,
        )
        if renovation:
            h.renovation = OldRenovation.objects.create(household=h, **renovation)
        h.save()
        return h.pk

    empty = household("D", method="", borrowed=False, self_funds=0, moved_in=False)
    facts = household("D", method="", borrowed=False, started_on=dt.date(2021, 3, 1))
    real = household("C", method="加固维修", borrowed=True, self_funds=5000, other_subsidy="")
    none = household("A")
    # what screening found before: the empty record counted as a renovation
    OldFinding = apps.get_model("screening", "Finding")
    now = timezone.now()
    stale = OldFinding.objects.create(
        rule_code="A5-06",
        aspect="5",
        severity="W",
        household_id=empty,
        township_id=village_a.parent_id,
        village_id=village_a.pk,
        message="改造方式为，施工人员资质为空",
        opened_at=now,
        updated_at=now,
    )

    call_command("migrate", verbosity=0)

    h = Household.objects.get(pk=empty)
    assert h.renovation is None and (h.borrowed, h.self_funds) == (False, 0)
    h = Household.objects.get(pk=facts)
    assert h.renovation.method == "" and h.renovation.started_on == dt.date(2021, 3, 1)
    h = Household.objects.get(pk=real)
    assert h.renovation.method == "加固维修" and (h.borrowed, h.self_funds) == (True, 5000)
    assert Household.objects.get(pk=none).borrowed is None  # unknown stays unknown
    assert Renovation.objects.count() == 2
    deleted = AuditEvent.objects.get(event="delete", object_type="registry.renovation")
    assert "不算危房改造" in deleted.detail["reason"]
    assert AuditEvent.objects.filter(
        event="update", object_type="registry.household", object_id=str(empty)
    ).exists()

    # re-screened as the rules now say: no method is no renovation
    rules = dict.fromkeys((empty, facts, real), ())
    for household_id in rules:
        found = Finding.objects.filter(household_id=household_id, status__in=FIRING)
        rules[household_id] = set(found.values_list("rule_code", flat=True))
    assert "A2-01" in rules[empty] and "A2-01" in rules[facts]
    assert "A5-06" not in rules[empty] | rules[facts]
    assert Finding.objects.get(pk=stale.pk).status == "resolved"
    assert rules[real] == set()  # its record had a method: nothing to re-screen
