"""``manage.py reporting_reminders``: the hourly weekly-report reminders (due soon, returned,
overdue). Idempotent: a reminder already sent is not sent again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.audit.context import SYSTEM, acting_as
from anju.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = "发送周报提醒：截止前 24 小时临期提醒、退回提醒、逾期未报送提醒（每小时运行一次）。"

    def handle(self, *args, **options):
        with acting_as(SYSTEM):
            sent = send_reminders()
        self.stdout.write(
            f"周报提醒：新发临期提醒 {sent['due_soon']} 条，退回提醒 {sent['returned']} 条，"
            f"逾期提醒 {sent['overdue']} 条；原因已消除、标为已处理 {sent['done']} 条。"
        )
