from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anju.monitoring"
    label = "monitoring"
    verbose_name = "动态监测"

    def ready(self):
        from anju.monitoring import nav  # noqa: F401
