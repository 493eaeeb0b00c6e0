from django.conf import settings

from anju.accounts.roles import ALL, Role
from anju.core import home, nav

nav.register("用户管理", "admin:accounts_user_changelist", [Role.CITY_ADMIN], order=800)
nav.register("账号授权与安全", "accounts:security_list", [Role.SECURITY_ADMIN], order=800)


def _my_account(request):
    user = request.user
    return {
        "days_left": user.password_days_left(),
        "max_age": settings.PASSWORD_MAX_AGE_DAYS,
        "last_login": user.last_login,
    }


home.register("accounts.me", "accounts/_panel_me.html", ALL, _my_account, order=990)
