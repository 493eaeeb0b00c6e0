from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "anju.publicity"
    label = "publicity"
    verbose_name = "公示"

    def ready(self):
        from anju.publicity import nav  # noqa: F401
