"""URLs of the registry workbook: import, its results and history, the template, the export
(joined into app_name "registry" by anju/registry/urls.py)."""

from django.urls import path

from anju.registry import views_io

urlpatterns = [
    path("households/import/", views_io.import_upload, name="import_upload"),
    path("households/import/template.xlsx", views_io.import_template, name="import_template"),
    path("households/import/history/", views_io.import_history, name="import_history"),
    path("households/import/<int:pk>/", views_io.import_detail, name="import_detail"),
    path("households/import/<int:pk>/status/", views_io.import_status, name="import_status"),
    path(
        "households/import/<int:pk>/problems.xlsx",
        views_io.import_problems,
        name="import_problems",
    ),
    path("households/import/<int:pk>/confirm/", views_io.import_confirm, name="import_confirm"),
    path("households/import/<int:pk>/retry/", views_io.import_retry, name="import_retry"),
    path("households/export/", views_io.export_registry, name="export"),
]
