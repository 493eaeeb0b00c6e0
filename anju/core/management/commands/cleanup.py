import datetime as dt
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.core import dbstats


class Command(BaseCommand):
    help = "清理残留数据：过期会话、超过 24 小时的导入临时文件，并刷新数据库统计信息（每日运行，等保 8.1.4.10）。"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        cutoff = time.time() - dt.timedelta(hours=hours).total_seconds()
        removed = 0
        temp = settings.DATA_DIR / "tmp"
        if temp.exists():
            for path in temp.rglob("*"):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        dbstats.optimize()  # SQLite: refresh planner statistics that drifted (cheap)
        self.stdout.write(f"已清理过期会话 {sessions} 个、临时文件 {removed} 个。")
