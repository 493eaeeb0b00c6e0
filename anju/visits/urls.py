"""URLs of house visits (入户排查)."""

from django.urls import path

from anju.visits import views, views_review

app_name = "visits"
urlpatterns = [
    path("visits/", views.index, name="index"),
    path("visits/households/", views.worklist, name="worklist"),
    path("visits/households/<int:pk>/", views.visit_form, name="visit_form"),
    path("visits/households/<int:pk>/print/", views.print_household, name="print_household"),
    path("visits/households/<int:pk>/explain/", views_review.explain, name="explain"),
    path("visits/print/", views.print_forms, name="print_forms"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo_file"),
    path("visits/<int:pk>/check/", views_review.check_flags, name="check_flags"),
    path("visits/review/", views_review.review, name="review"),
    path("visits/corrections/<int:pk>/", views_review.correction, name="correction"),
    path("visits/problems/<int:pk>/", views_review.problem, name="problem"),
    path("visits/coverage/", views_review.coverage, name="coverage"),
]
