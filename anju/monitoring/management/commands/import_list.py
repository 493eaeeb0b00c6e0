"""``manage.py import_list --source fpjc|minzheng FILE [--dry-run] [--errors OUT.xlsx]
[--user USERNAME]`` (issue #18): import a department list as a new version.

Exit codes as ``import_registry``: 0 when the list was written (or, with --dry-run, checked
without errors); 1 when errors blocked it or the file was refused. Without --user the import
acts as the system for the whole county; with --user as that user (a city role), audited.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.audit.context import SYSTEM, acting_as
from anju.monitoring.importer import TABLES, import_list
from anju.monitoring.models import ListVersion, Source
from anju.monitoring.services import can_import_lists
from anju.registry.io.problems import label, problems_workbook
from anju.registry.io.readers import FileRefused

Status = ListVersion.Status
SHOWN = 20


class Command(BaseCommand):
    help = "导入部门名单（防返贫监测对象、民政救助对象）为一个新版本：逐格检查，有错误不写入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            required=True,
            choices=Source.values,
            help="名单来源：fpjc 防返贫监测，minzheng 民政",
        )
        parser.add_argument("file", help="名单文件（.xlsx/.xls/.csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把问题清单写入该文件")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户的身份导入")

    def handle(self, *args, source, file, dry_run, errors, user, **options):
        if source not in TABLES:
            raise CommandError(f"暂不支持导入{Source(source).label}名单。", returncode=1)
        importer = self._user(user) if user else None
        try:
            with acting_as(importer if importer is not None else SYSTEM):
                version = import_list(Path(file), source=source, user=importer, dry_run=dry_run)
        except FileRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        self._report(version)
        if errors:
            Path(errors).write_bytes(problems_workbook(version.problems))
            self.stdout.write(f"问题清单已写入：{errors}")
        ok = version.status == Status.DONE or (
            version.status == Status.CHECKED and not version.error_count
        )
        if not ok:
            raise CommandError(version.message or version.get_status_display(), returncode=1)

    def _user(self, username: str):
        from anju.accounts.models import User

        found = (
            User.objects.filter(username=username, is_active=True).select_related("unit").first()
        )
        if found is None:
            raise CommandError(f"用户“{username}”不存在或已停用。", returncode=1)
        if not can_import_lists(found):
            raise CommandError(
                f"用户“{username}”（{found.role_label}）无权导入部门名单。", returncode=1
            )
        return found

    def _report(self, version: ListVersion) -> None:
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
        out.write(f"错误 {version.error_count} 个，提示 {version.warning_count} 个。")
        for problem in version.problems[:SHOWN]:
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
        if len(version.problems) > SHOWN:
            self.stderr.write(f"……另有 {len(version.problems) - SHOWN} 条，见 --errors 问题清单。")
        out.write(f"结果：{version.get_status_display()}。{version.message}")
