"""Login, lock-out, sessions and the password policy (SECURITY.md rows 1–4)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from anju.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WEAK = [
    "123456",
    "12345678",
    "11111111",
    "password",
    "Password",
    "qwertyui",
    "abcdefgh",
    "ABCDEFGH",
    "abcd1234",
    "Abc12",
    "p_officer_a",
    "P_officer_a1",
    "20220520",
    "zhangsan",
    "aaaaaaaa",
]


def post_login(client, username, password):
    return client.post("/account/login/", {"username": username, "password": password})


def test_login_with_right_password_goes_home_and_is_audited(officer_a):
    client = Client()
    response = post_login(client, "p_officer_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(event="login").latest("id")
    assert event.username == "p_officer_a"
    assert event.unit_code == "411081100"
    assert event.ip == "127.0.0.1"
    assert event.ts.tzinfo is not None


def test_sec_03_wrong_password_and_unknown_user_get_the_same_answer(officer_a):
    wrong = post_login(Client(), "p_officer_a", "Wrong#pass1").content.decode()
    unknown = post_login(Client(), "nobody_here", "Wrong#pass1").content.decode()

    def strip(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)

    wrong = strip(wrong).replace("p_officer_a", "X")
    unknown = strip(unknown).replace("nobody_here", "X")
    assert wrong == unknown
    assert "用户名或密码不正确" in wrong


def test_sec_03_five_failures_lock_the_account_for_thirty_minutes(officer_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(Client(), "p_officer_a", "Wrong#pass1")
        refused = post_login(Client(), "p_officer_a", PASSWORD)
        assert refused.status_code == 200
        assert "登录失败" in refused.content.decode()
    assert AuditEvent.objects.filter(event="login_failed").count() == 6
    assert AuditEvent.objects.filter(event="account_locked").count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert post_login(Client(), "p_officer_a", PASSWORD).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert post_login(Client(), "p_officer_a", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(officer_a):
    start = timezone.now()
    for i in range(5):
        with time_machine.travel(start + dt.timedelta(minutes=4 * i), tick=False):
            post_login(Client(), "p_officer_a", "Wrong#pass1")
    with time_machine.travel(start + dt.timedelta(minutes=17), tick=False):
        assert post_login(Client(), "p_officer_a", PASSWORD).status_code == 302


def test_disabled_account_cannot_log_in(officer_a):
    officer_a.is_active = False
    officer_a.save()
    assert post_login(Client(), "p_officer_a", PASSWORD).status_code == 200


def test_sec_04_session_ends_after_thirty_idle_minutes(officer_a):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login(client, "p_officer_a", PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=60), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
    assert AuditEvent.objects.filter(event="session_expired").count() == 1


def test_sec_04_session_ends_after_twelve_hours_even_when_active(officer_a):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login(client, "p_officer_a", PASSWORD)
    # keep the session busy every 20 minutes for 12 hours
    now = start
    while now < start + dt.timedelta(hours=11, minutes=50):
        now += dt.timedelta(minutes=20)
        with time_machine.travel(now, tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/").status_code == 302


def test_sec_04_logout_deletes_the_server_session_and_a_replayed_cookie_fails(officer_a):
    client = Client()
    post_login(client, "p_officer_a", PASSWORD)
    cookie = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=cookie).exists()
    client.post("/account/logout/")
    assert not Session.objects.filter(session_key=cookie).exists()
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/").status_code == 302
    assert AuditEvent.objects.filter(event="logout").count() == 1


def test_sec_04_login_changes_the_session_id(officer_a):
    client = Client()
    client.get("/account/login/")
    client.cookies["sessionid"] = "fixated-session-id"
    post_login(client, "p_officer_a", PASSWORD)
    assert client.cookies["sessionid"].value != "fixated-session-id"


def test_sec_02_an_issued_password_must_be_changed_first(township_a):
    make_user("p_new", "township_officer", township_a, must_change_password=True)
    client = Client()
    post_login(client, "p_new", PASSWORD)
    for url in ("/", "/units/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/account/password/" + ("" if url == "/" else f"?next={url}")
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-new#Pass42",
            "new_password2": "Brand-new#Pass42",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sec_02_an_expired_password_must_be_changed_before_any_page(officer_a):
    officer_a.password_changed_at = timezone.now() - dt.timedelta(days=91)
    officer_a.save()
    client = Client()
    post_login(client, "p_officer_a", PASSWORD)
    pages = ("/", "/units/", "/households/", "/ledger/", "/screening/", "/reports/", "/overview/")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].split("?")[0] == "/account/password/", url
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-new#Pass42",
            "new_password2": "Brand-new#Pass42",
        },
    )
    assert response.status_code == 302
    for url in pages:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("weak", WEAK)
def test_sec_01_weak_passwords_are_refused_with_a_chinese_reason(officer_a, weak):
    client = Client()
    client.force_login(officer_a)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD)


def test_sec_01_a_long_passphrase_is_accepted(officer_a):
    phrase = "Correct horse battery staple, 禹州 2022 look-back plan! " + "x" * 10
    assert len(phrase) >= 64
    client = Client()
    client.force_login(officer_a)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": phrase, "new_password2": phrase},
    )
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password(phrase)
    assert AuditEvent.objects.filter(event="password_changed").count() == 1
