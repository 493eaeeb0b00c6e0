from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anju.registry.retention import anonymise_closed


class Command(BaseCommand):
    help = (
        "匿名化保存期限届满的已结案农户的个人信息（身份证号、电话、补助发放账号、住房坐标、"
        "照片），户主姓名只留姓氏；每次运行记一条审计日志。每日运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="保存年限，默认取 ANJU_PI_RETENTION_YEARS（10 年）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不修改")

    def handle(self, *args, years: int | None, dry_run: bool, **options):
        years = settings.PI_RETENTION_YEARS if years is None else years
        if years < 1:
            raise CommandError("保存年限（--years）至少为 1 年。")
        result = anonymise_closed(years=years, dry_run=dry_run)
        scope = f"验收（或无改造且最后修改）早于 {result.cutoff:%Y-%m-%d}（保存 {years} 年）"
        other = result.removed_text()
        other = f"（另：{other}）" if other else ""
        if dry_run:
            self.stdout.write(
                f"试运行：{scope}、无未结问题的农户共 {result.households} 户，"
                f"将删除其照片与附件 {result.attachments} 个{other}；未做任何修改。"
            )
        else:
            self.stdout.write(
                f"已匿名化{scope}的已结案农户 {result.households} 户，"
                f"删除照片与附件 {result.attachments} 个{other}；已记入审计日志。"
            )
