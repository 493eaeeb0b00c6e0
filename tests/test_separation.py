"""三权分立: the system admin creates accounts, the security admin grants role and scope,
the audit admin reads the audit log; none of them does the others' work (SECURITY.md row 8)."""

from __future__ import annotations

import pytest

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

MATRIX = {
    # url: personas that get 200 (everyone else 403 or a redirect away)
    "/admin/accounts/user/": {"city_admin"},
    "/account/security/": {"security_admin"},
    "/audit/": {"audit_admin"},
}
PERSONAS = ["city_admin", "security_admin", "audit_admin", "city_reviewer", "officer_a"]


@pytest.mark.parametrize("url", MATRIX)
@pytest.mark.parametrize("persona", PERSONAS)
def test_sec_08_admin_pages_role_by_url_matrix(request, as_user, url, persona):
    user = request.getfixturevalue(persona)
    status = as_user(user).get(url).status_code
    if persona in MATRIX[url]:
        assert status == 200
    else:
        assert status in (302, 403)


def test_system_admin_creates_accounts_without_a_grant(as_user, city_admin, township_a):
    client = as_user(city_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_person",
            "full_name": "新人",
            "role": "city_reviewer",  # ignored: not a field of the admin form
            "unit": township_a.pk,
            "password1": "Issued#Pass2022",
            "password2": "Issued#Pass2022",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_person")
    assert (user.role, user.unit) == ("", None)
    assert user.must_change_password


def test_security_admin_grants_role_and_scope(as_user, security_admin, township_a):
    user = make_user("to_grant", "", None)
    client = as_user(security_admin)
    response = client.post(
        f"/account/security/{user.pk}/", {"role": "township_officer", "unit": township_a.pk}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.unit) == ("township_officer", township_a)
    event = AuditEvent.objects.filter(event="role_changed").latest("id")
    assert event.detail["after"] == {"role": "township_officer", "unit": "411081100"}
    assert event.username == "p_security"


def test_a_grant_at_the_wrong_level_is_refused(as_user, security_admin, county):
    user = make_user("to_grant2", "", None)
    page = as_user(security_admin).post(
        f"/account/security/{user.pk}/", {"role": "village_worker", "unit": county.pk}
    )
    assert "村（社区）一级" in page.content.decode()
    user.refresh_from_db()
    assert user.role == ""


def test_nobody_changes_their_own_grant(as_user, security_admin, county):
    page = as_user(security_admin).post(
        f"/account/security/{security_admin.pk}/", {"role": "city_reviewer", "unit": county.pk}
    )
    assert "不能变更自己的账号授权" in page.content.decode()
    security_admin.refresh_from_db()
    assert security_admin.role == "security_admin"


def test_an_account_without_a_grant_sees_nothing(client, county):
    make_user("no_grant", "", None)
    client.post("/account/login/", {"username": "no_grant", "password": PASSWORD})
    home = client.get("/")
    assert home.status_code == 200
    assert "尚未授权" in home.content.decode()
    assert client.get("/units/").status_code == 403


def test_security_admin_unlocks_and_disables(as_user, security_admin, officer_a):
    from django.test import Client

    for _ in range(5):
        Client().post("/account/login/", {"username": "p_officer_a", "password": "bad#Pass1x"})
    assert (
        Client()
        .post("/account/login/", {"username": "p_officer_a", "password": PASSWORD})
        .status_code
        == 200
    )
    client = as_user(security_admin)
    client.post(f"/account/security/{officer_a.pk}/unlock/")
    assert (
        Client()
        .post("/account/login/", {"username": "p_officer_a", "password": PASSWORD})
        .status_code
        == 302
    )
    client.post(f"/account/security/{officer_a.pk}/disable/")
    officer_a.refresh_from_db()
    assert officer_a.is_active is False
    assert AuditEvent.objects.filter(event="account_unlocked").count() == 1
