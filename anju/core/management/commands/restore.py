from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from anju.audit.events import Event
from anju.audit.services import record
from anju.core.backup import (
    backup_anchor,
    compare,
    fingerprint,
    restore,
    set_aside_later_anchors,
)


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
            anchor = backup_anchor(file, manifest)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", "--check", verbosity=0)
        problems = compare(manifest["tables"], fingerprint())
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError("恢复后的数据与备份清单不一致。")
        try:
            superseded = set_aside_later_anchors(anchor)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for item in superseded:
            self.stdout.write(
                f"备份之后写出的审计锚点 {item['file']}（记载 {item['rows']} 条）已移到一旁："
                "这些记录不在备份中。"
            )
        record(
            Event.RESTORED,
            object_label="core.backup",
            object_pk=file.name,
            detail={
                "backup": file.name,
                "anchor": anchor.name if anchor else "",
                "superseded": superseded,
            },
        )
        call_command("verify_audit", anchor=[str(anchor)] if anchor else [])
        call_command("verify_reports")
        self.stdout.write(
            f"已从 {file.name} 恢复，{len(manifest['tables'])} 张核心表的行数与主键哈希一致。"
        )
