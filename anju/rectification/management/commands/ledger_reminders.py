"""``manage.py ledger_reminders [--date YYYY-MM-DD]``: the daily due-soon / overdue reminders."""

from __future__ import annotations

from anju.core.reminders import DailyReminders
from anju.rectification.reminders import send_ledger_reminders


class Command(DailyReminders):
    help = "向乡镇经办人发送整改台账临期（3 天内）和逾期提醒（每天运行一次）。"

    def send(self, *, today):
        return send_ledger_reminders(today=today)

    def summary(self, sent):
        return (
            f"新发临期提醒 {sent['due_soon']} 条，逾期提醒 {sent['overdue']} 条；"
            f"已销号或时限已改、标为已处理 {sent['done']} 条。"
        )
