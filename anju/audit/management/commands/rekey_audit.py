from django.core.management.base import BaseCommand

from anju.audit.chain import seal_legacy


class Command(BaseCommand):
    help = (
        "升级后运行一次：用审计密钥封存启用密钥之前写入的审计记录（追加一条“审计链启用密钥”"
        "记录，记载其条数和末条哈希，并写出锚点）。旧链已不完整时拒绝并列出问题，以 1 退出。"
    )

    def handle(self, *args, **options):
        try:
            _, message = seal_legacy()
        except ValueError as exc:
            for problem in exc.args[0][:100]:
                self.stderr.write(problem.message)
            self.stderr.write("旧的审计链已不完整，不能封存：请先查明上述问题。")
            raise SystemExit(1) from None
        self.stdout.write(message)
