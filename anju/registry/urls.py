"""Registry URLs: household pages (urls_households) and the workbook's import/export (io/urls)."""

from anju.registry import urls_households
from anju.registry.io import urls as io_urls

app_name = "registry"
urlpatterns = [*urls_households.urlpatterns, *io_urls.urlpatterns]
