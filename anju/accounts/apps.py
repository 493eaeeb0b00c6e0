from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anju.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from anju.accounts import nav, signals  # noqa: F401
