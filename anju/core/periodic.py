"""Jobs the worker runs by itself on a clock (DESIGN.md §6's daily and hourly commands).

Each job is a management command run by the ``run_periodic`` task. The schedule lives in the
task queue itself: a run first queues the next one (``run_after`` the next slot), so the
schedule survives restarts of the worker and of the machine, and a run that fails does not
break it. ``ensure_scheduled`` (``manage.py schedule_jobs``, called by ``make run`` before
the worker starts) queues a job that has no pending run — after a fresh install, or when a
pending run was lost — and never a second one. A worker that was down catches up once.
Times are Beijing time (``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Job:
    command: str
    label: str
    minute: int
    hour: int | None = None  # None: every hour at ``minute``; else daily at hour:minute

    @property
    def when(self) -> str:
        if self.hour is None:
            return f"每小时第 {self.minute:02d} 分"
        return f"每天 {self.hour:02d}:{self.minute:02d}"

    def next_run(self, after: dt.datetime) -> dt.datetime:
        """The first slot strictly after ``after`` (aware), in the local time zone."""
        local = timezone.localtime(after).replace(second=0, microsecond=0)
        if self.hour is None:
            slot = local.replace(minute=self.minute)
            step = dt.timedelta(hours=1)
        else:
            slot = local.replace(hour=self.hour, minute=self.minute)
            step = dt.timedelta(days=1)
        while slot <= timezone.localtime(after):
            slot += step
        return slot


JOBS: tuple[Job, ...] = (
    # 完成时限 are days: once a day, before the working day starts.
    Job("ledger_reminders", "整改台账临期和逾期提醒", hour=7, minute=30),
    # 动态监测: lists by the 5th, new households assessed by the 20th (days, like the ledger).
    Job("monitoring_reminders", "动态监测名单新增待鉴定和逾期提醒", hour=7, minute=35),
    # Weekly reports are due at an hour ("24 小时前" and "已过截止时间" need hourly runs).
    Job("reporting_reminders", "周报临期、退回和逾期提醒", minute=5),
    # "逾期" moves at midnight without any change (changes queue their own refresh).
    Job("refresh_overview", "全县概览重新统计（逾期按新的一天判断）", hour=0, minute=10),
)


def job(command: str) -> Job:
    for j in JOBS:
        if j.command == command:
            return j
    raise KeyError(command)


def _task():
    from anju.core.tasks import run_periodic

    return run_periodic


def deferrable() -> bool:
    """Whether the configured task backend can hold a run until a time (the database one);
    the in-process backend of tests and ``ANJU_TASKS_IMMEDIATE`` cannot."""
    return _task().get_backend().supports_defer


def waiting(task) -> list[tuple[list, dt.datetime]]:
    """The queued, not yet started runs of ``task``: (args, run_after) each."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    ).values_list("args_kwargs", "run_after")
    return [(args_kwargs.get("args") or [], run_after) for args_kwargs, run_after in rows]


def pending() -> dict[str, dt.datetime]:
    """The next queued run of each job (``command`` → ``run_after``)."""
    found: dict[str, dt.datetime] = {}
    for args, run_after in waiting(_task()):
        if args and (args[0] not in found or run_after < found[args[0]]):
            found[args[0]] = run_after
    return found


def queue_next(j: Job, *, after: dt.datetime | None = None) -> dt.datetime | None:
    """Queue ``j``'s next run unless one is already pending; returns its time."""
    if not deferrable():
        return None
    have = pending().get(j.command)
    if have is not None:
        return have
    when = j.next_run(after or timezone.now())
    _task().using(run_after=when).enqueue(j.command)
    return when


def ensure_scheduled(*, now: dt.datetime | None = None) -> list[tuple[Job, dt.datetime | None]]:
    """Every job has exactly one pending run; returns each job with its next run."""
    return [(j, queue_next(j, after=now)) for j in JOBS]
