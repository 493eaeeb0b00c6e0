"""``manage.py ledger_reminders [--date YYYY-MM-DD]``: the daily due-soon / overdue reminders."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anju.audit.context import SYSTEM, acting_as
from anju.rectification.reminders import send_ledger_reminders


class Command(BaseCommand):
    help = "向乡镇经办人发送整改台账临期（3 天内）和逾期提醒（每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="以该日期为“今天”（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”格式不对，应为 YYYY-MM-DD。") from None
        with acting_as(SYSTEM):
            sent = send_ledger_reminders(today=today)
        self.stdout.write(
            f"{today:%Y-%m-%d}：新发临期提醒 {sent['due_soon']} 条，逾期提醒 {sent['overdue']} 条；"
            f"已销号或时限已改、标为已处理 {sent['done']} 条。"
        )
