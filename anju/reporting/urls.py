"""URLs of weekly reporting (周报)."""

from django.urls import path

from anju.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/schedule/", views.schedule, name="schedule"),
    path("reports/schedule/edit/", views.schedule_edit, name="schedule_edit"),
    path("reports/work-plans/", views.work_plans, name="work_plans"),
    path("reports/work-plans/upload/", views.work_plan_upload, name="work_plan_upload"),
    path("reports/work-plans/<int:pk>/file/", views.work_plan_file, name="work_plan_file"),
    path("reports/compare/", views.compare, name="compare"),
    path("reports/prepare/", views.prepare, name="prepare"),
    path("reports/<int:pk>/", views.submission_detail, name="submission"),
    path("reports/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("reports/<int:pk>/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/send-back/", views.send_back, name="send_back"),
    path("reports/<int:pk>/accept/", views.accept, name="accept"),
    path("reports/<int:pk>/return/", views.return_view, name="return"),
    path("reports/<int:pk>/download/", views.download, name="download"),
]
