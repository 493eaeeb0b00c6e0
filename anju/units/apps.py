from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "anju.units"
    label = "units"
    verbose_name = "行政区划"

    def ready(self):
        from anju.units import nav  # noqa: F401
