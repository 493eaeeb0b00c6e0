from django.urls import path

from anju.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("audit/export/", views.export_log, name="export"),
    path("audit/anchors/", views.anchors, name="anchors"),
    path("history/<str:label>/<str:pk>/", views.history, name="history"),
]
