"""Menu entries and home panels for the registry workbook (import and export)."""

from django.urls import reverse

from anju.accounts.roles import BUSINESS, IMPORTERS, Role
from anju.core import home, nav
from anju.registry.models import ImportBatch

nav.register("导入导出", "registry:import_upload", IMPORTERS, order=210)
nav.register("导出", "registry:export", BUSINESS - IMPORTERS, order=210)


def _imports(request):
    last = (
        ImportBatch.objects.for_user(request.user)
        .filter(user=request.user)
        .defer("problems")
        .first()
    )
    return {
        "last": last,
        "upload_url": reverse("registry:import_upload"),
        "template_url": reverse("registry:import_template"),
        "history_url": reverse("registry:import_history"),
        "export_url": reverse("registry:export"),
    }


home.register(
    "registry.imports",
    "registry/io/_panel.html",
    [Role.TOWNSHIP_OFFICER, Role.CITY_REVIEWER, Role.CITY_ADMIN],
    _imports,
    order=25,
)
