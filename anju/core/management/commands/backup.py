from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from anju.core.backup import backup


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump）和上传文件，并写出含各表行数、主键哈希与文件哈希的清单。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="备份目录（默认：数据目录下 backups/）"
        )

    def handle(self, *args, dir=None, **options):
        target = backup(dir or settings.DATA_DIR / "backups")
        self.stdout.write(
            f"已备份到 {target}（上传文件 {target.stem}.media.tar，清单 {target.with_suffix('.json').name}）"
        )
