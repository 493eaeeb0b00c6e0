from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "anju.reporting"
    label = "reporting"
    verbose_name = "周报与报送安排"

    def ready(self):
        from anju.reporting import nav  # noqa: F401
