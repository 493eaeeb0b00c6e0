from django.core.management.base import BaseCommand

from anju.registry.io.services import reap_all


class Command(BaseCommand):
    help = (
        "把执行进程已经中止、却仍显示“导入中”的导入记录标记为失败（没有写入任何数据，"
        "可在导入结果页“重新导入”）。scripts/serve.sh 每次启动后台任务进程前运行。"
    )

    def handle(self, *args, **options):
        reaped = reap_all()
        for batch in reaped:
            self.stdout.write(
                f"导入记录 #{batch.pk}（{batch.filename}）的进程已中止，已标记为失败。"
            )
        if not reaped:
            self.stdout.write("没有中止的导入。")
