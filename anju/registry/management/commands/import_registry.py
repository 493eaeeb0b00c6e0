"""``manage.py import_registry FILE.xlsx [--dry-run] [--valid-only] [--errors OUT.xlsx]
[--user USERNAME] [--create-villages]`` (DESIGN.md §6).

Exit 0 when the file was imported (or, with --dry-run, checked without errors); 1 when
errors blocked it or the file was refused. Without --user the import acts as the system for
the whole county; with --user it has that user's scope and is audited as them.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.audit.context import SYSTEM, acting_as
from anju.registry.io.problems import label, problems_workbook
from anju.registry.io.readers import FileRefused
from anju.registry.io.services import can_import, import_path
from anju.registry.models import ImportBatch

Status, Mode = ImportBatch.Status, ImportBatch.Mode
SHOWN = 20


class Command(BaseCommand):
    help = "导入农户住房信息表（.xlsx/.xls/.csv）：逐格检查，按身份证号匹配，重复导入不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="农户信息表文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--valid-only", action="store_true", help="只导入无误的行")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把问题清单写入该文件")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户的身份和范围导入")
        parser.add_argument(
            "--create-villages", action="store_true", help="自动新建村名单中没有的行政村"
        )

    def handle(self, *args, file, dry_run, valid_only, errors, user, create_villages, **options):
        if dry_run and valid_only:
            raise CommandError("--dry-run 与 --valid-only 不能同时使用。")
        mode = Mode.DRY_RUN if dry_run else Mode.VALID_ONLY if valid_only else Mode.ALL
        importer = self._user(user) if user else None
        try:
            with acting_as(importer if importer is not None else SYSTEM):
                batch = import_path(
                    Path(file), user=importer, mode=mode, create_villages=create_villages
                )
        except FileRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        self._report(batch)
        if errors:
            Path(errors).write_bytes(problems_workbook(batch.problems))
            self.stdout.write(f"问题清单已写入：{errors}")
        ok = batch.status == Status.DONE or (
            batch.status == Status.CHECKED and not batch.error_count
        )
        if not ok:
            raise CommandError(batch.message or batch.get_status_display(), returncode=1)

    def _user(self, username: str):
        from anju.accounts.models import User

        found = (
            User.objects.filter(username=username, is_active=True).select_related("unit").first()
        )
        if found is None:
            raise CommandError(f"用户“{username}”不存在或已停用。", returncode=1)
        if not can_import(found):
            raise CommandError(
                f"用户“{username}”（{found.role_label}）无权导入农户信息。", returncode=1
            )
        return found

    def _report(self, batch: ImportBatch) -> None:
        out = self.stdout
        out.write(f"文件：{batch.filename}（SHA-256 {batch.file_sha256}）")
        summary = batch.summary or {}
        if summary.get("sheet"):
            out.write(
                f"工作表“{summary['sheet']}”，表头在第 {summary.get('header_row', 1)} 行，"
                f"共 {batch.total_rows} 行数据。"
            )
        if batch.status == Status.DONE:
            out.write(
                f"新增 {batch.created} 户，更新 {batch.updated} 户，无变化 {batch.unchanged} 户，"
                f"有错误未导入 {batch.skipped} 行。"
            )
            if summary.get("villages_created"):
                out.write(f"新建行政村 {summary['villages_created']} 个。")
        elif batch.total_rows:
            out.write(
                f"可新增 {summary.get('would_create', 0)} 户，可更新 {summary.get('would_update', 0)} 户，"
                f"无变化 {batch.unchanged} 户，有错误 {batch.skipped} 行。"
            )
        out.write(f"错误 {batch.error_count} 个，提示 {batch.warning_count} 个。")
        for problem in batch.problems[:SHOWN]:
            place = " ".join(
                part
                for part in (
                    f"第 {problem['row']} 行" if problem.get("row") else "",
                    f"{problem['col']} 列（{problem['header']}）" if problem.get("col") else "",
                )
                if part
            )
            value = f"“{problem['value']}”" if problem.get("value") else ""
            lead = f"{place}{value}：" if place or value else ""
            self.stderr.write(f"[{label(problem['level'])}] {lead}{problem['message']}")
        if len(batch.problems) > SHOWN:
            self.stderr.write(f"……另有 {len(batch.problems) - SHOWN} 条，见 --errors 问题清单。")
        out.write(f"结果：{batch.get_status_display()}。{batch.message}")
