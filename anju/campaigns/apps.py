from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "anju.campaigns"
    label = "campaigns"
    verbose_name = "“回头看”工作"

    def ready(self):
        from anju.campaigns import nav  # noqa: F401
