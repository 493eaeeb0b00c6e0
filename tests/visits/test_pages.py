"""The pages around visits: the phone form, the printable paper form, home panels, the
household page's panel, the menu; personal data stays masked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.visits import checklist
from tests.factories import make_household

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"\b\d{17}[\dX]\b")


def test_the_visit_form_is_small_and_phone_ready(worker_a, household, as_user):
    response = as_user(worker_a).get(reverse("visits:visit_form", args=[household.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 40_000  # the HTML of the whole checklist
    for q in checklist.QUESTIONS:
        assert q.text in body
    assert body.count('capture="environment"') == 4
    assert 'accept="image/*"' in body and "data-signature" in body
    assert "data-draft-key" in body and "visits/visit.js" in body
    assert "档案：已挂牌（A级）" in body
    assert not FULL_ID.search(body)


def test_questions_that_do_not_apply_start_as_not_applicable(worker_a, village_a, as_user):
    household = make_household(village_a, grade="B")  # no renovation
    body = as_user(worker_a).get(reverse("visits:visit_form", args=[household.pk])).content
    body = body.decode()
    assert 'name="q_moved_in" id="id_q_moved_in_2" value="不适用" checked' in body
    assert 'name="q_new_damage" id="id_q_new_damage_2" value="不适用" checked' not in body


def test_a_record_without_a_method_is_no_renovation_on_the_checklist(worker_a, village_a, as_user):
    """RULES.md: a renovation is a record with a 改造方式; imported facts alone are not."""
    household = make_household(
        village_a, grade="D", renovation={"method": "", "started_on": "2022-03-01"}
    )
    assert not checklist.applies(checklist.BY_CODE["moved_in"], household)
    body = as_user(worker_a).get(reverse("visits:visit_form", args=[household.pk])).content
    body = body.decode()
    assert 'name="q_moved_in" id="id_q_moved_in_2" value="不适用" checked' in body
    assert "档案：改造记录未填改造方式（不算已安排改造）" in body
    assert "未填改造方式" in body


def test_the_printable_form_has_a_page_per_unvisited_household(
    worker_a, household, village_a, post_visit, as_user
):
    make_household(village_a, head_name="赵六", grade="C", plaque_posted=False)
    client = as_user(worker_a)
    body = client.get(reverse("visits:print_forms")).content.decode()
    assert body.count('class="sheet"') == 2
    post_visit(worker_a, household)
    body = client.get(reverse("visits:print_forms")).content.decode()
    assert body.count('class="sheet"') == 1 and "赵六" in body and "王五" not in body
    assert "411081********" in body and not FULL_ID.search(body)
    body = client.get(reverse("visits:print_forms") + "?include_visited=on").content.decode()
    assert body.count('class="sheet"') == 2
    single = client.get(reverse("visits:print_household", args=[household.pk])).content.decode()
    assert single.count('class="sheet"') == 1 and "户主签字" in single


def test_home_panels(worker_a, officer_a, city_reviewer, household, post_visit, as_user):
    post_visit(worker_a, household, answers={"moved_in": "否"}, latitude="34.2", longitude="113.4")
    worker = as_user(worker_a).get("/").content.decode()
    assert "户待走访" in worker
    officer = as_user(officer_a).get("/").content.decode()
    assert "待审核的档案更正：1 项" in officer
    assert "待纳入台账的问题：1 个" in officer
    assert "需核实的走访（定位远、照片无时间）：1 次" in officer
    city = as_user(city_reviewer).get("/").content.decode()
    assert "全市已走访 1/1 户" in city


def test_the_city_panel_reads_the_overview_snapshot_once_there_is_one(
    worker_a, city_reviewer, household, village_a, post_visit, as_user
):
    from anju.overview.services import refresh

    post_visit(worker_a, household)
    refresh(campaign=None)
    make_household(village_a, head_name="赵六")  # after the snapshot: not counted yet
    city = as_user(city_reviewer).get("/").content.decode()
    assert "全市已走访 1/1 户" in city and "统计于" in city
    refresh(campaign=None)
    city = as_user(city_reviewer).get("/").content.decode()
    assert "全市已走访 1/2 户" in city


def test_the_menu_entry(worker_a, officer_a, city_reviewer, head_a, inspector, as_user):
    for user in (worker_a, officer_a, city_reviewer, head_a):
        assert "入户排查" in as_user(user).get("/").content.decode()
    assert ">入户排查<" not in as_user(inspector).get("/").content.decode()
    assert as_user(city_reviewer).get(reverse("visits:index"))["Location"] == reverse(
        "visits:coverage"
    )
    assert as_user(worker_a).get(reverse("visits:index"))["Location"] == reverse("visits:worklist")


def test_the_household_page_shows_its_visits(worker_a, household, post_visit, as_user):
    from anju.registry import panels

    post_visit(worker_a, household, answers={"toilet": "否"})
    client = as_user(worker_a)
    request = client.get(reverse("visits:worklist")).wsgi_request
    shown = {p.key: ctx for p, ctx in panels.panels_for(request, household)}
    assert len(shown["visits.visits"]["visits"]) == 1
    page = client.get(reverse("registry:household_detail", args=[household.pk]))
    if page.status_code == 200:  # the household page belongs to the registry pages
        assert "本户尚无入户排查记录" not in page.content.decode()
        assert reverse("visits:visit_form", args=[household.pk]) in page.content.decode()


def test_the_visit_page_shows_answers_corrections_and_problems(
    worker_a, officer_a, household, post_visit, as_user
):
    post_visit(worker_a, household, answers={"moved_in": "否"}, n_moved_in="住在女儿家")
    from anju.visits.models import Visit

    visit = Visit.objects.get()
    body = as_user(officer_a).get(reverse("visits:visit_detail", args=[visit.pk])).content
    body = body.decode()
    assert "住在女儿家" in body
    assert "是否入住" in body and "采纳，更正档案" in body
    assert "危房改造后农户未入住" in body and "台账草稿，待乡镇审核" in body
    assert not FULL_ID.search(body)
