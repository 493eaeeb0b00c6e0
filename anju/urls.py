from django.urls import include, path

from anju.core.admin_site import site as admin_site

urlpatterns = [
    path("", include("anju.core.urls")),
    path("account/", include("anju.accounts.urls")),
    path("", include("anju.units.urls")),
    path("", include("anju.audit.urls")),
    path("", include("anju.registry.urls")),
    path("", include("anju.screening.urls")),
    path("admin/", admin_site.urls),
]

handler403 = "anju.core.errors.permission_denied"
handler404 = "anju.core.errors.page_not_found"
