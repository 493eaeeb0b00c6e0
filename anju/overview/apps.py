from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "anju.overview"
    label = "overview"
    verbose_name = "全县概览"

    def ready(self):
        from anju.audit.signals import recorded
        from anju.overview import freshness, nav  # noqa: F401

        recorded.connect(freshness.on_recorded, dispatch_uid="overview.freshness")
