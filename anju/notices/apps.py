from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "anju.notices"
    label = "notices"
    verbose_name = "通报"

    def ready(self):
        from anju.notices import nav  # noqa: F401
