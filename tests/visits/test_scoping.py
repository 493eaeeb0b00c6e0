"""Scope: a village worker sees and visits only their own village's in-scope households; a
worker of another village and the officer of another township get 404 (and an audit
record) on every URL of a visit — the form, photos, review pages, coverage, explain."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.visits.models import Correction, Visit, VisitPhoto, VisitProblem
from tests.factories import make_household
from tests.visits.conftest import jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(worker_a, household, post_visit):
    """A visit with a photo, a correction and a problem in village A."""
    post_visit(
        worker_a,
        household,
        answers={"moved_in": "否"},
        files={"photo_front": upload(jpeg())},
    )
    return Visit.objects.get()


def object_urls(visit) -> list[str]:
    household = visit.household
    photo = VisitPhoto.objects.get(visit=visit)
    return [
        reverse("visits:visit_form", args=[household.pk]),
        reverse("visits:print_household", args=[household.pk]),
        reverse("visits:visit_detail", args=[visit.pk]),
        reverse("visits:photo_file", args=[visit.pk, photo.pk]),
        reverse("visits:photo_file", args=[visit.pk, photo.pk]) + "?size=thumb",
        reverse("visits:correction", args=[Correction.objects.get().pk]),
        reverse("visits:problem", args=[VisitProblem.objects.get().pk]),
        f"{reverse('visits:coverage')}?township={household.township_id}",
    ]


def test_a_worker_of_another_village_gets_404_everywhere(visited, worker_a2, as_user):
    client = as_user(worker_a2)
    for url in object_urls(visited):
        if "/corrections/" in url or "/problems/" in url or "coverage" in url:
            assert client.get(url).status_code == 403, url  # not their kind of page at all
        else:
            assert client.get(url).status_code == 404, url
    response = client.post(reverse("visits:visit_form", args=[visited.household_id]), {})
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(event=Event.PERMISSION_DENIED, username=worker_a2.username)
    assert denied.filter(object_type="registry.household").exists()
    assert denied.filter(object_type="visits.visit").exists()


def test_the_officer_of_another_township_gets_404_everywhere(visited, officer_b, as_user):
    client = as_user(officer_b)
    for url in object_urls(visited):
        assert client.get(url).status_code == 404, url
    household = visited.household
    posts = [
        (reverse("visits:correction", args=[Correction.objects.get().pk]), {"action": "accept"}),
        (reverse("visits:problem", args=[VisitProblem.objects.get().pk]), {"action": "discard"}),
        (reverse("visits:check_flags", args=[visited.pk]), {"note": "看过"}),
        (reverse("visits:explain", args=[household.pk]), {}),
        (reverse("visits:visit_form", args=[household.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert Correction.objects.get().status == "pending"
    assert VisitProblem.objects.get().status == "open"
    assert AuditEvent.objects.filter(
        event=Event.PERMISSION_DENIED, username=officer_b.username, object_type="units.unit"
    ).exists()
    # the lists are scoped: nothing of township A shows
    for url in (reverse("visits:review"), reverse("visits:worklist"), reverse("visits:coverage")):
        body = client.get(url).content.decode()
        assert household.head_name not in body, url


def test_the_worker_list_has_only_their_village_in_scope_households_unvisited_first(
    worker_a, household, village_a, village_a2, post_visit, as_user
):
    waiting = make_household(village_a, head_name="赵六")
    make_household(village_a, head_name="钱七", is_alleviated=False, enjoys_policy=False)
    make_household(village_a2, head_name="孙八")
    post_visit(worker_a, household)
    body = as_user(worker_a).get(reverse("visits:worklist")).content.decode()
    assert "钱七" not in body and "孙八" not in body
    assert body.index("赵六") < body.index("王五")  # what is left to do comes first
    assert reverse("visits:visit_form", args=[waiting.pk]) in body


def test_roles_outside_visits_are_refused(visited, inspector, security_admin, as_user):
    for user in (inspector, security_admin):
        client = as_user(user)
        assert client.get(reverse("visits:visit_detail", args=[visited.pk])).status_code == 403
        assert client.get(reverse("visits:coverage")).status_code == 403


def test_only_the_township_officer_decides(visited, head_a, city_reviewer, worker_a, as_user):
    correction = Correction.objects.get()
    url = reverse("visits:correction", args=[correction.pk])
    for user in (head_a, city_reviewer):
        client = as_user(user)
        assert client.get(url).status_code == 200
        client.post(url, {"action": "accept"})
    assert as_user(worker_a).post(url, {"action": "accept"}).status_code == 403
    correction.refresh_from_db()
    assert correction.status == "pending"
