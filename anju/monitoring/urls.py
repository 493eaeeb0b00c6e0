from django.urls import path

from anju.monitoring import views, views_lists

app_name = "monitoring"
urlpatterns = [
    path("monitoring/findings/<int:pk>/register/", views.register, name="register"),
    path("monitoring/lists/", views_lists.lists, name="lists"),
    path("monitoring/lists/<int:pk>/", views_lists.version, name="version"),
    path("monitoring/lists/<int:pk>/status/", views_lists.version_status, name="version_status"),
    path(
        "monitoring/lists/<int:pk>/problems.xlsx",
        views_lists.version_problems,
        name="version_problems",
    ),
    path("monitoring/lists/<int:pk>/confirm/", views_lists.version_confirm, name="version_confirm"),
]
