from django.core.management.base import BaseCommand

from anju.audit import anchors


class Command(BaseCommand):
    help = (
        "把审计链当前的链头（记录条数、末条编号和哈希）用审计密钥签名后写到数据库外的锚点目录"
        "（默认在备份目录旁，ANJU_AUDIT_ANCHOR_DIR）。供每日定时任务调用；verify_audit 据此发现截断。"
    )

    def handle(self, *args, **options):
        path = anchors.write("manual")
        anchor = anchors.parse(path.name, path.read_text(encoding="utf-8"))
        self.stdout.write(
            f"已写出{anchor.label()}：共 {anchor.rows} 条，末条 id={anchor.last_id}，"
            f"链头 {anchor.head[:16]}…，保存于 {path}"
        )
