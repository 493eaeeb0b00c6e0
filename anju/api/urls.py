"""The JSON API under /api/v1/ (every route here is described in ``openapi.document()``)."""

from django.urls import path

from anju.api import views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi_document, name="openapi"),
    path("households", views.households, name="households"),
    path("households/<int:pk>", views.household_detail, name="household"),
    path("findings", views.findings, name="findings"),
    path("ledger", views.ledger, name="ledger"),
    path("ledger/<int:pk>", views.ledger_detail, name="ledger_entry"),
]
