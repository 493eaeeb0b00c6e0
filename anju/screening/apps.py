from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "anju.screening"
    label = "screening"
    verbose_name = "政策比对筛查"

    def ready(self):
        from anju.screening import carryover, nav, receivers  # noqa: F401
