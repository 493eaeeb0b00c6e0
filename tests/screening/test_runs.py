"""Runs keep findings in step with the registry: re-runs update rather than duplicate,
vanished problems close themselves (已消除), returning ones reopen, every change is a
history line, and a household edit re-screens that household at once."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.audit.context import acting_as
from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign
from anju.registry import services as registry
from anju.registry.signals import households_changed
from anju.screening import services
from anju.screening.models import Finding, FindingEvent, Run, Status
from tests.factories import make_household
from tests.screening.helpers import AS_OF, days_before, screen

pytestmark = pytest.mark.django_db
D = dt.date


def kinds(finding) -> list[str]:
    return list(finding.events.order_by("id").values_list("kind", flat=True))


def run_over(unit, as_of=AS_OF) -> Run:
    return services.execute_run(services.create_run(unit=unit, as_of=as_of).pk)


def test_a_rerun_changes_nothing_and_duplicates_nothing(county, village_a, village_b):
    make_household(village_a)
    make_household(village_b, grade="D", assessed_on=days_before(200))
    first = run_over(county)
    before = list(
        Finding.objects.order_by("id").values_list("id", "rule_code", "household_id", "message")
    )
    second = run_over(county)
    after = list(
        Finding.objects.order_by("id").values_list("id", "rule_code", "household_id", "message")
    )
    assert first.opened == len(before) > 0
    assert (second.opened, second.changed, second.reopened, second.resolved) == (0, 0, 0, 0)
    assert second.hits == first.hits
    assert after == before
    assert FindingEvent.objects.filter(kind="opened").count() == len(before)
    assert FindingEvent.objects.count() == len(before)


def test_a_finding_records_where_and_from_which_run(village_a):
    h = make_household(village_a)
    run = screen(h)
    f = Finding.objects.get(household=h, rule_code="A1-01")
    assert (f.township_id, f.village_id, f.status) == (
        village_a.parent_id,
        village_a.pk,
        Status.OPEN,
    )
    assert (f.aspect, f.severity) == ("1", "E")
    assert f.first_run_id == run.pk
    assert kinds(f) == ["opened"]
    assert f.events.get().run_id == run.pk


def test_changed_data_updates_the_message_and_adds_history(village_a):
    h = make_household(
        village_a, size=3, grade="D", renovation={"method": "原址重建", "area_after": 26}
    )
    screen(h)
    h.renovation.area_after = 30
    h.renovation.save()
    run = screen(h)
    f = Finding.objects.get(household=h, rule_code="A4-01")
    assert f.message == "改造后面积 30㎡，低于3人户最低标准40㎡"
    assert kinds(f) == ["opened", "changed"]
    assert run.changed == 1
    assert Finding.objects.filter(household=h, rule_code="A4-01").count() == 1


def test_only_the_reference_date_moving_updates_the_message_silently(village_a):
    h = make_household(village_a, grade="D", assessed_on=days_before(100))
    screen(h)
    screen(h, as_of=AS_OF + dt.timedelta(days=1))
    f = Finding.objects.get(household=h, rule_code="A2-01")
    assert "已 101 天" in f.message
    assert kinds(f) == ["opened"]


def test_a_fixed_problem_closes_itself_with_time_and_run(village_a):
    h = make_household(village_a)
    screen(h)
    h.no_house = True
    h.save()
    run = screen(h)
    f = Finding.objects.get(household=h, rule_code="A1-01")
    assert f.status == Status.RESOLVED
    assert f.resolved_run_id == run.pk and f.resolved_at is not None
    assert kinds(f) == ["opened", "resolved"]
    assert run.resolved >= 1


def test_a_closed_finding_that_fires_again_reopens(village_a, officer_a):
    h = make_household(village_a)
    screen(h)
    f = Finding.objects.get(household=h, rule_code="A1-01")
    services.dismiss(finding=f, user=officer_a, reason="已搬迁")
    h.no_house = True
    h.save()
    screen(h)
    h.no_house = False
    h.save()
    run = screen(h)
    f.refresh_from_db()
    assert f.status == Status.OPEN
    assert (f.resolved_at, f.decided_by, f.reason) == (None, None, "")
    assert kinds(f) == ["opened", "dismissed", "resolved", "reopened"]
    assert run.reopened == 1
    assert Finding.objects.filter(household=h, rule_code="A1-01").count() == 1


def test_confirmed_and_dismissed_findings_keep_their_status_while_firing(village_a, officer_a):
    a, b = make_household(village_a), make_household(village_a)
    screen(a, b)
    fa = Finding.objects.get(household=a, rule_code="A1-01")
    fb = Finding.objects.get(household=b, rule_code="A1-01")
    services.confirm(finding=fa, user=officer_a)
    services.dismiss(finding=fb, user=officer_a, reason="核实有误")
    screen(a, b)
    fa.refresh_from_db()
    fb.refresh_from_db()
    assert (fa.status, fb.status) == (Status.CONFIRMED, Status.DISMISSED)


def test_a_township_run_leaves_other_townships_alone(township_a, village_a, village_b):
    a = make_household(village_a)
    b = make_household(village_b)
    screen(a, b)
    a.no_house = b.no_house = True
    a.save()
    b.save()
    run = run_over(township_a)
    assert run.kind == Run.Kind.TOWNSHIP
    assert Finding.objects.get(household=a, rule_code="A1-01").status == Status.RESOLVED
    assert Finding.objects.get(household=b, rule_code="A1-01").status == Status.OPEN


def test_a_village_run_covers_only_its_village(village_a, village_a2):
    one, two = make_household(village_a), make_household(village_a2)
    run = run_over(village_a)
    assert run.kind == Run.Kind.VILLAGE
    assert Finding.objects.filter(household=one).exists()
    assert not Finding.objects.filter(household=two).exists()


def test_households_outside_the_campaign_scope_are_not_screened(county, village_a):
    inside = make_household(village_a)
    outside = make_household(village_a, is_alleviated=False, enjoys_policy=False, groups=2)
    monitored = make_household(
        village_a, is_alleviated=False, enjoys_policy=False, monitoring_type="边缘易致贫户"
    )
    run_over(county)
    screened = set(Finding.objects.values_list("household_id", flat=True))
    assert screened == {inside.pk, monitored.pk}
    campaign = Campaign.objects.current()
    campaign.scope_all_groups = True
    campaign.save()
    run_over(county)
    assert Finding.objects.filter(household=outside, status=Status.OPEN).exists()


def test_leaving_the_scope_closes_the_households_findings(village_a):
    h = make_household(village_a)
    screen(h)
    h.is_alleviated = False
    h.save()
    screen(h)
    assert Finding.objects.get(household=h, rule_code="A1-01").status == Status.RESOLVED


def test_a_switched_off_rule_neither_fires_nor_stays_open(county, village_a):
    h = make_household(village_a)
    run_over(county)
    campaign = Campaign.objects.current()
    campaign.disabled_rules = ["A1-01"]
    campaign.save()
    run = run_over(county)
    f = Finding.objects.get(household=h, rule_code="A1-01")
    assert f.status == Status.RESOLVED
    assert f.events.get(kind="resolved").reason == "规则已停用"
    assert "A1-01" not in run.rules


def test_a_run_records_parameters_counts_and_one_audit_event(county, village_a):
    make_household(village_a, grade="D", assessed_on=days_before(200))
    run = run_over(county)
    assert run.status == Run.Status.DONE and run.progress == 100
    assert run.rules["A2-01"] == {"plan_days": 90}
    assert run.households == 1 and run.hits >= 1
    assert run.started_at and run.finished_at
    events = AuditEvent.objects.filter(object_type="screening.run", object_id=str(run.pk))
    assert events.get().detail["hits"] == run.hits


def test_a_run_is_executed_once(county):
    run = services.create_run(unit=county, as_of=AS_OF)
    services.execute_run(run.pk)
    finished = Run.objects.get(pk=run.pk).finished_at
    services.execute_run(run.pk)
    assert Run.objects.get(pk=run.pk).finished_at == finished


def test_start_run_queues_the_task_which_runs_it(
    county, village_a, city_admin, django_capture_on_commit_callbacks
):
    make_household(village_a)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(unit=county, user=city_admin, as_of=AS_OF)
    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    assert run.user == city_admin
    assert Finding.objects.filter(rule_code="A1-01").exists()


# --- re-screening after an edit ------------------------------------------------------------
def test_saving_a_household_rescreens_it_at_once(
    village_a, officer_a, django_capture_on_commit_callbacks
):
    h = make_household(village_a)
    screen(h)
    with acting_as(officer_a), django_capture_on_commit_callbacks(execute=True):
        registry.add_assessment(
            user=officer_a,
            household=h,
            data={
                "grade": "B",
                "assessed_on": D(2022, 3, 1),
                "assessor": "鉴定站",
                "result_issued": True,
            },
        )
    f = Finding.objects.get(household=h, rule_code="A1-01")
    assert f.status == Status.RESOLVED
    run = Run.objects.get(pk=f.resolved_run_id)
    assert run.kind == Run.Kind.HOUSEHOLDS and run.household_ids == [h.pk]
    assert run.user == officer_a


def test_many_changed_households_are_rescreened_in_the_background(village_a):
    households = [make_household(village_a) for _ in range(60)]
    households_changed.send(sender=None, household_ids=[h.pk for h in households])
    # The test settings run tasks immediately.
    assert Finding.objects.filter(rule_code="A1-01", status=Status.OPEN).count() == 60
    run = Run.objects.get(kind=Run.Kind.HOUSEHOLDS)
    assert len(run.household_ids) == 60


def test_rescreening_a_deleted_household_is_harmless(village_a):
    h = make_household(village_a)
    screen(h)
    pk = h.pk
    h.delete()
    households_changed.send(sender=None, household_ids=[pk])
    assert not Finding.objects.filter(household_id=pk).exists()


def test_history_cannot_be_rewritten(village_a):
    from anju.audit.models import AppendOnlyError

    screen(make_household(village_a))
    with pytest.raises(AppendOnlyError):
        FindingEvent.objects.update(reason="x")
    with pytest.raises(AppendOnlyError):
        FindingEvent.objects.all().delete()
    event = FindingEvent.objects.first()
    event.reason = "x"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_audit_records_each_decision(village_a, officer_a):
    h = make_household(village_a)
    screen(h)
    f = Finding.objects.get(household=h, rule_code="A1-01")
    services.confirm(finding=f, user=officer_a)
    event = AuditEvent.objects.filter(event=Event.TRANSITION, object_id=str(f.pk)).get()
    assert event.detail["to"] == "confirmed"


def test_a_large_batch_of_changes_reruns_the_townships_concerned(
    village_a, village_b, monkeypatch, django_capture_on_commit_callbacks
):
    from anju.screening import receivers

    monkeypatch.setattr(receivers, "SYNC_LIMIT", 1)
    monkeypatch.setattr(receivers, "TASK_LIMIT", 3)
    households = [make_household(village_a) for _ in range(4)] + [make_household(village_b)]
    with django_capture_on_commit_callbacks(execute=True):
        households_changed.send(sender=None, household_ids=[h.pk for h in households])
    runs = Run.objects.filter(kind=Run.Kind.TOWNSHIP).order_by("unit__code")
    assert [r.unit.code for r in runs] == ["411081100", "411081101"]
    assert all(r.status == Run.Status.DONE for r in runs)
    assert Finding.objects.filter(rule_code="A1-01").count() == 5
