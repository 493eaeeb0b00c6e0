"""``manage.py verify_reports``: recompute every sent weekly report's hash from its stored
snapshot and the chain; exit 1 naming each report that does not match (SECURITY.md row 24)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.reporting import integrity


class Command(BaseCommand):
    help = "校验周报的哈希链：有报送后被改动或删除的周报则逐一列出并以 1 退出。"

    def handle(self, *args, **options):
        problems = integrity.verify()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            self.stderr.write(f"共 {len(problems)} 处周报校验失败。")
            raise SystemExit(1)
        self.stdout.write(f"已校验 {integrity.count()} 份已报送的周报，哈希链完整。")
