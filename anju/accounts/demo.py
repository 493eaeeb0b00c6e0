"""Demo logins, one per role (README). Allowed only with ANJU_DEMO_MODE or `make run`."""

from __future__ import annotations

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.units.models import Unit

DEMO_PASSWORD = "Anju@2022"  # noqa: S105 — published demo password, demo mode only

# username, full name, role, unit code (None: first village of the township above it)
DEMO_USERS = [
    ("shi_admin", "任管理", Role.CITY_ADMIN, "411081"),
    ("shi_shenhe", "李审核", Role.CITY_REVIEWER, "411081"),
    ("shi_choucha", "王抽查", Role.INSPECTOR, "411081"),
    ("shi_anquan", "赵安全", Role.SECURITY_ADMIN, "411081"),
    ("shi_shenji", "钱审计", Role.AUDIT_ADMIN, "411081"),
    ("huolong_jb", "孙经办", Role.TOWNSHIP_OFFICER, "411081100"),
    ("huolong_fzr", "周镇长", Role.TOWNSHIP_HEAD, "411081100"),
    ("huolong_cun", "吴村干", Role.VILLAGE_WORKER, None),
    ("shundian_jb", "郑经办", Role.TOWNSHIP_OFFICER, "411081101"),
    ("shundian_fzr", "冯镇长", Role.TOWNSHIP_HEAD, "411081101"),
]


def build(ctx) -> None:
    created = 0
    for username, full_name, role, code in DEMO_USERS:
        if code is None:
            unit = Unit.objects.villages().filter(parent__code="411081100").order_by("code").first()
        else:
            unit = Unit.objects.get(code=code)
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, role=role, unit=unit)
        user.set_password(DEMO_PASSWORD)
        user.must_change_password = False
        user.save()
        created += 1
    ctx.say(f"演示账号：新增 {created} 个")


def logins() -> list[tuple[str, str, str]]:
    rows = []
    for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).select_related("unit"):
        rows.append((user.username, user.role_label, str(user.unit)))
    order = [u[0] for u in DEMO_USERS]
    return sorted(rows, key=lambda r: order.index(r[0]))
