from django.urls import path

from anju.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("history/<str:label>/<str:pk>/", views.history, name="history"),
]
