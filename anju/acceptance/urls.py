"""URLs of the final submission (总结验收)."""

from django.urls import path

from anju.acceptance import views

app_name = "acceptance"

urlpatterns = [
    path("acceptance/", views.index, name="index"),
    path("acceptance/prepare/", views.prepare, name="prepare"),
    path("acceptance/<int:pk>/", views.detail, name="detail"),
    path("acceptance/<int:pk>/sign/", views.sign, name="sign"),
    path("acceptance/<int:pk>/scan/", views.upload_scan, name="upload_scan"),
    path("acceptance/<int:pk>/accept/", views.accept, name="accept"),
    path("acceptance/<int:pk>/return/", views.return_view, name="return"),
    path("acceptance/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("acceptance/<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("acceptance/scans/<int:pk>/download/", views.download_scan, name="download_scan"),
]
