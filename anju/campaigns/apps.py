from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "anju.campaigns"
    label = "campaigns"
    verbose_name = "“回头看”工作"
