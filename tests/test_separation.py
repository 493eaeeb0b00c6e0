"""三权分立: the system admin creates accounts, the security admin grants role and scope,
the audit admin reads the audit log; none of them does the others' work (SECURITY.md row 8)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

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


# --- issue #13 major 4: the system administrator cannot take over another administrator ---

NEW = "Taken#Over2022x"
TAKEOVER_URLS = [
    # (url template, form data): what shi_admin tried in the issue, and its variants
    ("/admin/accounts/user/{pk}/password/", {"password1": NEW, "password2": NEW}),
    (
        "/admin/accounts/user/{pk}/change/",
        {"username": "renamed", "full_name": "改名", "must_change_password": ""},
    ),
    ("/admin/accounts/user/{pk}/change/", {"username": "{username}", "full_name": "停用"}),
]


@pytest.mark.parametrize(("url", "data"), TAKEOVER_URLS)
@pytest.mark.parametrize("target", ["security_admin", "audit_admin", "city_admin", "other_admin"])
def test_sec_08_the_system_admin_cannot_set_an_administrators_password_or_flags(
    request, as_user, city_admin, county, target, url, data
):
    victim = (
        make_user("p_city_admin2", "city_admin", county)
        if target == "other_admin"
        else request.getfixturevalue(target)
    )
    client = as_user(city_admin)
    before = User.objects.values().get(pk=victim.pk)
    data = {k: v.replace("{username}", victim.username) for k, v in data.items()}
    response = client.post(url.format(pk=victim.pk), data)
    assert response.status_code == 403
    assert User.objects.values().get(pk=victim.pk) == before  # password, name, flags, active
    assert (
        Client().post("/account/login/", {"username": victim.username, "password": NEW}).status_code
        == 200
    )  # the new password does not log in
    denied = AuditEvent.objects.filter(event="permission_denied").latest("id")
    assert (denied.username, denied.object_id) == ("p_city_admin", str(victim.pk))


def test_sec_08_the_system_admin_keeps_ordinary_accounts_but_never_their_password(
    as_user, city_admin, officer_a
):
    officer_a.must_change_password = True
    officer_a.save()
    client = as_user(city_admin)
    assert client.get(f"/admin/accounts/user/{officer_a.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{officer_a.pk}/password/").status_code == 403
    response = client.post(
        f"/admin/accounts/user/{officer_a.pk}/change/",
        {"username": officer_a.username, "full_name": "新名字", "must_change_password": ""},
    )
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.full_name == "新名字"
    assert officer_a.is_active is False  # unticked in the form: the admin keeps active state
    assert officer_a.must_change_password is True  # not the admin's to waive
    assert officer_a.check_password(PASSWORD)


def test_sec_08_a_new_account_has_no_password_until_the_security_admin_issues_one(
    as_user, city_admin, security_admin, township_a
):
    as_user(city_admin).post(
        "/admin/accounts/user/add/",
        {"username": "p_fresh", "full_name": "新人", "password1": NEW, "password2": NEW},
    )
    user = User.objects.get(username="p_fresh")
    assert not user.has_usable_password() and user.must_change_password
    assert (
        Client().post("/account/login/", {"username": "p_fresh", "password": NEW}).status_code
        == 200
    )
    security = as_user(security_admin)
    security.post(f"/account/security/{user.pk}/", {"role": "township_head", "unit": township_a.pk})
    page = security.post(
        f"/account/security/{user.pk}/reset_password/", {"reason": "新入职，本人到场领取"}
    )
    issued = re.search(r"data-issued-password>([^<]+)<", page.content.decode()).group(1)
    client = Client()
    assert (
        client.post("/account/login/", {"username": "p_fresh", "password": issued})["Location"]
        == "/"
    )
    assert client.get("/")["Location"] == "/account/password/"


def test_sec_08_only_the_security_admin_resets_a_password_forcing_a_change_audited(
    as_user, security_admin, audit_admin
):
    client = as_user(security_admin)
    url = f"/account/security/{audit_admin.pk}/reset_password/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 302
    audit_admin.refresh_from_db()
    assert audit_admin.check_password(PASSWORD)  # no reason, no reset
    victim_session = as_user(audit_admin)
    page = client.post(url, {"reason": "忘记密码，电话核实本人", "must_change_password": ""})
    assert page.status_code == 200
    issued = re.search(r"data-issued-password>([^<]+)<", page.content.decode()).group(1)
    audit_admin.refresh_from_db()
    assert audit_admin.check_password(issued) and not audit_admin.check_password(PASSWORD)
    assert audit_admin.must_change_password is True
    assert victim_session.get("/audit/").status_code == 302  # their sessions ended
    event = AuditEvent.objects.get(event="password_reset")
    assert (event.username, event.object_id) == ("p_security", str(audit_admin.pk))
    assert event.detail["reason"] == "忘记密码，电话核实本人"
    assert not AuditEvent.objects.filter(detail__icontains=issued).exists()
    # the page that showed it once does not show it again
    assert issued not in client.get(f"/account/security/{audit_admin.pk}/").content.decode()
    # nobody resets their own
    client.post(f"/account/security/{security_admin.pk}/reset_password/", {"reason": "自己"})
    security_admin.refresh_from_db()
    assert security_admin.check_password(PASSWORD)


def test_sec_05_the_security_admin_resets_a_lost_second_factor_with_a_reason(
    settings, as_user, security_admin, city_reviewer
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=city_reviewer, name="手机验证器", confirmed=True)
    client = as_user(security_admin)  # (its own second factor is another test's)
    url = f"/account/security/{city_reviewer.pk}/reset_totp/"
    client.post(url, {"reason": " "})
    assert TOTPDevice.objects.filter(user=city_reviewer).count() == 1
    client.post(url, {"reason": "手机丢失，本人到场核实"})
    assert not TOTPDevice.objects.filter(user=city_reviewer).exists()
    event = AuditEvent.objects.get(event="totp_reset")
    assert event.detail == {"reason": "手机丢失，本人到场核实", "devices": 1}
    settings.TOTP_REQUIRED = True
    user_client = Client()
    user_client.post("/account/login/", {"username": city_reviewer.username, "password": PASSWORD})
    assert user_client.get("/")["Location"] == "/account/otp/setup/"
