"""Stale forms, double submits and another township on the final's reason steps, now
taken by core.transitions.take_with_reason (#19): the city's 退回 and 重新打开. A second
post from the same page is a conflict (409) or a refusal, never a second step; a
township cannot take a city step on any final, its own or another township's."""

from __future__ import annotations

import re

import pytest

from anju.acceptance import services
from anju.acceptance.models import Status
from anju.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def version_in(page: str, action: str) -> str:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="version" value="([^"]*)"', form)
    assert found, f"no version in the form posting to {action}"
    return found.group(1)


@pytest.mark.parametrize("step", ["return", "reopen"])
def test_a_city_step_posted_twice_from_one_page_is_taken_once(
    step, as_user, ready, hand_in, city_reviewer
):
    s = hand_in()
    if step == "reopen":
        s = services.accept(actor=city_reviewer, submission=s)
    reviewer = as_user(city_reviewer)
    url = f"/acceptance/{s.pk}/"
    seen = version_in(reviewer.get(url).content.decode(), f"{url}{step}/")
    data = {"reason": "第一次提交的理由，请补充材料", "version": seen}
    assert reviewer.post(f"{url}{step}/", data).status_code == 302
    again = reviewer.post(f"{url}{step}/", {**data, "reason": "第二次提交的理由"})
    assert again.status_code in (302, 409)
    s.refresh_from_db()
    assert s.status == (Status.RETURNED if step == "return" else Status.REOPENED)
    field = "return_reason" if step == "return" else "reopen_reason"
    assert getattr(s, field) == "第一次提交的理由，请补充材料"
    assert AuditEvent.objects.filter(event=step, object_id=str(s.pk)).count() == 1


@pytest.mark.parametrize("who", ["officer_a", "head_a", "officer_b", "head_b"])
def test_a_township_cannot_return_or_reopen_a_final(who, request, as_user, ready, hand_in):
    s = hand_in()
    client = as_user(request.getfixturevalue(who))
    for step in ("return", "reopen"):
        response = client.post(f"/acceptance/{s.pk}/{step}/", {"reason": "乡镇自己退回"})
        assert response.status_code in (403, 404), (who, step)
    s.refresh_from_db()
    assert s.status == Status.AWAITING_REVIEW
    assert not AuditEvent.objects.filter(event__in=("return", "reopen")).exists()


def test_a_reopen_from_a_page_opened_before_another_reopen_keeps_the_typed_reason(
    as_user, ready, hand_in, city_reviewer
):
    s = services.accept(actor=city_reviewer, submission=hand_in())
    reviewer = as_user(city_reviewer)
    url = f"/acceptance/{s.pk}/"
    seen = version_in(reviewer.get(url).content.decode(), f"{url}reopen/")
    services.reopen(actor=city_reviewer, submission=s, reason="先重新打开的理由")
    late = reviewer.post(f"{url}reopen/", {"reason": "后到的理由", "version": seen})
    assert late.status_code in (302, 409)
    s.refresh_from_db()
    assert s.reopen_reason == "先重新打开的理由"
    assert AuditEvent.objects.filter(event="reopen", object_id=str(s.pk)).count() == 1
    if late.status_code == 409:
        assert "后到的理由" in late.content.decode()
