from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "anju.acceptance"
    label = "acceptance"
    verbose_name = "总结验收"

    def ready(self):
        from anju.acceptance import nav  # noqa: F401
