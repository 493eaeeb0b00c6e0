"""``manage.py import_registry FILE.xlsx [--dry-run] [--valid-only] [--errors OUT.xlsx]
[--user USERNAME] [--create-villages]`` (DESIGN.md §6). Exit codes and --user as every
workbook import (``anju.registry.io.command``).
"""

from __future__ import annotations

from django.core.management.base import CommandError

from anju.registry.io.command import WorkbookImportCommand
from anju.registry.io.services import can_import, import_path
from anju.registry.models import ImportBatch

Status, Mode = ImportBatch.Status, ImportBatch.Mode


class Command(WorkbookImportCommand):
    help = "导入农户住房信息表（.xlsx/.xls/.csv）：逐格检查，按身份证号匹配，重复导入不会产生重复数据。"
    what = "农户信息"

    def add_arguments(self, parser):
        parser.add_argument("file", help="农户信息表文件")
        super().add_arguments(parser)
        parser.add_argument("--valid-only", action="store_true", help="只导入无误的行")
        parser.add_argument(
            "--create-villages", action="store_true", help="自动新建村名单中没有的行政村"
        )

    def may_import(self, user) -> bool:
        return can_import(user)

    def run(self, path, *, user, dry_run, valid_only, create_villages, **options):
        if dry_run and valid_only:
            raise CommandError("--dry-run 与 --valid-only 不能同时使用。")
        mode = Mode.DRY_RUN if dry_run else Mode.VALID_ONLY if valid_only else Mode.ALL
        return import_path(path, user=user, mode=mode, create_villages=create_villages)

    def describe(self, batch: ImportBatch) -> None:
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
