"""The security administrator's use cases (三权分立): grant role and scope, unlock, reset 2FA.

The system administrator creates accounts; only the security administrator grants what an
account may do and see. Nobody changes their own grant. Every action is audited.
"""

from __future__ import annotations

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


@transaction.atomic
def reset_totp(*, actor: User, user: User) -> None:
    _not_self(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    end_sessions_of({user.pk})
    record(Event.TOTP_RESET, obj=user)


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
