"""The screening pages, as each persona sees them: scope on every page (township B's officer
can neither see nor act on township A's findings: 404), decisions, reviews, comparisons."""

from __future__ import annotations

import pytest

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.screening.models import Finding, FindingEvent, Run, Status
from tests.factories import make_household
from tests.screening.helpers import screen
from tests.test_redirects import EVIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(village_a, village_b):
    """One A1-01 finding in township A, one in township B."""
    a = make_household(village_a, head_name="甲户主")
    b = make_household(village_b, head_name="乙户主")
    screen(a, b)
    return (
        Finding.objects.get(household=a, rule_code="A1-01"),
        Finding.objects.get(household=b, rule_code="A1-01"),
    )


def text(response) -> str:
    return response.content.decode()


# --- the list -------------------------------------------------------------------------------
def test_each_officer_lists_only_their_township(as_user, officer_a, officer_b, found):
    page_a = text(as_user(officer_a).get("/screening/"))
    page_b = text(as_user(officer_b).get("/screening/"))
    assert "甲户主" in page_a and "乙户主" not in page_a
    assert "乙户主" in page_b and "甲户主" not in page_b


def test_the_city_lists_every_township_and_filters(as_user, city_reviewer, found):
    client = as_user(city_reviewer)
    page = text(client.get("/screening/"))
    assert "甲户主" in page and "乙户主" in page
    only_b = text(client.get("/screening/?township=411081101"))
    assert "乙户主" in only_b and "甲户主" not in only_b
    assert "甲户主" not in text(client.get("/screening/?aspect=4"))
    assert "甲户主" not in text(client.get("/screening/?status=confirmed"))
    assert "甲户主" in text(client.get("/screening/?rule=A1-01&severity=E"))


def test_a_village_worker_sees_their_village_only(as_user, worker_a, village_a2, found):
    other = make_household(village_a2, head_name="邻村户主")
    screen(other)
    page = text(as_user(worker_a).get("/screening/"))
    assert "甲户主" in page and "邻村户主" not in page and "乙户主" not in page


def test_tampering_with_the_township_filter_does_not_widen_scope(as_user, officer_a, found):
    page = text(as_user(officer_a).get("/screening/?township=411081101"))
    assert "乙户主" not in page


def test_the_list_counts_by_aspect_and_status(as_user, officer_a, found):
    page = text(as_user(officer_a).get("/screening/"))
    assert '住房安全性认定 <span class="badge text-bg-light">1</span>' in page
    assert '待确认 <span class="badge text-bg-light">1</span>' in page


# --- one finding ----------------------------------------------------------------------------
def test_another_townships_finding_is_404_and_audited(as_user, officer_b, found):
    finding_a, _ = found
    response = as_user(officer_b).get(f"/screening/findings/{finding_a.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(event=Event.PERMISSION_DENIED).exists()


def test_the_detail_explains_and_offers_the_decision(as_user, officer_a, found):
    finding_a, _ = found
    page = text(as_user(officer_a).get(f"/screening/findings/{finding_a.pk}/"))
    assert finding_a.message in page
    assert "整改建议" in page and "政策依据" in page
    assert "确认问题（纳入整改）" in page and "排除理由" in page
    assert "411081********" in page  # the ID number is masked


@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_officer_b_cannot_act_on_township_a(as_user, officer_b, found, action):
    finding_a, _ = found
    response = as_user(officer_b).post(
        f"/screening/findings/{finding_a.pk}/{action}/", {"dismiss-reason": "不是问题"}
    )
    assert response.status_code == 404
    finding_a.refresh_from_db()
    assert finding_a.status == Status.OPEN


@pytest.mark.parametrize("persona", ["head_a", "city_reviewer", "worker_a"])
def test_only_the_township_officer_decides(request, as_user, found, persona):
    finding_a, _ = found
    client = as_user(request.getfixturevalue(persona))
    assert client.post(f"/screening/findings/{finding_a.pk}/confirm/").status_code == 403
    finding_a.refresh_from_db()
    assert finding_a.status == Status.OPEN


def test_the_officer_confirms(as_user, officer_a, found):
    finding_a, _ = found
    response = as_user(officer_a).post(f"/screening/findings/{finding_a.pk}/confirm/")
    assert response.status_code == 302
    finding_a.refresh_from_db()
    assert (finding_a.status, finding_a.decided_by) == (Status.CONFIRMED, officer_a)
    assert finding_a.events.filter(kind="confirmed", user=officer_a).exists()


def test_confirming_twice_says_the_state_changed(as_user, officer_a, found):
    finding_a, _ = found
    client = as_user(officer_a)
    client.post(f"/screening/findings/{finding_a.pk}/confirm/")
    response = client.post(f"/screening/findings/{finding_a.pk}/confirm/", follow=True)
    assert "该问题的状态已经变化" in text(response)
    assert finding_a.events.filter(kind="confirmed").count() == 1


def test_dismissal_requires_a_reason(as_user, officer_a, found):
    finding_a, _ = found
    response = as_user(officer_a).post(
        f"/screening/findings/{finding_a.pk}/dismiss/", {"dismiss-reason": "   "}
    )
    assert response.status_code == 200
    assert "请填写排除理由。" in text(response)
    finding_a.refresh_from_db()
    assert finding_a.status == Status.OPEN


def test_the_officer_dismisses_with_a_reason(as_user, officer_a, found):
    finding_a, _ = found
    response = as_user(officer_a).post(
        f"/screening/findings/{finding_a.pk}/dismiss/",
        {"dismiss-reason": "该户已于2022年5月重新鉴定", "next": "/households/1/"},
    )
    assert response["Location"] == "/households/1/"
    finding_a.refresh_from_db()
    assert finding_a.status == Status.DISMISSED
    assert finding_a.reason == "该户已于2022年5月重新鉴定"
    assert finding_a.events.get(kind="dismissed").reason == "该户已于2022年5月重新鉴定"


@pytest.mark.parametrize("url", EVIL)
def test_next_never_leaves_the_site(as_user, officer_a, found, url):
    finding_a, _ = found
    response = as_user(officer_a).post(
        f"/screening/findings/{finding_a.pk}/confirm/", {"next": url}
    )
    assert response["Location"] == f"/screening/findings/{finding_a.pk}/"


# --- the reviewer ---------------------------------------------------------------------------
@pytest.fixture
def dismissed(found, officer_a):
    from anju.screening import services

    finding_a, _ = found
    return services.dismiss(finding=finding_a, user=officer_a, reason="户主已去世，户已注销")


def test_the_reviewer_sees_every_dismissal_with_its_reason(as_user, city_reviewer, dismissed):
    page = text(as_user(city_reviewer).get("/screening/dismissals/"))
    assert "户主已去世，户已注销" in page and "推翻排除" in page


@pytest.mark.parametrize("persona", ["officer_a", "city_admin", "head_a"])
def test_only_the_reviewer_audits_dismissals(request, as_user, dismissed, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/screening/dismissals/").status_code == 403
    assert (
        client.post(
            f"/screening/findings/{dismissed.pk}/overturn/", {"overturn-reason": "x"}
        ).status_code
        == 403
    )


def test_overturning_needs_a_reason_and_reopens(as_user, city_reviewer, dismissed):
    client = as_user(city_reviewer)
    empty = client.post(f"/screening/findings/{dismissed.pk}/overturn/", {"overturn-reason": ""})
    assert "请填写推翻理由。" in text(empty)
    dismissed.refresh_from_db()
    assert dismissed.status == Status.DISMISSED
    client.post(
        f"/screening/findings/{dismissed.pk}/overturn/",
        {"overturn-reason": "户籍系统显示该户仍在册，请核实"},
    )
    dismissed.refresh_from_db()
    assert dismissed.status == Status.OPEN
    assert dismissed.reviewed_by == city_reviewer
    assert dismissed.events.get(kind="overturned").reason == "户籍系统显示该户仍在册，请核实"


def test_upholding_removes_it_from_the_list_to_audit(as_user, city_reviewer, dismissed):
    client = as_user(city_reviewer)
    client.post(f"/screening/findings/{dismissed.pk}/uphold/", {"uphold-reason": ""})
    dismissed.refresh_from_db()
    assert dismissed.status == Status.DISMISSED and dismissed.reviewed_at
    assert "户主已去世" not in text(client.get("/screening/dismissals/"))
    assert "户主已去世" in text(client.get("/screening/dismissals/?state=upheld"))
    assert FindingEvent.objects.filter(kind="upheld").count() == 1


# --- comparison, rules, runs, panels --------------------------------------------------------
def test_the_city_compares_townships_and_drills_into_villages(
    as_user, city_reviewer, found, village_a
):
    client = as_user(city_reviewer)
    page = text(client.get("/screening/compare/"))
    assert "火龙镇" in page and "顺店镇" in page and "每百户问题数" in page
    assert "100.0" in page  # one household, one finding
    villages = text(client.get("/screening/compare/?township=411081100"))
    assert village_a.name in villages and "乙一村" not in villages


def test_a_township_compares_its_own_villages_only(as_user, officer_a, found, village_a):
    page = text(as_user(officer_a).get("/screening/compare/?township=411081101"))
    assert village_a.name in page and "乙一村" not in page


def test_the_catalogue_lists_all_rules_with_scoped_hits(as_user, officer_b, found):
    page = text(as_user(officer_b).get("/screening/rules/"))
    assert "共 35 条规则" in page
    assert "A1-01" in page and "D-02" in page
    assert "动态监测比对" in page and "M-02" in page and "方面M" not in page
    assert 'href="/screening/?rule=A1-01">1</a>' in page


def test_an_officer_runs_their_township_and_follows_progress(
    as_user, officer_a, found, django_capture_on_commit_callbacks
):
    client = as_user(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/screening/runs/", {"unit": "411081100", "as_of": "2022-06-01"})
    run = Run.objects.get(kind=Run.Kind.TOWNSHIP)
    assert response["Location"] == f"/screening/runs/{run.pk}/"
    assert run.status == Run.Status.DONE and run.user == officer_a
    page = text(client.get(f"/screening/runs/{run.pk}/progress/"))
    assert "<progress" in page and 'value="100"' in page and "hx-trigger" not in page


def test_an_officer_cannot_run_or_see_another_township(as_user, officer_a, officer_b, city_admin):
    from anju.screening import services
    from anju.units.models import Unit

    response = as_user(officer_a).post(
        "/screening/runs/", {"unit": "411081101", "as_of": "2022-06-01"}
    )
    assert response.status_code == 200 and not Run.objects.exists()
    other = services.create_run(unit=Unit.objects.get(code="411081101"), user=officer_b)
    assert as_user(officer_a).get(f"/screening/runs/{other.pk}/").status_code == 404
    assert as_user(city_admin).get(f"/screening/runs/{other.pk}/").status_code == 200


def test_a_run_in_progress_polls(as_user, city_admin, county):
    from anju.screening import services

    run = services.create_run(unit=county, user=city_admin)
    page = text(as_user(city_admin).get(f"/screening/runs/{run.pk}/"))
    assert (
        f'hx-get="/screening/runs/{run.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    )


def test_the_as_of_date_cannot_be_in_the_future(as_user, city_admin):
    response = as_user(city_admin).post(
        "/screening/runs/", {"unit": "411081", "as_of": "2999-01-01"}
    )
    assert "筛查基准日不能晚于今天。" in text(response)


def test_home_panels(as_user, officer_a, city_reviewer, dismissed, found):
    _, finding_b = found
    assert "待确认的筛查问题" in text(as_user(officer_a).get("/"))
    home = text(as_user(city_reviewer).get("/"))
    assert "待审核的排除" in home and "户主已去世" in home


def test_the_household_page_shows_its_findings_to_decide(as_user, officer_a, officer_b, found):
    finding_a, _ = found
    url = f"/households/{finding_a.household_id}/"
    page = text(as_user(officer_a).get(url))
    assert "政策筛查问题" in page and finding_a.message in page
    assert f'action="/screening/findings/{finding_a.pk}/confirm/"' in page
    assert as_user(officer_b).get(url).status_code == 404
