"""Stale forms and double submits on the weekly report's reason steps, now taken by one
helper (core.transitions.take_with_reason, #19): the head's 退回经办人 and the city's 退回.
The form a page was opened on carries the report's version; posting it after the step was
taken (a second click, a second tab) is a conflict (409) or a refusal — never a second
step: one audit event, one reminder, the state the first post left."""

from __future__ import annotations

import re

import pytest

from anju.audit.models import AuditEvent
from anju.reporting import services
from anju.reporting.models import Status, WeeklySubmission
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db


def version_in(page: str, action: str) -> str:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="version" value="([^"]*)"', form)
    assert found, f"no version in the form posting to {action}"
    return found.group(1)


@pytest.fixture
def awaiting(campaign, schedule, township_a, officer_a, head_a, entry):
    entry()
    with at("2022-06-03 10:00"):
        return services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)


def test_the_heads_send_back_posted_twice_from_one_page_is_taken_once(as_user, awaiting, head_a):
    head = as_user(head_a)
    url = f"/reports/{awaiting.pk}/"
    with at("2022-06-03 11:00"):
        seen = version_in(head.get(url).content.decode(), f"{url}send-back/")
        data = {"reason": "第1条措施不具体，请写明", "version": seen}
        first = head.post(f"{url}send-back/", data)
        assert first.status_code == 302
        second = head.post(f"{url}send-back/", data)
    assert second.status_code in (302, 409)
    awaiting.refresh_from_db()
    assert awaiting.status not in (Status.AWAITING, Status.SUBMITTED)
    assert AuditEvent.objects.filter(event="return", object_id=str(awaiting.pk)).count() == 1


def test_the_citys_return_posted_twice_or_stale_is_taken_once(
    as_user, send, city_reviewer, officer_a
):
    s = send(1, "2022-06-03 15:00")
    reviewer = as_user(city_reviewer)
    url = f"/reports/{s.pk}/"
    with at("2022-06-04 09:00"):
        seen = version_in(reviewer.get(url).content.decode(), f"{url}return/")
        data = {"reason": "措施不具体", "new_due_at": "2022-06-06T17:00", "version": seen}
        assert reviewer.post(f"{url}return/", data).status_code == 302
        again = reviewer.post(f"{url}return/", {**data, "reason": "另一个理由"})
    assert again.status_code in (302, 409)
    s.refresh_from_db()
    assert (s.status, s.return_reason) == (Status.RETURNED, "措施不具体")
    assert AuditEvent.objects.filter(event="return", object_id=str(s.pk)).count() == 1
    assert WeeklySubmission.objects.filter(status=Status.RETURNED).count() == 1


def test_a_return_from_a_page_opened_before_the_report_was_returned_is_a_conflict(
    as_user, send, city_reviewer
):
    """Two reviewers (two tabs): the second one's return carries the version from before
    the first's — a 409 with the typed reason still on the page, as its message says, and
    no overwrite of the first reason."""
    s = send(1, "2022-06-03 15:00")
    reviewer = as_user(city_reviewer)
    url = f"/reports/{s.pk}/"
    with at("2022-06-04 09:00"):
        seen = version_in(reviewer.get(url).content.decode(), f"{url}return/")
        services.return_submission(
            actor=city_reviewer,
            submission=s,
            reason="先退回的理由",
            new_due_at=bj("2022-06-06 17:00"),
        )
        late = reviewer.post(
            f"{url}return/",
            {"reason": "后到的理由", "new_due_at": "2022-06-06T17:00", "version": seen},
        )
    assert late.status_code in (302, 409)
    if late.status_code == 409:
        assert "后到的理由" in late.content.decode()
    s.refresh_from_db()
    assert s.return_reason == "先退回的理由"
    assert AuditEvent.objects.filter(event="return", object_id=str(s.pk)).count() == 1
