"""Session limits and the password policy, enforced before any page (SECURITY.md rows 2, 4)."""

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


class PasswordPolicyMiddleware:
    """An issued or expired password must be changed before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or user.password_expired())
        ):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if not request.path.startswith(allowed + _ALWAYS_ALLOWED_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Privileged roles must pass the TOTP step before any other page (SECURITY.md row 5)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from anju.accounts import otp

        user = getattr(request, "user", None)
        if user is not None and otp.required_for(user) and not user.is_verified():
            allowed = (
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
            )
            if not request.path.startswith(allowed + _ALWAYS_ALLOWED_PREFIXES):
                target = (
                    "accounts:otp_verify"
                    if otp.has_confirmed_device(user)
                    else "accounts:otp_setup"
                )
                return redirect(target)
        return self.get_response(request)
