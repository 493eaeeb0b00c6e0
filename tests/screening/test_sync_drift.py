"""A re-run refreshes exactly the firing findings that drifted from their hit (#20): each
column the sync compares — facts (which also writes a ``changed`` history line), message,
township, village, and the round (a finding of another round, or of none, moves into the
run's) — is put back from the hit and marks the finding as updated by the run; a finding
that did not drift is not written at all (its ``updated_at`` and ``last_run_id`` stay), on
every database, whether a county run or a save's re-screen does it."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.models import Campaign, Status, round_today
from anju.screening import services, sync
from anju.screening.models import Finding, FindingEvent
from tests.factories import make_household
from tests.screening.helpers import AS_OF

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
DRIFTS = ("facts", "message", "township", "village", "no_round", "past_round")


@pytest.fixture
def past_round(county):
    today = round_today()
    return Campaign.objects.create(
        name="测试县2030年度“回头看”",
        document_number="测建〔2030〕2号",
        county=county,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=340),
        status=Status.CLOSED,
        is_active=False,
    )


def kinds(finding: Finding) -> list[str]:
    return list(finding.events.order_by("id").values_list("kind", flat=True))


@pytest.mark.parametrize("update_from", [True, False], ids=["join", "subqueries"])
@pytest.mark.parametrize("second", ["county", "save"])
def test_only_drifted_findings_are_refreshed_and_only_facts_write_history(
    second, update_from, county, village_a, village_a2, township_b, past_round, monkeypatch
):
    if not update_from:  # as on SQLite before 3.33 (the statement runs on every database)
        monkeypatch.setattr(sync, "update_from", lambda: False)
    households = {name: make_household(village_a) for name in (*DRIFTS, "same")}
    first = services.execute_run(services.create_run(unit=county, as_of=AS_OF).pk)
    a101 = {
        name: Finding.objects.get(household=h, rule_code="A1-01") for name, h in households.items()
    }
    reference = a101["same"]
    assert reference.campaign_id == first.campaign_id
    Finding.objects.update(updated_at=LONG_AGO)  # any write by the second run shows
    drifted = {
        "facts": {"facts": {"no_house": "改过的值"}},
        "message": {"message": "旧的问题表述"},
        "township": {"township_id": township_b.pk},
        "village": {"village_id": village_a2.pk},
        "no_round": {"campaign_id": None},
        "past_round": {"campaign_id": past_round.pk},
    }
    for name, change in drifted.items():
        Finding.objects.filter(pk=a101[name].pk).update(**change)

    if second == "county":
        run = services.execute_run(services.create_run(unit=county, as_of=AS_OF).pk)
    else:
        ids = [h.pk for h in households.values()]
        run = services.screen_households(ids, as_of=AS_OF)

    assert (run.opened, run.reopened, run.resolved, run.changed) == (0, 0, 0, 1)
    for name in DRIFTS:
        f = Finding.objects.get(pk=a101[name].pk)
        got = (f.message, f.facts, f.township_id, f.village_id, f.campaign_id, f.status)
        assert got == (
            reference.message,
            reference.facts,
            village_a.parent_id,
            village_a.pk,
            run.campaign_id,
            reference.status,
        ), name
        assert (f.last_run_id, f.updated_at > LONG_AGO) == (run.pk, True), name
        assert kinds(f) == (["opened", "changed"] if name == "facts" else ["opened"]), name
    changed = FindingEvent.objects.get(kind=FindingEvent.Kind.CHANGED)
    refreshed = Finding.objects.get(pk=a101["facts"].pk)
    assert (changed.finding_id, changed.run_id, changed.message, changed.reason) == (
        refreshed.pk,
        run.pk,
        reference.message,
        "",
    )
    assert changed.at == refreshed.updated_at
    # stored as the ORM stores a time (SQLite compares the text)
    assert FindingEvent.objects.filter(pk=changed.pk, at=refreshed.updated_at).exists()
    assert Finding.objects.filter(updated_at=refreshed.updated_at).count() == len(DRIFTS)
    # nothing else was written: not the undrifted A1-01 finding, not any other finding
    untouched = Finding.objects.exclude(pk__in=[a101[name].pk for name in DRIFTS])
    assert untouched.filter(pk=reference.pk).exists()
    assert list(untouched.exclude(updated_at=LONG_AGO).values_list("id", flat=True)) == []
    assert set(untouched.values_list("last_run_id", flat=True)) == {first.pk}
    assert FindingEvent.objects.exclude(kind=FindingEvent.Kind.OPENED).count() == 1
