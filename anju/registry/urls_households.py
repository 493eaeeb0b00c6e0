"""URLs of the household pages (joined into app_name "registry" by anju/registry/urls.py)."""

from django.urls import path

from anju.registry import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/unmask/", views.household_unmask, name="household_unmask"),
    path(
        "households/<int:pk>/edit/<slug:section>/",
        views.household_edit,
        name="household_edit",
    ),
    path(
        "households/<int:pk>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    path(
        "households/<int:pk>/renovation/<slug:section>/",
        views.renovation_edit,
        name="renovation_edit",
    ),
    path("households/<int:pk>/photos/new/", views.photo_upload, name="photo_upload"),
    path(
        "households/<int:pk>/photos/<int:photo_pk>/",
        views.photo_file,
        name="photo_file",
    ),
]
