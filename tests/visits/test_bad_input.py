"""Bad input: a second visit the same day merges; dates in the future or before the campaign
are refused; a far GPS point is accepted but flagged; out-of-scope households are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.rectification.models import LedgerEntry
from anju.visits.models import Correction, Decision, ProblemStatus, Visit, VisitProblem
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_a_second_visit_the_same_day_by_the_same_person_is_merged(worker_a, household, post_visit):
    post_visit(
        worker_a,
        household,
        answers={"moved_in": "否", "livestock": "否"},
        n_livestock="猪圈在堂屋旁",
    )
    first = Visit.objects.get()
    assert Correction.objects.filter(status=Decision.PENDING).count() == 2  # moved_in, livestock
    draft = VisitProblem.objects.get(question="livestock").entry
    response = post_visit(
        worker_a, household, answers={"moved_in": "否"}, note="户主说已另建圈舍", latitude=None,
        longitude=None, accuracy=None,
    )  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.pk == first.pk and visit.merge_count == 1
    assert visit.answers["livestock"]["answer"] == "是" and visit.note == "户主说已另建圈舍"
    assert visit.latitude == first.latitude  # a merge without a new fix keeps the first one
    # what the re-visit no longer says is withdrawn, what it still says stays
    statuses = dict(Correction.objects.values_list("field", "status"))
    assert statuses == {"moved_in": Decision.PENDING, "livestock_separated": Decision.WITHDRAWN}
    livestock = VisitProblem.objects.get(question="livestock")
    assert livestock.status == ProblemStatus.WITHDRAWN
    assert not LedgerEntry.objects.filter(pk=draft.pk).exists()
    assert VisitProblem.objects.get(question="moved_in").status == ProblemStatus.OPEN


def test_the_merge_is_announced_on_the_form(worker_a, household, post_visit, as_user):
    post_visit(worker_a, household, answers={"toilet": "否"})
    page = as_user(worker_a).get(reverse("visits:visit_form", args=[household.pk]))
    body = page.content.decode()
    assert "您今天已走访过该户" in body
    assert 'value="否" checked' in body  # the form starts from today's answers


def test_a_visit_dated_in_the_future_is_refused(worker_a, household, post_visit, today):
    tomorrow = today + dt.timedelta(days=1)
    response = post_visit(worker_a, household, visited_on=tomorrow.isoformat())
    assert response.status_code == 400
    body = response.content.decode()
    assert f"走访日期 {tomorrow:%Y-%m-%d} 晚于今天" in body
    assert 'id="err-visited_on"' in body
    assert not Visit.objects.exists()


def test_a_visit_dated_before_the_campaign_is_refused(worker_a, household, post_visit, campaign):
    before = campaign.starts_on - dt.timedelta(days=1)
    response = post_visit(worker_a, household, visited_on=before.isoformat(), json=True)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "早于本轮“回头看”开始日期" in errors["visited_on"][0]
    assert not Visit.objects.exists() and not LedgerEntry.objects.exists()


def test_every_question_needs_an_answer(worker_a, household, post_visit):
    response = post_visit(worker_a, household, json=True, q_toilet="")
    assert response.status_code == 400
    assert response.json()["errors"]["q_toilet"] == ["请选择“是”“否”或“不适用”。"]


def test_a_far_gps_point_is_accepted_and_flagged_for_the_township(
    worker_a, officer_a, household, post_visit, as_user
):
    response = post_visit(worker_a, household, latitude="34.160000", longitude="113.471600")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.distance_m > 2000 and visit.far_from_house and visit.flagged
    review = as_user(officer_a).get(reverse("visits:review")).content.decode()
    assert f"定位距住房 {visit.distance_m} 米" in review
    client = as_user(officer_a)
    client.post(reverse("visits:check_flags", args=[visit.pk]), {"note": ""})
    visit.refresh_from_db()
    assert visit.flags_checked_at is None
    client.post(reverse("visits:check_flags", args=[visit.pk]), {"note": "已电话核实，在承包地"})
    visit.refresh_from_db()
    assert visit.flags_checked_by == officer_a and visit.far_from_house  # the flag stays on file
    assert not Visit.objects.flags_unchecked().exists()


def test_the_far_threshold_is_a_campaign_parameter(worker_a, household, campaign, post_visit):
    campaign.rule_params = {"visits": {"far_m": 50}}
    campaign.save()
    post_visit(worker_a, household, latitude="34.141000", longitude="113.471600")  # ~78 m
    visit = Visit.objects.get()
    assert 60 < visit.distance_m < 100 and visit.far_from_house


def test_a_phone_visit_without_a_fix_is_flagged_a_paper_one_is_not(
    worker_a, officer_a, household, post_visit
):
    post_visit(worker_a, household, latitude="", longitude="", accuracy="")
    post_visit(
        officer_a, household, mode="paper", visitor_name="吴村干", visitor_role="网格员",
    )  # fmt: skip
    phone, paper = Visit.objects.order_by("id")
    assert phone.no_location and phone.flagged
    assert paper.mode == "paper" and not paper.flagged and paper.latitude is None


def test_a_household_outside_the_campaign_scope_is_refused(worker_a, village_a, post_visit):
    outside = make_household(village_a, is_alleviated=False, enjoys_policy=False)
    response = post_visit(worker_a, outside, json=True)
    assert response.status_code == 400
    assert "不在本轮“回头看”排查范围内" in response.json()["errors"]["__all__"][0]
    assert not Visit.objects.exists()


def test_a_plaque_grade_that_contradicts_the_answer_is_pointed_out(worker_a, household, post_visit):
    response = post_visit(worker_a, household, json=True, plaque_grade_seen="C")
    assert response.status_code == 400
    assert "本题应选“否”" in response.json()["errors"]["q_plaque_grade"][0]
    post_visit(worker_a, household, answers={"plaque_grade": "否"}, plaque_grade_seen="C")
    assert Correction.objects.get().field == "plaque_grade"
    assert VisitProblem.objects.get().question == "plaque_grade"


def test_a_visit_without_any_round_is_refused_with_a_message(worker_a, village_a, today):
    """With no round in the county the service used to fail on the missing round
    (AttributeError); it now refuses the visit and says why."""
    from anju.campaigns.models import Campaign
    from anju.visits import services

    Campaign.objects.all().delete()  # the test database holds the demo's round
    household = make_household(village_a)
    data = services.VisitData(
        visitor_name="信息员", visitor_role="村级信息员", visited_on=today, answers={}
    )
    with pytest.raises(services.VisitRefused) as refused:
        services.record_visit(user=worker_a, household=household, data=data)
    assert "尚无“回头看”轮次" in refused.value.errors["__all__"]
    assert not Visit.objects.exists()
