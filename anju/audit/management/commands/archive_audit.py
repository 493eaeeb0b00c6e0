import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anju.audit.models import AuditEvent

MINIMUM_DAYS = 180  # 网络安全法第二十一条：网络日志留存不少于六个月


class Command(BaseCommand):
    help = (
        "把早于指定天数的审计记录归档到 JSON Lines 文件（含哈希，可离线校验）。"
        "记录仍保留在数据库中，从不删除；天数不得少于 180。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=365, help="天数（≥180，默认 365）")
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, older_than: int, out: Path | None, **options):
        if older_than < MINIMUM_DAYS:
            raise CommandError(
                f"审计记录须保留至少 {MINIMUM_DAYS} 天，--older-than 不能小于 {MINIMUM_DAYS}。"
            )
        cutoff = timezone.now() - dt.timedelta(days=older_than)
        out = out or settings.DATA_DIR / "audit-archive" / f"audit-before-{cutoff:%Y%m%d}.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with out.open("w", encoding="utf-8") as fh:
            for e in (
                AuditEvent.objects.filter(ts__lt=cutoff).order_by("id").iterator(chunk_size=5000)
            ):
                fh.write(
                    json.dumps(
                        {"id": e.pk, "canonical": e.canonical(), "hash": e.hash}, ensure_ascii=False
                    )
                    + "\n"
                )
                count += 1
        self.stdout.write(
            f"已归档 {count} 条早于 {cutoff:%Y-%m-%d} 的审计记录到 {out}（数据库中的记录保持不变）。"
        )
