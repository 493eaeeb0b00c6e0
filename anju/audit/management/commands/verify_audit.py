import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.audit import anchors
from anju.audit.chain import verify

STALE_DAYS = 2  # an anchor older than this means the daily anchor is not being written


class Command(BaseCommand):
    help = (
        "校验审计记录：用审计密钥逐条核对哈希链，并与数据库外的锚点（每日链头、备份时链头）"
        "核对记录条数和链头。发现被篡改、删除、截断的记录或被改动的锚点时逐项列出，以 1 退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            help="另外核对的锚点文件（如备份旁的 .anchor.json），可多次给出",
        )

    def handle(self, *args, anchor: list[str], **options):
        extra = [anchors.parse(Path(p).name, Path(p).read_text(encoding="utf-8")) for p in anchor]
        report = verify(extra_anchors=extra)
        walk = report.walk
        if report.problems:
            for problem in report.problems[:100]:
                self.stderr.write(problem.message)
            if len(report.problems) > 100:
                self.stderr.write(f"……另有 {len(report.problems) - 100} 处，未全部列出。")
            self.stderr.write(f"审计记录校验失败：共 {len(report.problems)} 处问题。")
            raise SystemExit(1)
        good = [a for a in report.anchors if not a.problem]
        self.stdout.write(
            f"审计记录哈希链完整：共 {walk.rows} 条，末条 id={walk.last_id}，"
            f"与 {len(good)} 个锚点一致。"
        )
        if walk.legacy_rows and walk.seal is not None:  # unsealed old rows failed above
            self.stdout.write(
                f"其中 {walk.legacy_rows} 条写于启用审计密钥之前，已于 id={walk.seal.pk} 封存。"
            )
        latest = max(good, key=lambda a: a.body["created_at"], default=None)
        if latest is None:
            self.stdout.write("提示：还没有锚点。运行 manage.py anchor_audit 或 backup 写出链头。")
        else:
            self.stdout.write(f"最近的锚点：{latest.label()}，记载 {latest.rows} 条。")
            written = dt.datetime.fromisoformat(latest.body["created_at"])
            if timezone.now() - written > dt.timedelta(days=STALE_DAYS):
                self.stdout.write(
                    f"提示：最近的锚点已超过 {STALE_DAYS} 天，请检查每日备份或 anchor_audit 定时任务。"
                )
