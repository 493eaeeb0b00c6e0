"""Signing is not one click (issue #17 item 6): the township head's 签字确认 of the final
report and 审批并报送 of a weekly report ask again for the login password — or, for a user
with a confirmed phone authenticator, its 6-digit code (SECURITY.md row 5) — and the
audit row of the signature says which (``confirmed_with``).

A wrong password counts towards the login lock-out (``services.record_failure``): the
signing form is no way around the limit on guessing. A locked account cannot sign until
the lock ends. A wrong code is throttled by django-otp as at login. Each refusal is
audited (登录失败, ``step: "reauth"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django_otp import devices_for_user

from anju.accounts import otp
from anju.audit.context import client_ip
from anju.audit.events import Event, Outcome
from anju.audit.services import record

PASSWORD = "password"  # noqa: S105 — the name of the method, not a secret
TOTP = "totp"
FIELD = "reauth"


class NotConfirmed(Exception):
    """The password or code was wrong (or the account is locked); the message is Chinese
    and names the field."""


@dataclass(frozen=True)
class Ask:
    """What the form asks for: the label, the input's attributes and the help text."""

    method: str
    label: str
    help_text: str
    input_type: str
    autocomplete: str
    inputmode: str = ""


def ask_for(user) -> Ask:
    if otp.has_confirmed_device(user):
        return Ask(
            TOTP,
            "手机验证器上的 6 位验证码",
            "签字须再次确认本人身份：请输入手机验证器当前显示的 6 位验证码。",
            "text",
            "one-time-code",
            "numeric",
        )
    return Ask(
        PASSWORD,
        "登录密码",
        "签字须再次确认本人身份：请输入您的登录密码。",
        "password",
        "current-password",
    )


def confirm(request, secret: str | None, *, what: str) -> str:
    """The method that confirmed it is the signer (``PASSWORD`` or ``TOTP``), or
    ``NotConfirmed``. ``what`` names the act in the messages (签字, 审批报送)."""
    from anju.accounts import services

    user = request.user
    ask = ask_for(user)
    secret = secret or ""
    if ask.method == TOTP:
        code = "".join(ch for ch in secret if ch.isdigit())
        if code and any(d.verify_token(code) for d in devices_for_user(user, confirmed=True)):
            return TOTP
        _refused(user, ask, "bad code", what)
        raise NotConfirmed(
            f"{ask.label}不正确或已过期，未{what}。请输入手机验证器当前显示的验证码后重试"
            "（连续输错须稍候片刻再试）。"
            if code
            else f"请填写{ask.label}：{what}须再次确认本人身份。"
        )
    if services.is_locked(user.username):
        _refused(user, ask, "locked", what)
        raise NotConfirmed(f"密码错误次数过多，账号已暂时锁定，未{what}。请稍后再试。")
    if not secret:
        raise NotConfirmed(f"请填写{ask.label}：{what}须再次确认本人身份。")
    if user.check_password(secret):
        return PASSWORD
    services.record_failure(user.username, ip=client_ip(request), step="reauth", what=what)
    raise NotConfirmed(
        f"{ask.label}不正确，未{what}。请重新输入您登录本系统的密码；"
        "连续输错会像登录时一样锁定账号。"
    )


def _refused(user, ask: Ask, reason: str, what: str) -> None:
    record(
        Event.LOGIN_FAILED,
        obj=user,
        outcome=Outcome.FAILURE,
        detail={"step": "reauth", "factor": ask.method, "reason": reason, "for": what},
    )
