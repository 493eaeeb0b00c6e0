from django.core.management.base import BaseCommand

from anju.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计记录的哈希链：有被篡改或删除的记录则列出其编号并以 1 退出。"

    def handle(self, *args, **options):
        bad = verify_chain()
        if bad:
            for pk in bad[:100]:
                self.stderr.write(
                    f"审计记录 id={pk} 的内容或链接与哈希不符（可能被篡改或其前一条被删除）。"
                )
            self.stderr.write(f"共 {len(bad)} 条审计记录校验失败。")
            raise SystemExit(1)
        self.stdout.write("审计记录哈希链完整。")
