"""Rounds managed on pages by the city administrator (issue #16 items 1 and 2): created from
the bureau's document as a draft, edited while draft, published, closed, archived; copied
from the last round; every change audited; a fresh install has none."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign, Status, round_today
from anju.reporting.models import Schedule
from anju.units.models import Level, Unit

ROOT = Path(__file__).resolve().parents[2]


def _form(**over) -> dict:
    today = round_today()
    d = lambda days: (today + dt.timedelta(days=days)).isoformat()  # noqa: E731
    data = {
        "name": "测试县2031年度农村危房改造“回头看”工作方案",
        "document_number": "测建〔2031〕7号",
        "issuing_office": "测试县住房和城乡建设局",
        "superior_office": "测试市住房和城乡建设局",
        "starts_on": d(0),
        "ends_on": d(60),
        "mobilise_ends_on": d(7),
        "mobilise_required": "开始后一周内",
        "rectify_ends_on": d(45),
        "rectify_required": "",
        "accept_ends_on": d(55),
        "accept_required": "",
        "report_weekday": "3",
        "report_time": "16:30",
        "enabled_rules": ["A1-01", "A2-01"],
        "list_due_day": "6",
        "assess_due_day": "21",
    }
    data.update(over)
    return data


@pytest.fixture
def clean(db):
    Campaign.objects.all().delete()


def _create(client, **over) -> Campaign:
    response = client.post(reverse("campaigns:create"), _form(**over))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Campaign.objects.order_by("-id").first()


def test_fresh_install_has_no_round(tmp_path):
    """``migrate`` on an empty database (production settings) leaves no round."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    (db,) = list(tmp_path.rglob("*.sqlite3"))
    with sqlite3.connect(db) as conn:
        (rounds,) = conn.execute("select count(*) from campaigns_campaign").fetchone()
        (counties,) = conn.execute(
            "select count(*) from units_unit where level='county'"
        ).fetchone()
    assert counties == 1 and rounds == 0


def test_admin_drafts_a_round_from_the_document_then_publishes_it(
    clean, city_admin, officer_a, as_user
):
    admin = as_user(city_admin)
    campaign = _create(admin)
    assert campaign.status == Status.DRAFT
    assert campaign.county == city_admin.unit
    assert campaign.document_number == "测建〔2031〕7号"
    assert campaign.superior_office == "测试市住房和城乡建设局"
    schedule = Schedule.objects.get(campaign=campaign)
    assert schedule.report_weekday == 3 and schedule.report_time == dt.time(16, 30)
    assert schedule.mobilise_required == "开始后一周内"
    assert (campaign.list_due_day, campaign.assess_due_day) == (6, 21)
    assert "A1-01" not in campaign.disabled_rules and "A3-01" in campaign.disabled_rules
    # A draft is nobody's current round; a township cannot see it.
    assert Campaign.objects.current(officer_a) is None
    officer = as_user(officer_a)
    assert officer.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    assert campaign.name not in officer.get(reverse("campaigns:list")).content.decode()

    response = admin.post(
        reverse("campaigns:step", args=[campaign.pk, "publish"]),
        {"version": _version(campaign)},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Status.PUBLISHED
    assert Campaign.objects.current(officer_a) == campaign
    page = officer.get("/").content.decode()
    assert "本轮“回头看”" in page and "排查整改阶段" in page and "开始后一周内" in page
    events = set(
        AuditEvent.objects.filter(
            object_id=str(campaign.pk), object_type="campaigns.campaign"
        ).values_list("event", flat=True)
    )
    assert {"create", "update", "transition"} <= events


def _version(campaign) -> str:
    from anju.core.versions import version_of

    return version_of(Campaign.objects.get(pk=campaign.pk))


def test_dates_out_of_order_are_refused_naming_the_field(clean, city_admin, as_user):
    today = round_today()
    response = as_user(city_admin).post(
        reverse("campaigns:create"),
        _form(accept_ends_on=(today + dt.timedelta(days=90)).isoformat(), report_time="25:00"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "总结验收阶段截止日期不能晚于本轮结束日期" in page
    assert "报送截止时刻应如 17:00" in page
    assert not Campaign.objects.exists()


def test_a_draft_is_edited_a_published_round_is_not(clean, city_admin, as_user):
    admin = as_user(city_admin)
    campaign = _create(admin)
    url = reverse("campaigns:edit", args=[campaign.pk])
    from anju.campaigns.views import round_version

    response = admin.post(
        url, _form(document_number="测建〔2031〕8号", version=round_version(campaign))
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.document_number == "测建〔2031〕8号"
    admin.post(
        reverse("campaigns:step", args=[campaign.pk, "publish"]), {"version": _version(campaign)}
    )
    response = admin.post(url, _form(document_number="测建〔2031〕9号"), follow=True)
    assert "只有草稿状态的轮次可以修改" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.document_number == "测建〔2031〕8号"


def test_close_then_archive_and_steps_out_of_order_are_refused(
    clean, city_admin, officer_a, as_user
):
    admin = as_user(city_admin)
    campaign = _create(admin)

    def step(action):
        return admin.post(
            reverse("campaigns:step", args=[campaign.pk, action]),
            {"version": _version(campaign)},
            follow=True,
        ).content.decode()

    assert "不能归档" in step("archive")
    step("publish")
    step("close")
    campaign.refresh_from_db()
    assert campaign.status == Status.CLOSED and campaign.is_read_only
    assert Campaign.objects.current(officer_a) is None
    step("archive")
    campaign.refresh_from_db()
    assert campaign.status == Status.ARCHIVED


def test_copy_last_round_carries_parameters_phase_offsets_and_schedule(clean, city_admin, as_user):
    admin = as_user(city_admin)
    first = _create(admin, scope_all_groups="on")
    Campaign.objects.filter(pk=first.pk).update(rule_params={"A4-03": {"ceiling": 20000}})
    page = admin.get(reverse("campaigns:create") + f"?from={first.pk}").content.decode()
    today = round_today()
    assert (today + dt.timedelta(days=45)).isoformat() in page  # 排查整改 ends 45 days in
    assert "测试市住房和城乡建设局" in page
    start = today + dt.timedelta(days=365)
    d = lambda days: (start + dt.timedelta(days=days)).isoformat()  # noqa: E731
    second = _create(
        admin,
        copied_from=str(first.pk),
        name="测试县2032年度“回头看”",
        document_number="测建〔2032〕3号",
        starts_on=d(0),
        ends_on=d(60),
        mobilise_ends_on=d(7),
        rectify_ends_on=d(45),
        accept_ends_on=d(55),
        scope_all_groups="on",
    )
    assert second.copied_from == first
    assert second.rule_params == {"A4-03": {"ceiling": 20000}}
    assert second.scope_all_groups
    assert Schedule.objects.get(campaign=second).report_weekday == 3


def test_only_the_city_admin_manages_and_only_its_county(clean, city_admin, city_reviewer, as_user):
    other = Unit.objects.create(code="419998", name="测试县", level=Level.COUNTY, is_fictional=True)
    theirs = Campaign.objects.create(
        name="测试县一轮", county=other, starts_on=round_today(), ends_on=round_today()
    )
    assert as_user(city_reviewer).post(reverse("campaigns:create"), _form()).status_code == 403
    admin = as_user(city_admin)
    assert admin.get(reverse("campaigns:detail", args=[theirs.pk])).status_code == 404
    response = admin.post(
        reverse("campaigns:step", args=[theirs.pk, "close"]), {"version": _version(theirs)}
    )
    assert response.status_code == 404
    assert Campaign.objects.get(pk=theirs.pk).status == Status.PUBLISHED


def test_the_admin_home_walks_through_setup_until_a_round_is_published(clean, city_admin, as_user):
    admin = as_user(city_admin)
    page = admin.get("/").content.decode()
    assert "开始使用" in page and "load_units" in page and "新建轮次" in page
    campaign = _create(admin)
    assert "尚未发布" in admin.get("/").content.decode()
    admin.post(
        reverse("campaigns:step", args=[campaign.pk, "publish"]), {"version": _version(campaign)}
    )
    page = admin.get("/").content.decode()
    assert "开始使用" not in page and campaign.name in page


@pytest.mark.parametrize(
    "persona", ["city_admin", "city_reviewer", "officer_a", "worker_a", "inspector"]
)
def test_every_page_works_before_the_first_round(clean, request, as_user, persona):
    """A fresh install has no round: no page fails (each says there is none, or shows
    what does not need one)."""
    from tests.test_headers_crawl import parameterless_routes

    client = as_user(request.getfixturevalue(persona))
    client.raise_request_exception = False
    failed = []
    for url in sorted(set(parameterless_routes())):
        if url.startswith("/api/"):
            continue
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(url)
    assert failed == [], ", ".join(failed)
