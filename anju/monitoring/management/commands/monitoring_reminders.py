"""``manage.py monitoring_reminders [--date YYYY-MM-DD]``: 动态监测's daily reminders."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anju.audit.context import SYSTEM, acting_as
from anju.monitoring.reminders import send_monitoring_reminders


class Command(BaseCommand):
    help = "动态监测提醒：名单新增农户待鉴定、超过鉴定时限未鉴定（乡镇经办人），本月名单未导入（市住建局审核员）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="以该日期为“今天”（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”格式不对，应为 YYYY-MM-DD。") from None
        with acting_as(SYSTEM):
            sent = send_monitoring_reminders(today=today)
        self.stdout.write(
            f"{today:%Y-%m-%d}：新发待鉴定提醒 {sent['due']} 条，逾期未鉴定提醒 {sent['overdue']} 条，"
            f"名单未导入提醒 {sent['lists']} 条；已处理 {sent['done']} 条。"
        )
