"""``manage.py verify_reports``: recompute every sent weekly report's hash from its stored
snapshot and the chain, and every signed final report's file hashes (``verify_signature``);
exit 1 naming each report that does not match (SECURITY.md rows 24 and 25)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.acceptance import integrity as final
from anju.reporting import integrity


class Command(BaseCommand):
    help = "校验周报的哈希链和已签字的整改报告：有报送或签字后被改动的逐一列出并以 1 退出。"

    def handle(self, *args, **options):
        problems = [*integrity.verify(), *final.verify()]
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            self.stderr.write(f"共 {len(problems)} 处周报或整改报告校验失败。")
            raise SystemExit(1)
        self.stdout.write(f"已校验 {integrity.count()} 份已报送的周报，哈希链完整。")
        self.stdout.write(f"已校验 {final.count()} 份已签字的整改报告和整改台账，文件与签字一致。")
