"""Two-factor login with TOTP (SECURITY.md row 5), on django-otp.

Required, after the password, for the roles in ``TOTP_ROLES`` when ``TOTP_REQUIRED`` is on
(the default; `make run`'s demo turns it off so the demo logins work without a phone app).
Any user may enrol; once a user has a confirmed device it is asked for at every login,
whatever the role or setting. A code is accepted once: django-otp's TOTPDevice remembers
the last time step used.

Enrolment is only for a user without a confirmed device: nobody replaces a device by
themselves (a password alone must never reach a new secret — issue #13). After a lost
phone the security administrator resets the device, with a reason, audited
(``security.reset_totp``), and the user enrols at the next login.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.accounts.roles import SYSTEM_ADMINS, UNMASK
from anju.audit.events import Event, Outcome
from anju.audit.services import record

TOTP_ROLES = SYSTEM_ADMINS | UNMASK


def required_for(user) -> bool:
    return bool(settings.TOTP_REQUIRED and user.is_authenticated and user.role in TOTP_ROLES)


def has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


PENDING_KEY = "otp_pending_key"
DEVICE_NAME = "手机验证器"


def pending_device(request) -> TOTPDevice:
    """The device being set up, NOT saved: its secret waits in the (server-side) session
    until a code confirms it, so opening the setup page writes nothing else (row 22)."""
    from django_otp.util import random_hex

    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = random_hex(20)
    return TOTPDevice(user=request.user, name=DEVICE_NAME, key=key, confirmed=False)


def _stored_pending_device(request) -> TOTPDevice:
    """On a POST: the unconfirmed device row carrying the session's secret (kept between
    attempts, so django-otp's throttling counts every wrong code)."""
    shown = pending_device(request)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        shown.save()
        return shown
    if device.key != shown.key:
        device.key = shown.key
        device.save(update_fields=["key"])
    return device


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def secret_base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def may_enrol(user) -> bool:
    return user.is_authenticated and not has_confirmed_device(user)


def verify(request, code: str, *, setup: bool = False) -> bool:
    user = request.user
    code = "".join(ch for ch in code if ch.isdigit())
    if setup:
        if not may_enrol(user):
            raise PermissionError("a confirmed device exists: enrolment goes through a reset")
        devices = [_stored_pending_device(request)]
    else:
        devices = list(devices_for_user(user, confirmed=True))
    for device in devices:
        if code and device.verify_token(code):
            if setup:
                device.confirmed = True
                device.save()
                request.session.pop(PENDING_KEY, None)
            otp_login(request, device)
            # A new session id for the verified session: one known after the password alone
            # (planted in the victim's browser before the code is typed) must not become it.
            request.session.cycle_key()
            record(Event.LOGIN, obj=user, detail={"factor": "totp", "setup": setup})
            return True
    record(
        Event.LOGIN_FAILED,
        obj=user,
        outcome=Outcome.FAILURE,
        detail={"factor": "totp", "reason": "bad code"},
    )
    return False
