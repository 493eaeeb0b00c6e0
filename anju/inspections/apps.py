from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anju.inspections"
    label = "inspections"
    verbose_name = "市局抽查"

    def ready(self):
        from anju.inspections import nav  # noqa: F401
