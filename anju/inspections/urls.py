from django.urls import path

from anju.inspections import views

app_name = "inspections"
urlpatterns = [
    path("spot-checks/", views.plan, name="plan"),
    path("spot-checks/samples/<int:pk>/", views.sample_detail, name="sample"),
    path("spot-checks/samples/<int:pk>/assign/", views.sample_assign, name="assign"),
    path("spot-checks/samples/<int:pk>/confirm/", views.sample_confirm, name="confirm"),
    path("spot-checks/samples/<int:pk>/publish/", views.sample_publish, name="publish"),
    path(
        "spot-checks/samples/<int:pk>/households/<int:household_pk>/",
        views.visit,
        name="visit",
    ),
    path(
        "spot-checks/samples/<int:pk>/households/<int:household_pk>/photos/<int:photo_pk>/",
        views.visit_photo,
        name="visit_photo",
    ),
    path("spot-checks/mine/", views.mine, name="mine"),
    path("spot-checks/results/", views.results, name="results"),
]
