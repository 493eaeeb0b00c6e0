from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anju.inspections"
    label = "inspections"
    verbose_name = "市局抽查"

    def ready(self):
        from anju.inspections import nav, receivers  # noqa: F401  (menus, retention receiver)
