from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anju.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from anju.audit import nav  # noqa: F401
