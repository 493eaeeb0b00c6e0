"""URLs of the registry workbook: import, its results and history, the template, the export
(joined into app_name "registry" by anju/registry/urls.py)."""

from django.urls import path

from anju.registry.io import views

urlpatterns = [
    path("households/import/", views.import_upload, name="import_upload"),
    path("households/import/template.xlsx", views.import_template, name="import_template"),
    path("households/import/history/", views.import_history, name="import_history"),
    path("households/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("households/import/<int:pk>/status/", views.import_status, name="import_status"),
    path(
        "households/import/<int:pk>/problems.xlsx",
        views.import_problems,
        name="import_problems",
    ),
    path("households/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("households/import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("households/export/", views.export_registry, name="export"),
]
