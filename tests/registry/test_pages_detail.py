"""The household page: every section, scope on every URL, unmasking and its audit."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.registry import panels
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"(?<![0-9*])\d{17}[\dX](?![0-9])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def object_urls(pk: int) -> list[tuple[str, str]]:
    """Every URL that names one household, with its method."""
    return [
        ("get", f"/households/{pk}/"),
        ("get", f"/households/{pk}/edit/identity/"),
        ("post", f"/households/{pk}/edit/identity/"),
        ("get", f"/households/{pk}/edit/house/"),
        ("post", f"/households/{pk}/edit/house/"),
        ("get", f"/households/{pk}/assessments/new/"),
        ("post", f"/households/{pk}/assessments/new/"),
        ("get", f"/households/{pk}/renovation/works/"),
        ("post", f"/households/{pk}/renovation/subsidy/"),
        ("get", f"/households/{pk}/photos/new/"),
        ("post", f"/households/{pk}/photos/new/"),
        ("post", f"/households/{pk}/unmask/"),
        ("get", f"/history/registry.household/{pk}/"),
    ]


@pytest.fixture
def full(village_a):
    return make_household(
        village_a,
        head_name="张全",
        id_number=fake_id(901),
        phone="13700001234",
        groups=1 | 16,
        grade="D",
        assessed_on=dt.date(2021, 11, 3),
        structure="土木",
        floor_area="56.5",
        plaque_posted=True,
        plaque_grade="D",
        self_funds="30000",
        renovation={
            "method": "原址重建",
            "started_on": dt.date(2022, 3, 1),
            "foundation_checked_on": dt.date(2022, 3, 20),
            "subsidy_amount": "22680.00",
            "file_application": True,
            "file_agreement": False,
        },
    )


def test_household_page_shows_every_section(as_user, full, officer_a):
    html = as_user(officer_a).get(f"/households/{full.pk}/").content.decode()
    for heading in (
        "身份与对象类别",
        "住房与挂牌",
        "安全鉴定",
        "危房改造",
        "补助资金与自筹",
        "一户一档",
        "照片",
    ):
        assert heading in html
    assert "易返贫致贫户、低保边缘家庭" in html
    assert "土木" in html and "56.50 ㎡" in html
    assert "2021-11-03" in html and "D级" in html
    assert "施工中" in html and "2022-03-20" in html
    assert "22,680.00 元" in html and "30,000.00 元" in html
    assert "1/7 项齐全" in html
    assert f"/history/registry.household/{full.pk}/" in html


def test_sec_09_out_of_scope_household_is_404_on_every_url(as_user, full, officer_b):
    client = as_user(officer_b)
    before = AuditEvent.objects.filter(event=Event.PERMISSION_DENIED).count()
    for method, url in object_urls(full.pk) + [
        ("get", f"/households/{full.pk}/photos/1/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
        assert "张全" not in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.PERMISSION_DENIED).count() > before


def test_sec_09_village_worker_gets_404_for_another_village(
    as_user, village_a2, worker_a, village_a
):
    other = make_household(village_a2, head_name="邻村")
    own = make_household(village_a, head_name="本村")
    client = as_user(worker_a)
    for method, url in object_urls(other.pk):
        if url.endswith("/unmask/"):
            assert client.post(url).status_code == 403  # the worker may not unmask at all
            continue
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(f"/households/{own.pk}/").status_code == 200
    assert client.get(f"/households/{own.pk}/edit/identity/").status_code == 200


def test_read_only_roles_see_but_cannot_edit(as_user, full, head_a, city_admin):
    for user in (head_a, city_admin):
        client = as_user(user)
        page = client.get(f"/households/{full.pk}/").content.decode()
        assert "张全" in page and "编辑" not in page and "上传照片" not in page
        assert client.get(f"/households/{full.pk}/edit/house/").status_code == 403
        assert client.post(f"/households/{full.pk}/assessments/new/").status_code == 403
        assert client.post(f"/households/{full.pk}/unmask/").status_code == 403


def test_unknown_section_is_404(as_user, full, officer_a):
    client = as_user(officer_a)
    assert client.get(f"/households/{full.pk}/edit/secret/").status_code == 404
    assert client.get(f"/households/{full.pk}/renovation/other/").status_code == 404


def test_sec_16_unmask_shows_full_values_and_is_audited(as_user, full, officer_a):
    client = as_user(officer_a)
    page = client.get(f"/households/{full.pk}/").content.decode()
    assert "显示完整身份证号/电话/账号" in page
    assert full.id_number not in page and "13700001234" not in page
    assert client.get(f"/households/{full.pk}/unmask/").status_code == 405
    before = AuditEvent.objects.filter(event=Event.UNMASK).count()
    response = client.post(f"/households/{full.pk}/unmask/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert full.id_number in html and "13700001234" in html
    assert "<html" not in html  # the htmx partial only
    events = AuditEvent.objects.filter(event=Event.UNMASK)
    assert events.count() == before + 1
    event = events.order_by("-id").first()
    assert event.username == officer_a.username and event.object_id == str(full.pk)
    assert event.object_type == "registry.household" and event.ts.tzinfo is not None
    assert full.id_number not in str(event.detail)
    without_js = client.post(f"/households/{full.pk}/unmask/")
    assert "<html" in without_js.content.decode() and full.id_number in without_js.content.decode()


def test_sec_16_masked_roles_never_receive_full_id_or_phone(
    as_user, full, worker_a, head_a, city_admin, officer_a
):
    urls = [
        "/",
        "/households/",
        f"/households/?q={full.id_number}",
        f"/households/{full.pk}/",
        f"/households/{full.pk}/edit/identity/",
        f"/households/{full.pk}/edit/house/",
        f"/households/{full.pk}/renovation/works/",
        f"/households/{full.pk}/photos/new/",
        f"/history/registry.household/{full.pk}/",
    ]
    for user in (worker_a, head_a, city_admin, officer_a):  # the officer before unmasking
        client = as_user(user)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            body = response.content.decode()
            assert not FULL_ID.search(body), (user.username, url)
            assert not MOBILE.search(body), (user.username, url)


def test_panels_of_other_stages_render_on_the_page(as_user, full, officer_a):
    def context(request, household):
        return {"total": 97531, "in_scope": household.pk, "list_url": "/x", "scope_url": "/y"}

    panels.register("test.panel", "registry/_panel_households.html", context)
    panels.register("test.hidden", "registry/_panel_households.html", lambda r, h: None)
    try:
        html = as_user(officer_a).get(f"/households/{full.pk}/").content.decode()
    finally:
        panels._panels.pop("test.panel")
        panels._panels.pop("test.hidden")
    assert html.count("97531") == 1


def test_history_link_lists_changes(as_user, full, officer_a):
    as_user(officer_a).post(
        f"/households/{full.pk}/edit/house/",
        {
            "version": as_user(officer_a)
            .get(f"/households/{full.pk}/edit/house/")
            .context["form"]["version"]
            .value(),
            "structure": "砖混",
            "floor_area": "80",
            "plaque_posted": "true",
            "plaque_grade": "D",
        },
    )
    html = as_user(officer_a).get(f"/history/registry.household/{full.pk}/").content.decode()
    assert "房屋结构：" in html and "砖混" in html  # a changed field by its label
