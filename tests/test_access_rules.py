"""Every URL declares who may use it, and none is reachable without login (SECURITY.md row 7)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_PREFIX = "admin/"


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def concrete(route: str) -> str:
    """A URL for a route, with dummy values for its parameters."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route


def app_routes():
    return [(r, p) for r, p in walk(get_resolver().url_patterns) if not r.startswith(ADMIN_PREFIX)]


def test_sec_07_every_view_declares_an_access_rule():
    missing = [route for route, p in app_routes() if not hasattr(p.callback, "access_rule")]
    assert missing == [], f"views without an access rule: {missing}"


def test_there_are_routes_to_check():
    assert len(app_routes()) >= 6


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_sec_07_anonymous_requests_never_reach_a_protected_view(method):
    client = Client(enforce_csrf_checks=False)
    reached = []
    for route, p in walk(get_resolver().url_patterns):
        if getattr(p.callback, "access_rule", None) and p.callback.access_rule.public:
            continue
        url = concrete(route)
        response = getattr(client, method)(url)
        if response.status_code not in (301, 302, 403, 404, 405):
            reached.append((url, response.status_code))
        if response.status_code == 302:
            location = response["Location"]
            admin_redirect = route.startswith(ADMIN_PREFIX) and location.startswith("/admin/")
            assert "/account/login/" in location or admin_redirect, url
    assert reached == []


@pytest.mark.django_db
def test_public_views_are_only_login_logout_and_health():
    public = sorted(
        route
        for route, p in app_routes()
        if getattr(p.callback, "access_rule", None) and p.callback.access_rule.public
    )
    # The API authenticates by bearer token inside the view (anju/api/auth.py).
    assert public == [
        "account/login/",
        "account/logout/",
        "api/v1/findings",
        "api/v1/households",
        "api/v1/households/<int:pk>",
        "api/v1/ledger",
        "api/v1/ledger/<int:pk>",
        "api/v1/openapi.json",
        "healthz",
    ]


@pytest.mark.django_db
def test_admin_site_is_for_the_city_admin_only(as_user, city_admin, city_reviewer, officer_a):
    assert as_user(city_admin).get("/admin/").status_code == 200
    for user in (city_reviewer, officer_a):
        response = as_user(user).get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_admin_has_no_second_login_page():
    response = Client().get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
