import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.accounts.services import disable_idle_accounts


class Command(BaseCommand):
    help = "停用长期未登录的账号并结束其会话（默认 90 天，ANJU_IDLE_ACCOUNT_DAYS）。每日运行。"

    def handle(self, *args, **options):
        cutoff = timezone.now() - dt.timedelta(days=settings.IDLE_ACCOUNT_DAYS)
        names = disable_idle_accounts(cutoff)
        self.stdout.write(f"已停用 {len(names)} 个长期未登录的账号：{'、'.join(names) or '无'}")
