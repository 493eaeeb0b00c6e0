"""A final against the round's phases (issue #16 item 6, ADR 0017): signed before 总结验收
it is flagged 提前报送; signed after its last day, or not at all by then, 逾期 — flagged on
the city's page and proposed for 通报批评 like late weekly reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.acceptance import timing
from anju.acceptance.models import FinalSubmission
from anju.notices import proposals
from anju.reporting.models import Schedule

pytestmark = pytest.mark.django_db


def _schedule(campaign, today, *, rectify_ends, accept_ends):
    return Schedule.objects.create(
        campaign=campaign,
        mobilise_ends_on=campaign.starts_on + dt.timedelta(days=2),
        rectify_ends_on=today + dt.timedelta(days=rectify_ends),
        accept_ends_on=today + dt.timedelta(days=accept_ends),
    )


def test_a_final_signed_during_rectification_is_flagged_early(
    campaign, today, ready, hand_in, township_a, city_reviewer, as_user
):
    _schedule(campaign, today, rectify_ends=5, accept_ends=15)
    s = hand_in()
    t = timing.timings(campaign, [township_a.pk], timezone.now())[township_a.pk]
    assert t.state == timing.EARLY and t.signed_at == s.signed_at
    page = as_user(city_reviewer).get(reverse("acceptance:index")).content.decode()
    assert "提前报送" in page


def test_a_late_final_is_flagged_and_proposed_for_criticism(
    campaign, today, ready, hand_in, township_a, township_b, city_reviewer, as_user
):
    _schedule(campaign, today, rectify_ends=-10, accept_ends=-2)
    hand_in()
    result = timing.timings(campaign, [township_a.pk, township_b.pk], timezone.now())
    assert result[township_a.pk].state == timing.LATE
    assert result[township_b.pk].state == timing.MISSING  # nothing signed by the deadline
    found = proposals.compute(campaign).by_code()
    late = [r for r in found[township_a.code].reasons if r.code == "late_final"]
    assert late and "总结验收材料（整改报告和整改台账）逾期报送" in late[0].text
    missing = [r for r in found[township_b.code].reasons if r.code == "late_final"]
    assert missing and "至今未报送" in missing[0].text
    page = as_user(city_reviewer).get(reverse("acceptance:index")).content.decode()
    assert "逾期报送" in page and "逾期未报送" in page


def test_a_final_signed_within_the_phase_is_on_time(campaign, today, township_a):
    _schedule(campaign, today, rectify_ends=-3, accept_ends=5)
    assert timing.timings(campaign, [township_a.pk], timezone.now()) == {}
    assert not FinalSubmission.objects.exists()
