"""The token page and the API's description page, under /account/tokens/."""

from django.urls import path

from anju.api import views_pages

app_name = "api_pages"
urlpatterns = [
    path("", views_pages.token_list, name="tokens"),
    path("<int:pk>/revoke/", views_pages.token_revoke, name="revoke"),
    path("docs/", views_pages.docs, name="docs"),
]
