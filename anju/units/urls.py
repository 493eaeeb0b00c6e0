from django.urls import path

from anju.units import views

app_name = "units"
urlpatterns = [path("units/", views.unit_list, name="list")]
