"""``manage.py import_list --source fpjc|minzheng FILE [--dry-run] [--errors OUT.xlsx]
[--user USERNAME]`` (issue #18): import a department list as a new version. Exit codes and
--user (a city role) as every workbook import (``anju.registry.io.command``).
"""

from __future__ import annotations

from django.core.management.base import CommandError

from anju.monitoring.importer import TABLES, import_list
from anju.monitoring.models import ListVersion, Source
from anju.monitoring.services import can_import_lists
from anju.registry.io.command import WorkbookImportCommand


class Command(WorkbookImportCommand):
    help = "导入部门名单（防返贫监测对象、民政救助对象）为一个新版本：逐格检查，有错误不写入。"
    what = "部门名单"

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            required=True,
            choices=Source.values,
            help="名单来源：fpjc 防返贫监测，minzheng 民政",
        )
        parser.add_argument("file", help="名单文件（.xlsx/.xls/.csv）")
        super().add_arguments(parser)

    def may_import(self, user) -> bool:
        return can_import_lists(user)

    def run(self, path, *, user, dry_run, source, **options):
        if source not in TABLES:
            raise CommandError(f"暂不支持导入{Source(source).label}名单。", returncode=1)
        return import_list(path, source=source, user=user, dry_run=dry_run)

    def describe(self, version: ListVersion) -> None:
        out = self.stdout
        out.write(
            f"{version.get_source_display()}名单：{version.filename}（SHA-256 {version.file_sha256}）"
        )
        summary = version.summary or {}
        if summary.get("sheet"):
            out.write(
                f"工作表“{summary['sheet']}”，表头在第 {summary.get('header_row', 1)} 行，"
                f"共 {version.persons} 行（人），{version.households} 户。"
            )
        if version.data_date:
            out.write(f"数据日期：{version.data_date:%Y-%m-%d}。")
