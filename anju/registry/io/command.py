"""What the two workbook-import commands share (``import_registry``, and monitoring's
``import_list``): ``--dry-run``, ``--errors OUT.xlsx``, ``--user USERNAME``, the run as
the system or as that user, the problems on stderr and the exit code.

Exit 0 when the file was imported (or, with --dry-run, checked without errors); 1 when
errors blocked it or the file was refused. Without --user the import acts as the system for
the whole county; with --user it has that user's scope and is audited as them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anju.audit.context import SYSTEM, acting_as
from anju.registry.io.problems import label, problems_workbook
from anju.registry.io.readers import FileRefused

SHOWN = 20


class WorkbookImportCommand(BaseCommand):
    """A subclass says ``what`` it imports (for a user who may not), ``may_import(user)``,
    ``run(path, user=, dry_run=, **options)`` — the finished ``ImportBatch`` or
    ``ListVersion`` — and ``describe(run)``, the lines before the problems."""

    what = ""

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把问题清单写入该文件")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户的身份和范围导入")

    def may_import(self, user) -> bool:
        raise NotImplementedError

    def run(self, path: Path, *, user, dry_run: bool, **options) -> Any:
        raise NotImplementedError

    def describe(self, run) -> None:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, errors, user, **options):
        importer = self._user(user) if user else None
        try:
            with acting_as(importer if importer is not None else SYSTEM):
                run = self.run(Path(file), user=importer, dry_run=dry_run, **options)
        except FileRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        self._report(run)
        if errors:
            Path(errors).write_bytes(problems_workbook(run.problems))
            self.stdout.write(f"问题清单已写入：{errors}")
        ok = run.status == run.Status.DONE or (
            run.status == run.Status.CHECKED and not run.error_count
        )
        if not ok:
            raise CommandError(run.message or run.get_status_display(), returncode=1)

    def _user(self, username: str):
        from anju.accounts.models import User

        found = (
            User.objects.filter(username=username, is_active=True).select_related("unit").first()
        )
        if found is None:
            raise CommandError(f"用户“{username}”不存在或已停用。", returncode=1)
        if not self.may_import(found):
            raise CommandError(
                f"用户“{username}”（{found.role_label}）无权导入{self.what}。", returncode=1
            )
        return found

    def _report(self, run) -> None:
        self.describe(run)
        self.stdout.write(f"错误 {run.error_count} 个，提示 {run.warning_count} 个。")
        for problem in run.problems[:SHOWN]:
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
        if len(run.problems) > SHOWN:
            self.stderr.write(f"……另有 {len(run.problems) - SHOWN} 条，见 --errors 问题清单。")
        self.stdout.write(f"结果：{run.get_status_display()}。{run.message}")
