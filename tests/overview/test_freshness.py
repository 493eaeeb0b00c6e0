"""The overview keeps itself fresh (#17 item 1): a change that moves a figure queues one
refresh for the worker (changes meanwhile join it), the real ``db_worker`` runs it, and the
page says honestly when its numbers were counted and whether a refresh is on its way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from anju.overview.models import Snapshot
from anju.rectification import services as ledger
from tests.overview.conftest import at

# The worker checks its connection between tasks, which a test's wrapping transaction would
# not survive: these tests commit, and the database is restored afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REFRESH = "anju.overview.tasks.refresh_after_changes"


def waiting() -> list[dt.datetime]:
    return list(
        DBTaskResult.objects.filter(task_path=REFRESH, status="READY").values_list(
            "run_after", flat=True
        )
    )


def work() -> None:
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")


def new_entry(campaign, officer_b, township_b, village_b, text):
    return ledger.create_entry(
        actor=officer_b,
        campaign=campaign,
        township=township_b,
        village=village_b,
        nature="个性问题",
        description=text,
        measures="由村两委于6月28日前完成挂牌并拍照存档",
        deadline=dt.date(2022, 6, 28),
    )


def b_total(page, township_b) -> int:
    return next(r for r in page.context["ov"].rows if r["unit"] == township_b)["l_total"]


@override_settings(TASKS=QUEUE, OVERVIEW_REFRESH_DELAY=30)
def test_changes_refresh_the_numbers_by_themselves(
    as_user, planted, refreshed, city_reviewer, officer_b, township_b, village_b
):
    city = as_user(city_reviewer)
    with at("2022-06-20 10:05"):
        page = city.get("/overview/")
        html = page.content.decode()
        assert "统计于 <time" in html and "2022-06-20 10:00</time>" in html
        assert "数据变更后自动重新统计。" in html
        assert b_total(page, township_b) == 3
        new_entry(planted.campaign, officer_b, township_b, village_b, "杨九户标识牌未悬挂")
        new_entry(planted.campaign, officer_b, township_b, village_b, "黄十户未鉴定")
        city.get("/overview/")  # reading moves nothing
        assert [t.isoformat() for t in waiting()] == ["2022-06-20T02:05:30+00:00"]  # one
        page = city.get("/overview/")
        html = page.content.decode()
        assert "此后有数据变更，将于 10:05 左右自动重新统计。" in html
        assert b_total(page, township_b) == 3  # still the numbers of 10:00, and it says so
        home = city.get("/").content.decode()
        assert "统计于 06-20 10:00。" in home and "将于 10:05 左右自动重新统计" in home
    with at("2022-06-20 10:05:10"):
        work()  # not yet due
    assert waiting() and Snapshot.objects.done().count() == 1
    with at("2022-06-20 10:06"):
        work()
        assert not waiting()
        latest = Snapshot.objects.latest_done(planted.campaign)
        assert latest.requested_by_label == "数据变更后自动统计"
        page = city.get("/overview/")
        html = page.content.decode()
        assert "2022-06-20 10:06</time>" in html and "数据变更后自动重新统计。" in html
        assert b_total(page, township_b) == 5


@override_settings(TASKS=QUEUE, OVERVIEW_REFRESH_DELAY=30)
def test_a_refresh_that_never_came_is_said_so(
    as_user, planted, refreshed, city_reviewer, officer_b, township_b, village_b
):
    with at("2022-06-20 10:05"):
        new_entry(planted.campaign, officer_b, township_b, village_b, "杨九户标识牌未悬挂")
    with at("2022-06-20 10:09"):  # no worker ran
        html = as_user(city_reviewer).get("/overview/").content.decode()
    assert "原定 10:05 自动重新统计但尚未进行（后台任务可能未运行）" in html


def test_without_a_worker_the_page_says_the_button_updates(as_user, refreshed, city_reviewer):
    with at("2022-06-20 10:05"):
        html = as_user(city_reviewer).get("/overview/").content.decode()
    assert "点击“重新统计”后更新。" in html
