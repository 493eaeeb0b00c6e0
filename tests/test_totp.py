"""Two-factor login for privileged roles (SECURITY.md row 5)."""

from __future__ import annotations

import base64
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def totp_on(settings):
    settings.TOTP_REQUIRED = True


def code_for(device, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def password_login(username: str) -> Client:
    client = Client()
    response = client.post("/account/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


PRIVILEGED = ["city_admin", "security_admin", "audit_admin", "city_reviewer", "officer_a"]


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_sec_05_privileged_roles_are_sent_to_the_second_factor(request, persona):
    user = request.getfixturevalue(persona)
    client = password_login(user.username)
    for url in ("/", "/units/", "/audit/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        expected = "/account/otp/setup/" + ("" if url == "/" else f"?next={url}")
        assert response["Location"] == expected, url


@pytest.mark.parametrize("persona", ["head_a", "worker_a", "inspector"])
def test_other_roles_log_in_with_the_password_alone(request, persona):
    user = request.getfixturevalue(persona)
    assert password_login(user.username).get("/").status_code == 200


def test_sec_05_a_totp_code_works_only_once(city_admin):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        client = password_login("p_city_admin")
        page = client.get("/account/otp/setup/").content.decode()
        assert "<svg" in page
        assert not TOTPDevice.objects.filter(user=city_admin).exists()  # nothing stored yet
        assert client.post("/account/otp/setup/", {"code": "000000"}).status_code == 200
        device = TOTPDevice.objects.get(user=city_admin, confirmed=False)
        secret = re.search(r"[A-Z2-7]{32}", page).group(0)  # the secret the page showed
        assert base64.b32encode(device.bin_key).decode().rstrip("=") == secret
        clock.shift(3)  # django-otp throttles for a second after a failure
        code = code_for(device, timezone.now())
        assert client.post("/account/otp/setup/", {"code": code}).status_code == 302
        assert client.get("/").status_code == 200
        client.post("/account/logout/")

        again = password_login("p_city_admin")
        assert again.get("/")["Location"] == "/account/otp/"
        reused = again.post("/account/otp/", {"code": code})
        assert reused.status_code == 200
        assert "不正确或已使用过" in reused.content.decode()
    later = now + (TOTPDevice.objects.get(user=city_admin).step * 2) * timezone.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        device = TOTPDevice.objects.get(user=city_admin, confirmed=True)
        fresh = again.post("/account/otp/", {"code": code_for(device, later)})
        assert fresh.status_code == 302
        assert again.get("/").status_code == 200
    factors = AuditEvent.objects.filter(event="login", detail__factor="totp").count()
    assert factors == 2
    assert AuditEvent.objects.filter(event="login_failed", detail__factor="totp").count() == 2


def test_sec_05_the_password_alone_never_reaches_enrolment_of_an_enrolled_user(
    city_reviewer, village_a
):
    """Issue #13 blocker 1: knowing only the password, open the enrolment page, read a new
    secret, confirm it and unmask an ID. Every step must be refused, and the victim's own
    device must keep working."""
    from tests.factories import make_household

    household = make_household(village_a, head_name="受害户")
    victim = TOTPDevice.objects.create(
        user=city_reviewer, name="手机验证器", key="31323334353637383930" * 2, confirmed=True
    )
    attacker = password_login(city_reviewer.username)
    assert attacker.get("/")["Location"] == "/account/otp/"
    page = attacker.get("/account/otp/setup/")
    assert page.status_code == 302
    assert page["Location"] == "/account/otp/"
    assert not re.search(r"[A-Z2-7]{32}", page.content.decode())
    # even with a secret of its own choosing in the session, a posted code confirms nothing
    session = attacker.session
    session["otp_pending_key"] = "41424344454647484950" * 2
    session.save()
    forged = TOTPDevice(user=city_reviewer, key="41424344454647484950" * 2)
    posted = attacker.post("/account/otp/setup/", {"code": code_for(forged)})
    assert posted.status_code == 302
    assert posted["Location"] == "/account/otp/"
    unmask = attacker.post(f"/households/{household.pk}/unmask/")
    assert unmask.status_code == 302
    assert unmask["Location"].startswith("/account/otp/")
    assert list(TOTPDevice.objects.filter(user=city_reviewer).values_list("pk", flat=True)) == [
        victim.pk
    ]
    assert not AuditEvent.objects.filter(event="unmask").exists()
    owner = password_login(city_reviewer.username)
    assert owner.post("/account/otp/", {"code": code_for(victim)}).status_code == 302
    assert owner.post(f"/households/{household.pk}/unmask/").status_code == 200


def test_an_enrolled_and_verified_user_cannot_replace_the_device_either(city_reviewer):
    """Replacing a device goes through the security administrator, never the user."""
    device = TOTPDevice.objects.create(
        user=city_reviewer, name="手机验证器", key="31323334353637383930" * 2, confirmed=True
    )
    client = password_login(city_reviewer.username)
    assert client.post("/account/otp/", {"code": code_for(device)}).status_code == 302
    page = client.get("/account/otp/setup/")
    assert page.status_code == 302
    assert not re.search(r"[A-Z2-7]{32}", page.content.decode())
    assert client.post("/account/otp/setup/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=city_reviewer, confirmed=True).get() == device


@pytest.mark.parametrize("enrolled", [True, False], ids=["verify", "enrol"])
def test_sec_05_the_session_id_changes_at_the_second_factor(city_reviewer, enrolled):
    """Attack of issue #13 (session fixation across the steps): a session id known after the
    password alone — the attacker's own login with a stolen password, planted in the victim's
    browser, where the victim types the code — must not become a verified session."""
    from django.conf import settings

    if enrolled:
        device = TOTPDevice.objects.create(
            user=city_reviewer, name="手机验证器", key="31323334353637383930" * 2, confirmed=True
        )
        step = "/account/otp/"
    client = password_login(city_reviewer.username)
    half = client.cookies[settings.SESSION_COOKIE_NAME].value
    if not enrolled:
        step = "/account/otp/setup/"
        secret = re.search(r"[A-Z2-7]{32}", client.get(step).content.decode()).group(0)
        device = TOTPDevice(user=city_reviewer, key=base64.b32decode(secret).hex())
    assert client.post(step, {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != half
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = half
    response = thief.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
