from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "anju.rectification"
    label = "rectification"
    verbose_name = "整改台账"

    def ready(self):
        from anju.rectification import findings, nav  # noqa: F401  (receivers, guards, menus)
