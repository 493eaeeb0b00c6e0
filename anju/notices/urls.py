"""URLs of notices (通报)."""

from django.urls import path

from anju.notices import views

app_name = "notices"
urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/propose/", views.propose, name="propose"),
    path("notices/<int:pk>/", views.detail, name="detail"),
    path("notices/<int:pk>/edit/", views.edit, name="edit"),
    path("notices/<int:pk>/units/add/", views.add_unit, name="add_unit"),
    path("notices/<int:pk>/preview/", views.preview, name="preview"),
    path("notices/<int:pk>/issue/", views.issue, name="issue"),
    path("notices/<int:pk>/download/", views.download, name="download"),
    path("notices/<int:pk>/discard/", views.discard, name="discard"),
]
