from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anju.registry"
    label = "registry"
    verbose_name = "农户住房档案"

    def ready(self):
        from django.db.models.signals import post_migrate

        from anju.registry import nav  # noqa: F401
        from anju.registry.upgrades import run_after_migrate

        post_migrate.connect(run_after_migrate, sender=self, dispatch_uid="registry.upgrades")
