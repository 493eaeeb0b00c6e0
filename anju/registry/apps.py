from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anju.registry"
    label = "registry"
    verbose_name = "农户住房档案"

    def ready(self):
        from anju.registry import nav  # noqa: F401
