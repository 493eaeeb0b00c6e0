"""A visit saved from a second phone meanwhile: the first phone's form (opened on the
visit as it was, kept as its draft) is refused with 409 and the version to save over it."""

from __future__ import annotations

import pytest

from anju.visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_phone_with_a_stale_form_gets_409_and_the_current_version(
    worker_a, household, post_visit
):
    assert post_visit(worker_a, household, note="第一部手机", version="").status_code == 302
    stale = post_visit(worker_a, household, json=True, note="第二部手机", version="")
    assert stale.status_code == 409
    body = stale.json()
    assert body["ok"] is False and "未保存：您打开页面之后" in body["message"]
    assert worker_a.username in body["message"]
    assert Visit.objects.get(household=household).note == "第一部手机"
    again = post_visit(worker_a, household, json=True, note="第二部手机", version=body["version"])
    assert again.status_code == 200 and again.json()["ok"] is True
    assert Visit.objects.get(household=household).note == "第二部手机"
