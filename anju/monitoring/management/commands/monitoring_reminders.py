"""``manage.py monitoring_reminders [--date YYYY-MM-DD]``: 动态监测's daily reminders."""

from __future__ import annotations

from anju.core.reminders import DailyReminders
from anju.monitoring.reminders import send_monitoring_reminders


class Command(DailyReminders):
    help = "动态监测提醒：名单新增农户待鉴定、超过鉴定时限未鉴定（乡镇经办人），本月名单未导入（市住建局审核员）。"

    def send(self, *, today):
        return send_monitoring_reminders(today=today)

    def summary(self, sent):
        return (
            f"新发待鉴定提醒 {sent['due']} 条，逾期未鉴定提醒 {sent['overdue']} 条，"
            f"名单未导入提醒 {sent['lists']} 条；已处理 {sent['done']} 条。"
        )
