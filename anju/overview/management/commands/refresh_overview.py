"""``manage.py refresh_overview``: recompute the county overview now (for cron, e.g. every
30 minutes, and after a large import)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.audit.context import Actor, acting_as
from anju.campaigns.models import Campaign
from anju.overview import services

COMMAND_ACTOR = Actor(user_id=None, username="refresh_overview", role="system", unit_code="")


class Command(BaseCommand):
    help = "重新统计全县概览（各乡镇、各村的数字与分周趋势），供概览页面读取。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--campaign", type=int, help="“回头看”工作的编号（默认：当前进行中的一轮）"
        )

    def handle(self, *args, campaign=None, **options):
        if campaign is not None:
            found = Campaign.objects.filter(pk=campaign).first()
            if found is None:
                self.stderr.write(f"没有编号为 {campaign} 的“回头看”工作。")
                raise SystemExit(1)
        else:
            found = Campaign.objects.current()
            if found is None:
                self.stdout.write("尚无进行中的“回头看”工作，无需统计。")
                return
        with acting_as(COMMAND_ACTOR):
            snapshot = services.refresh(campaign=found, label="命令行 refresh_overview")
        self.stdout.write(
            f"概览已统计：{found.name}，指标 {snapshot.rows} 行，用时 {snapshot.seconds:.2f} 秒。"
        )
