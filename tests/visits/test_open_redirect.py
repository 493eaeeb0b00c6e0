"""The visit review sends the officer back to the page they came from — on this site only
(issue #13, major 6: ``_back()`` used to accept ``/\\evil.example``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.visits.models import Correction, Decision
from tests.test_redirects import EVIL

pytestmark = pytest.mark.django_db


def test_deciding_a_correction_never_sends_the_officer_away(
    worker_a, officer_a, household, post_visit, as_user
):
    post_visit(worker_a, household, answers={"toilet": "否"})
    correction = Correction.objects.get(field="has_toilet")
    client = as_user(officer_a)
    url = reverse("visits:correction", args=[correction.pk])
    for target in EVIL:
        Correction.objects.filter(pk=correction.pk).update(status=Decision.PENDING)
        response = client.post(url, {"action": "reject", "reason": "档案为据", "next": target})
        assert response.status_code == 302, target
        assert response["Location"] == reverse("visits:review"), target
    Correction.objects.filter(pk=correction.pk).update(status=Decision.PENDING)
    back = client.post(url, {"action": "reject", "reason": "档案为据", "next": "/visits/?page=2"})
    assert back["Location"] == "/visits/?page=2"
