from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anju.api"
    label = "api"
    verbose_name = "数据接口"

    def ready(self):
        from anju.api import nav  # noqa: F401  (menu entry)
