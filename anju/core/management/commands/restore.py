from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from anju.core.backup import compare, fingerprint, restore


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件，然后核对各表行数与主键哈希，并校验审计哈希链、周报与签字报告。会覆盖当前数据库。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            raise CommandError("恢复会覆盖当前数据库，请加 --yes 确认。")
        if not file.exists() or not file.with_suffix(".json").exists():
            raise CommandError(f"找不到备份文件或其清单：{file}")
        try:
            manifest = restore(file)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", "--check", verbosity=0)
        problems = compare(manifest["tables"], fingerprint())
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError("恢复后的数据与备份清单不一致。")
        call_command("verify_audit")
        call_command("verify_reports")
        self.stdout.write(
            f"已从 {file.name} 恢复，{len(manifest['tables'])} 张核心表的行数与主键哈希一致。"
        )
