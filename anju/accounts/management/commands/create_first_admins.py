"""A new county's first three accounts (三权分立): the 市住建局管理员 (units, accounts,
rounds), the 安全管理员 (roles and passwords) and the 审计管理员 (the audit log), each at the
county with a one-time password that must be changed at the first login. Run once after
``load_units`` has loaded the county (README, "Deploying for your county")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.accounts.security import issue_password
from anju.audit.context import SYSTEM, acting_as
from anju.units.models import Level, Unit

FIRST = (
    (Role.CITY_ADMIN, "admin", "管理员"),
    (Role.SECURITY_ADMIN, "anquan", "安全管理员"),
    (Role.AUDIT_ADMIN, "shenji", "审计管理员"),
)


class Command(BaseCommand):
    help = "为一个县（市、区）创建首批账号：系统管理员、安全管理员、审计管理员（一次性密码）。"

    def add_arguments(self, parser):
        parser.add_argument("county", help="县级区划代码（6 位），须已用 load_units 导入")
        parser.add_argument("--prefix", default="", help="用户名前缀，默认为区划代码")

    def handle(self, *args, county: str, prefix: str, **options):
        unit = Unit.objects.filter(code=county.strip(), level=Level.COUNTY).first()
        if unit is None:
            raise CommandError(f"县级区划“{county}”不存在，请先用 load_units 导入。")
        prefix = prefix or unit.code
        made = []
        with acting_as(SYSTEM), transaction.atomic():
            for role, suffix, title in FIRST:
                if User.objects.filter(role=role, unit=unit, is_active=True).exists():
                    continue
                user = User(
                    username=f"{prefix}_{suffix}",
                    full_name=f"{unit.name}{title}",
                    role=role,
                    unit=unit,
                    must_change_password=True,
                )
                password = issue_password(user)
                user.set_password(password)
                user.save()
                made.append((user.username, role.label, password))
        if not made:
            self.stdout.write(f"{unit.name}已有这三类账号，未新建。")
            return
        self.stdout.write(f"已为{unit.name}创建 {len(made)} 个账号（首次登录须修改密码）：")
        for username, label, password in made:
            self.stdout.write(f"  {username:<16} {label:<10} {password}")
