"""``manage.py verify_signature``: recompute the SHA-256 of every signed final report's stored
.docx and .xlsx and its sealed ledger; exit 1 naming each one that does not match
(SECURITY.md row 25)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.acceptance import integrity


class Command(BaseCommand):
    help = "校验已签字的整改报告和整改台账：文件或数据在签字后被改动的逐一列出并以 1 退出。"

    def handle(self, *args, **options):
        problems = integrity.verify()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            self.stderr.write(f"共 {len(problems)} 处签字校验失败。")
            raise SystemExit(1)
        self.stdout.write(f"已校验 {integrity.count()} 份已签字的总结验收材料，文件与签字一致。")
