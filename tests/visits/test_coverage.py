"""Coverage per village and township, the city's township table, and the final-submission
block: in-scope households neither visited nor explained with a phone check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.visits import coverage, services
from anju.visits.models import UnvisitedReason
from tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_households(village_a, village_a2, village_b, household):
    return {
        "a1_second": make_household(village_a, head_name="赵六"),
        "a2": make_household(village_a2, head_name="孙八", monitoring_type="边缘易致贫户",
                             is_alleviated=False, enjoys_policy=False),
        "a2_out": make_household(village_a2, head_name="钱七", is_alleviated=False,
                                 enjoys_policy=False),
        "b": make_household(village_b, head_name="李九"),
    }  # fmt: skip


def test_coverage_counts_village_by_village(
    township_households, household, worker_a, campaign, post_visit, township_a
):
    post_visit(worker_a, household, answers={"toilet": "否", "livestock": "否"})
    data = coverage.coverage(township_a, campaign)
    json.dumps(data)  # the weekly submission stores it as is
    assert (data["in_scope"], data["visited"], data["unvisited"]) == (3, 1, 2)
    assert data["problems"] == 2 and data["visits"] == 1 and data["problems_per_visit"] == 2.0
    assert data["rate"] == round(1 / 3, 4)
    by_name = {v["name"]: v for v in data["villages"]}
    assert by_name["甲一村"]["visited"] == 1 and by_name["甲一村"]["in_scope"] == 2
    assert by_name["甲二村"] == {
        **by_name["甲二村"],
        "in_scope": 1,
        "visited": 0,
        "unvisited": 1,
        "problems": 0,
        "rate": 0.0,
    }


def test_the_final_submission_is_blocked_until_each_unvisited_household_is_explained(
    township_households, household, worker_a, officer_a, campaign, post_visit, township_a, today
):
    post_visit(worker_a, household)
    blocking = coverage.unvisited_unexplained(township_a, campaign)
    assert {h.head_name for h in blocking} == {"赵六", "孙八"}
    with pytest.raises(ValidationError) as refused:
        services.explain_unvisited(
            user=officer_a,
            household=township_households["a2"],
            campaign=campaign,
            reason="外出务工",
            detail="",
            phone_checked_on=campaign.starts_on - dt.timedelta(days=1),
            phone_check_result="",
        )
    assert set(refused.value.message_dict) == {"phone_checked_on", "phone_check_result"}
    services.explain_unvisited(
        user=officer_a,
        household=township_households["a2"],
        campaign=campaign,
        reason="外出务工",
        detail="在浙江宁波务工",
        phone_checked_on=today,
        phone_check_result="已电话联系户主，确认在外务工，房屋无人居住、无安全隐患",
    )
    assert [h.head_name for h in coverage.unvisited_unexplained(township_a, campaign)] == ["赵六"]
    assert coverage.coverage(township_a, campaign)["explained"] == 1
    with pytest.raises(services.DecisionError, match="已经入户走访"):
        services.explain_unvisited(
            user=officer_a, household=household, campaign=campaign, reason="外出务工",
            detail="", phone_checked_on=today, phone_check_result="已核实",
        )  # fmt: skip


def test_the_explain_form(township_households, officer_a, as_user, today):
    target = township_households["a1_second"]
    client = as_user(officer_a)
    url = reverse("visits:explain", args=[target.pk])
    assert "电话核实情况" in client.get(url).content.decode()
    response = client.post(url, {"reason": "其他", "phone_checked_on": today.isoformat()})
    body = response.content.decode()
    assert "原因为“其他”时，请写明具体情况。" in body or "请填写电话核实情况。" in body
    response = client.post(
        url,
        {
            "reason": "外出就医",
            "detail": "在郑州住院",
            "phone_checked_on": today.isoformat(),
            "phone_check_result": "已电话联系其子，确认住院治疗中",
        },
    )
    assert response.status_code == 302
    reason = UnvisitedReason.objects.get()
    assert reason.explained_by == officer_a and reason.reason == "外出就医"
    # the worklist says why, not only that a reason was given (#17 item 10)
    worklist = client.get(reverse("visits:worklist")).content.decode()
    assert "未走访：外出就医（长期住院）（在郑州住院）" in worklist
    assert f"{today:%m-%d} 电话核实" in worklist
    assert "已说明原因" not in worklist


def test_the_township_coverage_page_lists_who_is_left(
    township_households, household, worker_a, officer_a, post_visit, as_user
):
    post_visit(worker_a, household)
    body = as_user(officer_a).get(reverse("visits:coverage")).content.decode()
    assert "甲一村" in body and "甲二村" in body
    assert "赵六" in body and "孙八" in body
    assert "钱七" not in body and "李九" not in body
    assert "不能报送最终整改台账" in body


def test_the_city_sees_every_township_and_can_open_one(
    township_households, household, worker_a, city_reviewer, post_visit, as_user, township_a
):
    post_visit(worker_a, household)
    client = as_user(city_reviewer)
    body = client.get(reverse("visits:coverage")).content.decode()
    assert "火龙镇" in body and "顺店镇" in body
    assert "33%" in body  # 火龙镇: 1 of 3
    detail = client.get(f"{reverse('visits:coverage')}?township={township_a.pk}")
    assert detail.status_code == 200 and "赵六" in detail.content.decode()
