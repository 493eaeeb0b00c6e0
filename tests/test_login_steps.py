"""The login steps in their one order (issue #13, blockers 1 and 2; SECURITY.md rows 2 and 5):

    first factor (password) → second factor (verify, or enrol when required and none)
    → forced password change (issued or expired) → the app

Every combination of {no device, device} × {fresh, issued, expired password} × {TOTP
required for the role or not} is logged in the way a browser would: follow each redirect,
do the step the page asks for, and count the hops. Each must end in the app after exactly
its steps, never bouncing between two steps.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from anju.accounts.roles import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

VERIFY, SETUP, PASSWORD_PAGE, HOME = (
    "/account/otp/",
    "/account/otp/setup/",
    "/account/password/",
    "/",
)
NEW_PASSWORD = "Brand-new#Pass42"


@pytest.fixture(autouse=True)
def totp_on(settings):
    settings.TOTP_REQUIRED = True


def code_for(key_hex: str) -> str:
    totp = TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0)
    return f"{totp.token():06d}"


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, name="手机验证器", key=random_hex(20), confirmed=True
    )


def make_person(township, *, role: Role, device: bool, password: str) -> tuple:
    user = make_user(f"p_steps_{role}", role, township)
    if password == "issued":
        user.must_change_password = True
    elif password == "expired":
        user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    return user, (add_device(user) if device else None)


def walk(client: Client, device: TOTPDevice | None, start: str = HOME) -> list[str]:
    """Follow the app from ``start`` as a browser would, doing each step asked for; the
    steps taken, in order. Fails on a loop (a step asked for twice) or on > 8 hops."""
    steps: list[str] = []
    url = start
    for _ in range(8):
        response = client.get(url)
        if response.status_code == 200:
            assert urlsplit(url).path == HOME, url
            return steps
        assert response.status_code == 302, (url, response.status_code)
        location = response["Location"]
        step = urlsplit(location).path
        if step == HOME or step == urlsplit(url).path:
            url = location
            continue
        assert step not in steps, f"loop: {steps} then {step} again"
        # every other page, and the other steps, send the user back to this step
        for other in ("/households/", "/units/", VERIFY, SETUP, PASSWORD_PAGE):
            if other != step:
                elsewhere = client.get(other)
                assert elsewhere.status_code == 302, (step, other)
                assert urlsplit(elsewhere["Location"]).path == step, (step, other)
        page = client.get(location)
        assert page.status_code == 200, (location, page.status_code)
        if step == VERIFY:
            done = client.post(location, {"code": code_for(device.key)})
        elif step == SETUP:
            secret = re.search(r"[A-Z2-7]{32}", page.content.decode()).group(0)
            key = client.session["otp_pending_key"]
            assert secret  # the page shows the new secret; the code comes from it
            done = client.post(location, {"code": code_for(key)})
        elif step == PASSWORD_PAGE:
            done = client.post(
                location,
                {
                    "old_password": PASSWORD,
                    "new_password1": NEW_PASSWORD,
                    "new_password2": NEW_PASSWORD,
                },
            )
        else:
            raise AssertionError(f"unexpected step {location}")
        assert done.status_code == 302, (step, done.content.decode()[:500])
        steps.append(step)
        url = done["Location"]
    raise AssertionError(f"no end after {steps}")


def expected(required: bool, device: bool, password: str) -> list[str]:
    steps = []
    if device:
        steps.append(VERIFY)
    elif required:
        steps.append(SETUP)
    if password != "fresh":
        steps.append(PASSWORD_PAGE)
    return steps


@pytest.mark.parametrize("password", ["fresh", "issued", "expired"])
@pytest.mark.parametrize("device", [False, True], ids=["no_device", "device"])
@pytest.mark.parametrize(
    "role", [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD], ids=["totp_required", "totp_optional"]
)
def test_sec_02_05_every_login_ends_in_the_app_after_its_steps_in_order(
    township_a, role, device, password
):
    user, totp = make_person(township_a, role=role, device=device, password=password)
    client = Client()
    response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    steps = walk(client, totp, response["Location"])
    assert steps == expected(role == Role.TOWNSHIP_OFFICER, device, password)
    user.refresh_from_db()
    assert user.must_change_password is False and not user.password_expired()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == (
        1 if device or role == Role.TOWNSHIP_OFFICER else 0
    )
    # and the next login asks for the second factor only, once enrolled
    client.post("/account/logout/")
    again = Client()
    current = PASSWORD if password == "fresh" else NEW_PASSWORD
    assert (
        again.post("/account/login/", {"username": user.username, "password": current})["Location"]
        == HOME
    )
    device_now = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device_now is not None:
        # a new time step: a code is accepted once
        with_time = timezone.now() + dt.timedelta(seconds=60)
        with time_machine.travel(with_time, tick=False):
            assert walk(again, device_now) == [VERIFY]
    else:
        assert walk(again, None) == []


def test_the_deep_link_survives_every_step(township_a):
    user, totp = make_person(
        township_a, role=Role.TOWNSHIP_OFFICER, device=True, password="expired"
    )
    client = Client()
    response = client.post(
        "/account/login/?next=/units/",
        {"username": user.username, "password": PASSWORD, "next": "/units/"},
    )
    assert response["Location"] == "/units/"
    to_verify = client.get("/units/")
    assert to_verify["Location"] == "/account/otp/?next=/units/"
    after_code = client.post(to_verify["Location"], {"code": code_for(totp.key)})
    assert after_code["Location"] == "/units/"
    to_password = client.get("/units/")
    assert to_password["Location"] == "/account/password/?next=/units/"
    after_change = client.post(
        to_password["Location"],
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert after_change["Location"] == "/units/"
    assert client.get("/units/").status_code == 200


@pytest.mark.parametrize("required", [True, False], ids=["totp_required", "demo_totp_off"])
def test_sec_05_totp_enrolled_voluntarily_is_always_asked(settings, head_a, required):
    """A role that does not need TOTP, once enrolled, is asked for it at every login —
    also when TOTP is switched off for the roles (the demo)."""
    settings.TOTP_REQUIRED = required
    totp = add_device(head_a)
    client = Client()
    client.post("/account/login/", {"username": head_a.username, "password": PASSWORD})
    for url in ("/", "/households/", "/ledger/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == VERIFY, url
    assert walk(client, totp) == [VERIFY]
