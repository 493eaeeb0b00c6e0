from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "anju.visits"
    label = "visits"
    verbose_name = "入户排查"

    def ready(self):
        from anju.visits import nav, receivers  # noqa: F401  (menus, retention receiver)
