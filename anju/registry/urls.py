"""Registry URLs: household pages (urls_households) and Excel import/export (urls_io)."""

from anju.registry import urls_households, urls_io

app_name = "registry"
urlpatterns = [*urls_households.urlpatterns, *urls_io.urlpatterns]
