from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "anju.overview"
    label = "overview"
    verbose_name = "全县概览"

    def ready(self):
        from anju.overview import nav  # noqa: F401
