from django.urls import path

from anju.publicity import views

app_name = "publicity"
urlpatterns = [path("publicity/", views.publication_list, name="list")]
