"""Who is acting: set per request by ActorMiddleware, and by commands with ``acting_as``."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    unit_code: str
    ip: str | None = None


SYSTEM = Actor(user_id=None, username="system", role="system", unit_code="")
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("anju_actor", default=SYSTEM)


def actor_for(user, ip: str | None = None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="", role="anonymous", unit_code="", ip=ip)
    unit = getattr(user, "unit", None)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        role=getattr(user, "role", ""),
        unit_code=unit.code if unit else "",
        ip=ip,
    )


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor_or_user, ip: str | None = None):
    actor = actor_or_user if isinstance(actor_or_user, Actor) else actor_for(actor_or_user, ip)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted solely behind a configured proxy,
    # which rewrites REMOTE_ADDR (docs/SECURITY.md).
    return request.META.get("REMOTE_ADDR")
