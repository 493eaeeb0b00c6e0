"""From a visit to the record: answers that contradict the registry become corrections the
township officer accepts (registry changed, audited, re-screened) or rejects; answers that
are problems become draft ledger entries the officer puts on the ledger or leaves off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.rectification.models import LedgerEntry, Nature, Source, State
from anju.registry.models import Household
from anju.registry.signals import households_changed
from anju.visits import coverage
from anju.visits.models import Correction, Decision, ProblemStatus, Visit, VisitProblem
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_a_clean_visit_marks_the_household_visited_and_finds_nothing(
    worker_a, household, campaign, post_visit
):
    before = coverage.coverage(household.township, campaign)
    response = post_visit(worker_a, household)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_detail", args=[visit.pk])
    assert visit.visitor == worker_a and visit.visitor_name == "吴村干"
    assert visit.visitor_role == "村干部" and visit.campaign == campaign
    assert visit.recorded_at is not None
    assert visit.distance_m is not None and visit.distance_m < 50 and not visit.flagged
    assert not Correction.objects.exists() and not VisitProblem.objects.exists()
    after = coverage.coverage(household.township, campaign)
    assert (before["visited"], after["visited"]) == (0, 1)
    assert after["villages"][0]["visits"] == 1
    assert not coverage.unvisited_unexplained(household.township, campaign).exists()
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="visits.visit").exists()


def test_plaque_posted_contradicting_the_registry_becomes_a_correction(
    worker_a, village_a, campaign, post_visit
):
    household = make_household(
        village_a, grade="C", plaque_posted=False, latitude=34.1403, longitude=113.4716
    )
    post_visit(worker_a, household, answers={"plaque": "是", "plaque_grade": "是"})
    correction = Correction.objects.get()
    assert correction.status == Decision.PENDING
    assert (correction.field, correction.label) == ("plaque_posted", "是否挂牌")
    assert (correction.registry_display, correction.proposed_display) == ("否", "是")
    household.refresh_from_db()
    assert household.plaque_posted is False  # never silently


def test_accepting_a_correction_changes_the_registry_audited_and_rescreened(
    worker_a, officer_a, household, post_visit, as_user, django_capture_on_commit_callbacks
):
    post_visit(worker_a, household, answers={"moved_in": "否", "old_demolished": "否"})
    corrections = {c.field: c for c in Correction.objects.all()}
    assert set(corrections) == {"moved_in", "old_demolished"}
    heard = []

    def listener(sender, household_ids=(), **kwargs):
        heard.append(list(household_ids))

    households_changed.connect(listener, dispatch_uid="test.visits")
    try:
        url = reverse("visits:correction", args=[corrections["moved_in"].pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(officer_a).post(url, {"action": "accept"})
    finally:
        households_changed.disconnect(dispatch_uid="test.visits")
    assert response.status_code == 302
    household.renovation.refresh_from_db()
    assert household.renovation.moved_in is False
    assert household.renovation.old_demolished is True  # the other one is still pending
    accepted = Correction.objects.get(pk=corrections["moved_in"].pk)
    assert accepted.status == Decision.ACCEPTED and accepted.decided_by == officer_a
    change = AuditEvent.objects.filter(
        event=Event.UPDATE,
        object_type="registry.renovation",
        object_id=str(household.renovation.pk),
    ).latest("id")
    assert change.detail["changes"]["moved_in"] == [True, False]
    assert change.username == officer_a.username
    assert AuditEvent.objects.filter(event=Event.ACCEPT, object_type="visits.correction").exists()
    assert heard == [[household.pk]]


def test_rejecting_a_correction_needs_a_reason_and_leaves_the_registry(
    worker_a, officer_a, household, post_visit, as_user
):
    post_visit(worker_a, household, answers={"toilet": "否"})
    correction = Correction.objects.get(field="has_toilet")
    client = as_user(officer_a)
    url = reverse("visits:correction", args=[correction.pk])
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 200
    assert "请填写不采纳的理由。" in response.content.decode()
    response = client.post(url, {"action": "reject", "reason": "档案有验收表为据，厕所已改造"})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == Decision.REJECTED and correction.reason.startswith("档案有验收表")
    household.renovation.refresh_from_db()
    assert household.renovation.has_toilet is True


def test_a_correction_whose_registry_value_changed_meanwhile_is_not_applied(
    worker_a, officer_a, village_a, post_visit
):
    from anju.visits import services

    household = make_household(village_a, grade="C", plaque_posted=None)
    post_visit(worker_a, household, answers={"plaque": "否", "plaque_grade": "不适用"})
    correction = Correction.objects.get(field="plaque_posted")
    Household.objects.filter(pk=household.pk).update(plaque_posted=True)  # someone edited it
    with pytest.raises(services.DecisionError, match="已被改为“是”"):
        services.accept_correction(user=officer_a, correction=correction)
    correction.refresh_from_db()
    assert correction.status == Decision.PENDING


def test_a_problem_answer_becomes_a_draft_ledger_entry(worker_a, household, campaign, post_visit):
    post_visit(
        worker_a,
        household,
        answers={"new_damage": "是"},
        n_new_damage="东屋后墙新裂缝约2米",
    )
    problem = VisitProblem.objects.get()
    entry = problem.entry
    assert entry.state == State.DRAFT
    assert entry.source == Source.VISIT and entry.nature == Nature.INDIVIDUAL
    assert entry.aspect == "2" and entry.campaign == campaign
    assert entry.village == household.village and entry.township == household.township
    assert list(entry.households.all()) == [household]
    assert "王五户" in entry.description and "东屋后墙新裂缝约2米" in entry.description
    assert "入户排查发现" in entry.description
    assert not LedgerEntry.objects.in_ledger().exists()  # a draft is not on the ledger yet


def test_the_officer_puts_the_problem_on_the_ledger(
    worker_a, officer_a, household, post_visit, as_user, today, campaign
):
    post_visit(worker_a, household, answers={"livestock": "否"})
    problem = VisitProblem.objects.get()
    client = as_user(officer_a)
    url = reverse("visits:problem", args=[problem.pk])
    outside = campaign.ends_on + dt.timedelta(days=3)
    empty = {"action": "accept", "description": problem.entry.description, "measures": ""}
    body = client.post(url, {**empty, "deadline": ""}).content.decode()
    assert "请填写整改措施：写明做什么、对谁、何时完成。" in body
    assert "请填写完成时限。" in body
    late = {**empty, "measures": "由村两委为该户搭建圈舍", "deadline": outside.isoformat()}
    response = client.post(url, late)
    assert response.status_code == 200
    assert "不在本轮“回头看”期间" in response.content.decode()
    problem.entry.refresh_from_db()
    assert problem.entry.state == State.DRAFT
    deadline = today + dt.timedelta(days=10)
    response = client.post(
        url,
        {
            "action": "accept",
            "description": problem.entry.description,
            "measures": f"由村两委于{deadline:%m月%d日}前为该户搭建牲畜圈舍，实现人畜分离",
            "deadline": deadline.isoformat(),
            "leader": "周镇长",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.state == State.PENDING and entry.deadline == deadline
    assert entry.responsible_leader == "周镇长"
    assert entry.transitions.get().name == "accept"
    assert entry.transitions.get().actor == officer_a


def test_the_officer_leaves_a_problem_off_the_ledger_with_a_reason(
    worker_a, officer_a, household, post_visit, as_user
):
    post_visit(worker_a, household, answers={"borrowed": "是"})
    problem = VisitProblem.objects.get()
    entry_pk = problem.entry_id
    client = as_user(officer_a)
    url = reverse("visits:problem", args=[problem.pk])
    assert "请填写不纳入台账的理由。" in client.post(url, {"action": "discard"}).content.decode()
    response = client.post(url, {"action": "discard", "reason": "借款已还清，经核实无负担"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DISCARDED and problem.entry is None
    assert not LedgerEntry.objects.filter(pk=entry_pk).exists()
    assert AuditEvent.objects.filter(
        event=Event.DELETE, object_type="rectification.ledgerentry", object_id=str(entry_pk)
    ).exists()


def test_the_same_problem_seen_by_two_visitors_is_one_ledger_entry(
    worker_a, officer_a, household, post_visit
):
    post_visit(worker_a, household, answers={"old_demolished": "否"})
    post_visit(
        officer_a, household, answers={"old_demolished": "否"}, visitor_name="孙经办",
        mode="paper", visitor_role="驻村工作队",
    )  # fmt: skip
    assert Visit.objects.count() == 2
    assert VisitProblem.objects.count() == 2
    assert LedgerEntry.objects.count() == 1


def test_a_house_without_coordinates_gets_the_visit_position_offered(
    worker_a, village_a, post_visit
):
    household = make_household(village_a, grade="B", plaque_posted=True, plaque_grade="B")
    post_visit(
        worker_a,
        household,
        answers={"method_fits": "不适用", "subsidy_full": "不适用", "borrowed": "不适用",
                 "moved_in": "不适用", "old_demolished": "不适用", "toilet": "不适用",
                 "livestock": "不适用"},
    )  # fmt: skip
    correction = Correction.objects.get()
    assert correction.field == "location" and correction.proposed_value == "34.140500,113.471800"
