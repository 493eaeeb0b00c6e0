from django.urls import include, path

from anju.core.admin_site import site as admin_site

urlpatterns = [
    path("", include("anju.core.urls")),
    path("account/", include("anju.accounts.urls")),
    path("", include("anju.units.urls")),
    path("", include("anju.campaigns.urls")),
    path("", include("anju.audit.urls")),
    path("", include("anju.registry.urls")),
    path("", include("anju.screening.urls")),
    path("", include("anju.monitoring.urls")),
    path("", include("anju.rectification.urls")),
    path("", include("anju.inspections.urls")),
    path("", include("anju.publicity.urls")),
    path("", include("anju.visits.urls")),
    path("api/v1/", include("anju.api.urls")),
    path("account/tokens/", include("anju.api.urls_pages")),
    path("", include("anju.reporting.urls")),
    path("", include("anju.acceptance.urls")),
    path("", include("anju.notices.urls")),
    path("", include("anju.overview.urls")),
    path("admin/", admin_site.urls),
]

handler403 = "anju.core.errors.permission_denied"
handler404 = "anju.core.errors.page_not_found"
