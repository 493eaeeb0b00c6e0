"""URLs of the county overview (全县概览 / 本镇概览)."""

from django.urls import path

from anju.overview import views

app_name = "overview"
urlpatterns = [
    path("overview/", views.index, name="index"),
    path("overview/data/", views.county_data, name="county_data"),
    path("overview/refresh/", views.refresh, name="refresh"),
    path("overview/summary/docx/", views.summary_docx, name="summary_docx"),
    path("overview/summary/xlsx/", views.summary_xlsx, name="summary_xlsx"),
    path("overview/townships/<int:pk>/", views.township, name="township"),
    path("overview/townships/<int:pk>/data/", views.township_data, name="township_data"),
]
