from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "anju.rectification"
    label = "rectification"
    verbose_name = "整改台账"

    def ready(self):
        # receivers (findings: the screening's; receivers: retention, row 28), guards, menus
        from anju.rectification import carryover, findings, nav, receivers  # noqa: F401
