from django.urls import path

from anju.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
    path("reminders/<int:pk>/", views.reminder_open, name="reminder_open"),
]
