from django.urls import path

from anju.screening import views, views_admin

app_name = "screening"
urlpatterns = [
    path("screening/", views.finding_list, name="findings"),
    path("screening/findings/<int:pk>/", views.finding_detail, name="finding"),
    path("screening/findings/<int:pk>/confirm/", views.finding_confirm, name="confirm"),
    path("screening/findings/<int:pk>/dismiss/", views.finding_dismiss, name="dismiss"),
    path("screening/findings/<int:pk>/overturn/", views.finding_overturn, name="overturn"),
    path("screening/findings/<int:pk>/uphold/", views.finding_uphold, name="uphold"),
    path("screening/dismissals/", views.dismissal_list, name="dismissals"),
    path("screening/compare/", views.compare, name="compare"),
    path("screening/rules/", views_admin.rule_list, name="rules"),
    path("screening/rules/<str:code>/", views_admin.rule_edit, name="rule_edit"),
    path("screening/rules/<str:code>/preview/", views_admin.rule_preview, name="rule_preview"),
    path("screening/runs/", views_admin.run_list, name="runs"),
    path("screening/runs/<int:pk>/", views_admin.run_detail, name="run"),
    path("screening/runs/<int:pk>/progress/", views_admin.run_progress, name="run_progress"),
]
