"""The security administrator's use cases (三权分立): grant role and scope, issue or reset a
password, unlock, reset the second factor, disable.

The system administrator creates accounts (without a usable password); only the security
administrator grants what an account may do and see, and only they issue passwords — an
issued password must be changed by its owner at the next login, and nothing the issuer
does can waive that. Nobody changes their own account here. Every action is audited; the
two resets need a stated reason.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.accounts.models import LoginLock, User
from anju.accounts.roles import Role
from anju.accounts.services import end_sessions_of
from anju.audit.events import Event
from anju.audit.services import record
from anju.units.models import Unit


def _not_self(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied("不能变更自己的账号授权。")


@transaction.atomic
def grant(*, actor: User, user: User, role: str, unit: Unit | None) -> None:
    _not_self(actor, user)
    before = {"role": user.role, "unit": user.unit.code if user.unit else ""}
    user.role = role
    user.unit = unit
    user.full_clean(exclude=["password"])
    if not role or unit is None:
        raise ValidationError({"role": "请选择角色和单位。"})
    user.save()
    after = {"role": role, "unit": unit.code}
    if before != after:
        end_sessions_of({user.pk})  # the new grant applies from the next login
        record(Event.ROLE_CHANGED, obj=user, detail={"before": before, "after": after})


@transaction.atomic
def revoke(*, actor: User, user: User) -> None:
    _not_self(actor, user)
    before = {"role": user.role, "unit": user.unit.code if user.unit else ""}
    user.role, user.unit = "", None
    user.save()
    end_sessions_of({user.pk})
    record(
        Event.ROLE_CHANGED, obj=user, detail={"before": before, "after": {"role": "", "unit": ""}}
    )


def unlock(*, actor: User, user: User) -> bool:
    from anju.accounts.services import unlock as lift

    return lift(user.username)


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())[:200]
    if len(reason) < 2:
        raise ValidationError("请填写原因（例如：手机丢失，本人到场核实身份）。")
    return reason


@transaction.atomic
def reset_totp(*, actor: User, user: User, reason: str) -> None:
    """After a lost phone: the user's devices go, their sessions end, and they enrol a new
    device at the next login (when their role requires one)."""
    _not_self(actor, user)
    reason = _reason(reason)
    devices = TOTPDevice.objects.filter(user=user).delete()[0]
    end_sessions_of({user.pk})
    record(Event.TOTP_RESET, obj=user, detail={"reason": reason, "devices": devices})


ISSUED_PASSWORD_LENGTH = 14
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "O0Il1") + "#@%+=-"


def issue_password(user: User) -> str:
    """A random password that passes the policy (shown once, never stored in clear)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(ISSUED_PASSWORD_LENGTH))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def reset_password(*, actor: User, user: User, reason: str) -> str:
    """Issue a new password for ``user``; return it to show once. The owner must change it
    at the next login (``must_change_password``, not a choice of the issuer); their
    sessions end; the reset is audited with its reason (the password is not)."""
    _not_self(actor, user)
    reason = _reason(reason)
    password = issue_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    end_sessions_of({user.pk})
    record(Event.PASSWORD_RESET, obj=user, detail={"reason": reason})
    return password


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> None:
    _not_self(actor, user)
    user.is_active = active
    user.save()
    if not active:
        end_sessions_of({user.pk})


def is_locked(user: User) -> bool:
    from django.utils import timezone

    return LoginLock.objects.filter(
        username=user.username.lower(), locked_until__gt=timezone.now()
    ).exists()


ROLE_CHOICES = [(r.value, r.label) for r in Role]
