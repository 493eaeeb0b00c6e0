"""Session limits, then the login steps (second factor, forced password change), enforced
before any page (SECURITY.md rows 2, 4, 5)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_ALWAYS_ALLOWED_PREFIXES = ("/static/", "/healthz")


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES idle or SESSION_ABSOLUTE_HOURS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get("last_seen", now)
            login_at = request.session.get("login_at", now)
            reason = None
            if now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                reason = "idle"
            elif now - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
                reason = "absolute"
            if reason:
                request._anju_logout_reason = reason
                logout(request)  # flushes and deletes the server-side session
                return redirect(f"{reverse(settings.LOGIN_URL)}?expired=1")
            if now - last_seen > 30:  # avoid a session write on every request
                request.session["last_seen"] = now
        return self.get_response(request)


class LoginStepsMiddleware:
    """The steps after the password, in one order, before any other page (SECURITY.md rows
    2 and 5; issue #13):

        second factor — verify the enrolled device, or enrol one when the role requires it
        → forced password change (an issued or an expired password) → the app

    While a step is pending, its own page, logging out and static files are all the user
    may reach; every other path — the later steps included — redirects to it, carrying the
    page asked for as ``next`` (checked by ``core.redirects`` wherever it is followed). Each
    step's page redirects onward when done, so the next request lands on the next step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        step = pending_step(request) if user is not None and user.is_authenticated else None
        if step is not None:
            url = reverse(step)
            if request.path not in (url, reverse("accounts:logout")) and not (
                request.path.startswith(_ALWAYS_ALLOWED_PREFIXES)
            ):
                return redirect(_with_next(url, request))
        return self.get_response(request)


def pending_step(request) -> str | None:
    """The URL name of the step this logged-in user must do next, or None."""
    from anju.accounts import otp

    user = request.user
    if not user.is_verified():
        if otp.has_confirmed_device(user):
            return "accounts:otp_verify"  # once enrolled, always asked (any role)
        if otp.required_for(user):
            return "accounts:otp_setup"
    if user.must_change_password or user.password_expired():
        return "accounts:password_change"
    return None


def _with_next(url: str, request) -> str:
    from urllib.parse import urlencode

    target = request.get_full_path()
    if request.method != "GET" or target == "/" or request.path.startswith("/account/"):
        return url
    return f"{url}?{urlencode({'next': target}, safe='/')}"
