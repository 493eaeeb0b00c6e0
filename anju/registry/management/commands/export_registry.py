"""``manage.py export_registry --out FILE.xlsx [--township CODE] [--village CODE] [--masked]
[--user USERNAME] [--reason TEXT]``: the registry in the import template (.xlsx, or .csv by
the file's extension), so it imports back unchanged.

Without --user the command acts as the system (the server's operator) for the whole county
and writes full ID numbers and phones unless --masked; with --user it has that user's
scope, and full numbers only for roles that may see them. Every export is audited with its
filter, row count and the file's SHA-256.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.accounts.roles import UNMASK
from anju.audit.context import SYSTEM, acting_as
from anju.registry.io import exporter
from anju.registry.io.audit import record_registry_export
from anju.units.models import Level, Unit


class Command(BaseCommand):
    help = "按导入模板导出农户住房信息（.xlsx 或 .csv），可再次导入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, metavar="FILE.xlsx", help="输出文件（.xlsx 或 .csv）"
        )
        parser.add_argument("--township", metavar="CODE", help="只导出该乡镇（9 位代码）")
        parser.add_argument("--village", metavar="CODE", help="只导出该行政村（12 位代码）")
        parser.add_argument("--masked", action="store_true", help="身份证号与电话脱敏")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户的身份和范围导出")
        parser.add_argument("--reason", default="", help="导出理由（记入审计）")

    def handle(self, *args, out, township, village, masked, user, reason, **options):
        out = Path(out)
        fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("输出文件应为 .xlsx 或 .csv。")
        exporter_user = self._user(user) if user else None
        township_unit = self._unit(township, Level.TOWNSHIP, "乡镇") if township else None
        village_unit = self._unit(village, Level.VILLAGE, "行政村") if village else None
        unmasked = not masked and (exporter_user is None or exporter_user.role in UNMASK)
        queryset = exporter.households_for(
            exporter_user, township=township_unit, village=village_unit
        )
        with acting_as(exporter_user if exporter_user is not None else SYSTEM):
            result = exporter.export(queryset, out, fmt=fmt, unmasked=unmasked)
            record_registry_export(
                filters={"township": township or "", "village": village or ""},
                result=result,
                unmasked=unmasked,
                reason=reason or "命令行导出",
                fmt=fmt,
            )
        shown = "完整身份证号与电话" if unmasked else "脱敏的身份证号与电话"
        self.stdout.write(
            f"已导出 {result.rows} 户（{shown}）到 {out}（SHA-256 {result.sha256}）。"
        )

    def _user(self, username: str):
        from anju.accounts.models import User

        found = (
            User.objects.filter(username=username, is_active=True).select_related("unit").first()
        )
        if found is None:
            raise CommandError(f"用户“{username}”不存在或已停用。")
        return found

    def _unit(self, code: str, level: str, label: str) -> Unit:
        unit = Unit.objects.filter(code=code, level=level).first()
        if unit is None:
            raise CommandError(f"没有代码为 {code} 的{label}。")
        return unit
