from django.urls import path

from anju.accounts import views, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("security/", views_security.account_list, name="security_list"),
    path("security/<int:pk>/", views_security.account_detail, name="security_detail"),
    path(
        "security/<int:pk>/<str:action>/",
        views_security.account_action,
        name="security_action",
    ),
]
