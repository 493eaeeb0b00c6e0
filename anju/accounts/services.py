"""Logging in, with lock-out after repeated failures (SECURITY.md row 3).

The answer is the same for an unknown user, a wrong password, a disabled account and a
locked one, so the page never tells whether an account exists.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from anju.accounts.models import LoginFailure, LoginLock, User
from anju.audit.context import acting_as, actor_for, client_ip
from anju.audit.events import Event, Outcome
from anju.audit.services import record


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(username: str, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return LoginLock.objects.filter(username=_key(username), locked_until__gt=now).exists()


def attempt_login(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Log the user in and return them, or record the failure and return None."""
    key = _key(username)
    now = timezone.now()
    ip = client_ip(request)
    locked = is_locked(key, now=now)
    user = None if locked else authenticate(request, username=username.strip(), password=password)
    if user is None:
        _record_failure(key, ip, now, locked=locked)
        return None
    with transaction.atomic():
        LoginFailure.objects.filter(username=key).delete()
        LoginLock.objects.filter(username=key).delete()
    login(request, user)
    request.session["login_at"] = now.timestamp()
    request.session["last_seen"] = now.timestamp()
    record(Event.LOGIN, obj=user, actor=actor_for(user, ip))
    return user


def _record_failure(key: str, ip: str | None, now: dt.datetime, *, locked: bool) -> None:
    known = User.objects.filter(username__iexact=key).first()
    with acting_as(actor_for(None, ip)):
        record(
            Event.LOGIN_FAILED,
            outcome=Outcome.FAILURE,
            object_label="accounts.user",
            object_pk=str(known.pk) if known else "",
            detail={"username": key, "reason": "locked" if locked else "credentials"},
        )
        if locked:
            return
        _count_failure(key, ip, now, known)


def record_failure(username: str, *, ip: str | None, step: str, what: str) -> None:
    """A wrong password typed again by a signed-in user (``reauth``: to sign, to approve):
    audited as that user, and counted towards the lock-out exactly like a failed login."""
    key = _key(username)
    now = timezone.now()
    known = User.objects.filter(username__iexact=key).first()
    record(
        Event.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        object_label="accounts.user",
        object_pk=str(known.pk) if known else "",
        detail={"username": key, "reason": "credentials", "step": step, "for": what},
    )
    _count_failure(key, ip, now, known)


def _count_failure(key: str, ip: str | None, now: dt.datetime, known: User | None) -> None:
    LoginFailure.objects.create(username=key, ip=ip, ts=now)
    window = now - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(username=key, ts__gt=window).count()
    if recent >= settings.LOGIN_FAILURE_LIMIT:
        until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        LoginLock.objects.update_or_create(username=key, defaults={"locked_until": until})
        LoginFailure.objects.filter(username=key).delete()
        record(
            Event.ACCOUNT_LOCKED,
            outcome=Outcome.SUCCESS,
            object_label="accounts.user",
            object_pk=str(known.pk) if known else "",
            detail={"username": key, "until": until.isoformat(), "failures": recent},
        )


def unlock(username: str) -> bool:
    """Lift a lock early (the security administrator's action)."""
    deleted, _ = LoginLock.objects.filter(username=_key(username)).delete()
    if deleted:
        record(
            Event.ACCOUNT_UNLOCKED,
            object_label="accounts.user",
            detail={"username": _key(username)},
        )
    return bool(deleted)


def change_password(user: User, *, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    record(Event.PASSWORD_CHANGED, obj=user)


def end_sessions_of(user_ids: set[int]) -> int:
    """Delete every server-side session that belongs to these users."""
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") in {str(i) for i in user_ids}:
            session.delete()
            ended += 1
    return ended


def disable_idle_accounts(cutoff: dt.datetime) -> list[str]:
    """Disable accounts that have not logged in since ``cutoff`` (SECURITY.md row 6).

    An account that never logged in counts from when it was created.
    """
    from django.db.models import Q

    idle = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    names = []
    for user in idle:
        user.is_active = False
        user.save()  # audited as an update of is_active
        names.append(user.username)
    if names:
        end_sessions_of(set(User.objects.filter(username__in=names).values_list("pk", flat=True)))
    return names
