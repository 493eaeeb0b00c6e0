from django.urls import path

from anju.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/findings/<int:pk>/register/", views.register, name="register"),
]
