from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.audit.context import SYSTEM, acting_as
from anju.units.loader import load_units_csv


class Command(BaseCommand):
    help = "导入乡镇、村级区划（国家统计局 CSV 格式：代码,名称,上级代码）。有任何错误则不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            with acting_as(SYSTEM):
                result = load_units_csv(file.read_bytes())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"发现 {len(result.errors)} 处错误，未写入任何数据。")
        self.stdout.write(
            f"新增 {result.created} 个，更新 {result.updated} 个，未变 {result.unchanged} 个。"
        )
