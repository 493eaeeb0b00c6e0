"""The reminders run by themselves (#17 item 8): ``schedule_jobs`` queues each periodic job
once in the database task queue, and the real ``db_worker`` runs it when its time comes and
queues the next run — the schedule lives in the queue, so it survives restarts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anju.core import periodic
from anju.core.models import Reminder
from anju.rectification.models import LedgerEntry

# The worker checks its connection between tasks, which a test's wrapping transaction
# would not survive: these tests commit, and the database is restored afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


RUN = "anju.core.tasks.run_periodic"


def queued() -> dict[str, dt.datetime]:
    rows = DBTaskResult.objects.filter(status="READY", task_path=RUN)
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.args_kwargs["args"][0], []).append(row.run_after)
    assert all(len(times) == 1 for times in found.values()), found  # one pending run each
    return {command: times[0] for command, times in found.items()}


def work() -> None:
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_worker_sends_the_reminders_by_itself_and_queues_the_next_run(
    make_entry, officer_a, ledger_campaign, capsys
):
    late = make_entry(deadline=dt.date.today() + dt.timedelta(days=1))
    LedgerEntry.objects.filter(pk=late.pk).update(deadline=dt.date.today() - dt.timedelta(days=2))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        call_command("schedule_jobs")
        out = capsys.readouterr().out
        call_command("schedule_jobs")  # started again: nothing queued twice
    ledger = periodic.job("ledger_reminders")
    hourly = periodic.job("reporting_reminders")
    nightly = periodic.job("refresh_overview")
    first = queued()
    assert first == {
        "ledger_reminders": ledger.next_run(start),
        "monitoring_reminders": periodic.job("monitoring_reminders").next_run(start),
        "reporting_reminders": hourly.next_run(start),
        "refresh_overview": nightly.next_run(start),
    }
    assert "定时任务：整改台账临期和逾期提醒（ledger_reminders），每天 07:30；下次" in out
    assert "动态监测名单新增待鉴定和逾期提醒（monitoring_reminders），每天 07:35" in out
    assert "定时任务：周报临期、退回和逾期提醒（reporting_reminders），每小时第 05 分" in out
    assert "定时任务：全县概览重新统计（逾期按新的一天判断）（refresh_overview），每天 00:10" in out
    assert timezone.localtime(first["ledger_reminders"]).time() == dt.time(7, 30)

    with time_machine.travel(start, tick=False):
        work()  # nothing is due yet
    assert not Reminder.objects.exists() and queued() == first

    later = max(first.values()) + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        work()
    overdue = Reminder.objects.get(user=officer_a, kind="ledger_overdue")
    assert f"整改台账第{late.number}号" in overdue.title
    done = {
        r.args_kwargs["args"][0]: r.return_value
        for r in DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=RUN)
    }
    assert "逾期提醒 1 条" in done["ledger_reminders"]["output"]
    assert "周报提醒：" in done["reporting_reminders"]["output"]
    assert "概览已统计：" in done["refresh_overview"]["output"]
    assert "名单未导入提醒 0 条" in done["monitoring_reminders"]["output"]
    assert queued() == {
        "ledger_reminders": ledger.next_run(later),
        "monitoring_reminders": periodic.job("monitoring_reminders").next_run(later),
        "reporting_reminders": hourly.next_run(later),
        "refresh_overview": nightly.next_run(later),
    }
    assert queued()["ledger_reminders"] - first["ledger_reminders"] == dt.timedelta(days=1)


def test_a_worker_that_was_down_catches_up_once(ledger_campaign):
    with override_settings(TASKS=DATABASE_QUEUE):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            periodic.ensure_scheduled()
        three_days = start + dt.timedelta(days=3)
        with time_machine.travel(three_days, tick=False):
            call_command("schedule_jobs")  # the machine restarts: the old runs are still queued
            work()
        ran = DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=RUN)
        assert sorted(r.args_kwargs["args"][0] for r in ran) == [
            "ledger_reminders",
            "monitoring_reminders",
            "refresh_overview",
            "reporting_reminders",
        ]
        assert all(when > three_days for when in queued().values())


def test_without_a_database_queue_nothing_is_scheduled(capsys):
    call_command("schedule_jobs")
    assert "不排定时任务" in capsys.readouterr().out
    assert not DBTaskResult.objects.exists()
