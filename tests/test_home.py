"""The shell: a home page for every role, with navigation that depends on the role."""

from __future__ import annotations

import pytest

from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_has_a_home_page(request, as_user, persona):
    user = request.getfixturevalue(persona)
    response = as_user(user).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(user.role_label) in html
    assert '<main id="main"' in html
    assert 'lang="zh-CN"' in html
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_navigation_depends_on_role(as_user, city_admin, officer_a, audit_admin):
    admin_page = as_user(city_admin).get("/").content.decode()
    officer_page = as_user(officer_a).get("/").content.decode()
    audit_page = as_user(audit_admin).get("/").content.decode()
    assert "用户管理" in admin_page and "用户管理" not in officer_page
    assert "审计日志" in audit_page and "审计日志" not in admin_page


def test_pages_load_no_asset_from_the_internet(as_user, city_admin):
    html = as_user(city_admin).get("/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_health_check_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_sec_06_default_account_names_are_refused(as_user, city_admin):
    response = as_user(city_admin).post(
        "/admin/accounts/user/add/",
        {
            "username": "admin",
            "full_name": "x",
            "password1": "Issued#Pass2022",
            "password2": "Issued#Pass2022",
        },
    )
    assert response.status_code == 200
    assert "默认账号名" in response.content.decode()
