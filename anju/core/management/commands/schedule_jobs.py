"""``manage.py schedule_jobs``: make sure each periodic job has its next run queued, and say
when (``make run`` calls it before starting the worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.core import periodic


class Command(BaseCommand):
    help = "为后台定时任务（整改台账提醒、周报提醒）排好下一次运行时间（已排好的不重复排）。"

    def handle(self, *args, **options):
        if not periodic.deferrable():
            self.stdout.write(
                "后台任务在当前进程内立即执行（ANJU_TASKS_IMMEDIATE），不排定时任务。"
            )
            return
        for job, when in periodic.ensure_scheduled():
            self.stdout.write(
                f"定时任务：{job.label}（{job.command}），{job.when}；"
                f"下次 {timezone.localtime(when):%Y-%m-%d %H:%M}"
            )
