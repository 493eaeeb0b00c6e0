"""URLs of the rounds pages (“回头看”轮次)."""

from django.urls import path

from anju.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("rounds/", views.round_list, name="list"),
    path("rounds/new/", views.round_create, name="create"),
    path("rounds/view/", views.round_view, name="view"),
    path("rounds/<int:pk>/", views.round_detail, name="detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="edit"),
    path("rounds/<int:pk>/step/<slug:action>/", views.round_step, name="step"),
    path("rounds/<int:pk>/carry/", views.round_carry, name="carry"),
]
