"""Every view declares who may use it (SECURITY.md row 7).

    @allow(Role.CITY_ADMIN, Role.CITY_REVIEWER)   # these roles only
    @allow(*roles.BUSINESS)                       # a group of roles
    @allow_any_user                               # anyone logged in
    @public                                       # no login (login page, health check)

A test walks the URLconf and fails on any view without one of these. Anonymous users are
sent to the login page; a logged-in user of another role gets 403 and an audit record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from anju.accounts.roles import Role


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[str] | None = None  # None: any logged-in user

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.roles is None or user.role in self.roles

    def describe(self) -> str:
        if self.public:
            return "public"
        if self.roles is None:
            return "any user"
        return ", ".join(sorted(self.roles))


def _guard(rule: AccessRule) -> Callable:
    def decorator(view):
        if rule.public:
            view.access_rule = rule
            return view

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule.allows(request.user):
                return forbidden(request, reason=f"role not in {rule.describe()}")
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def allow(*roles: Role | str | Iterable) -> Callable:
    flat: set[str] = set()
    for role in roles:
        if isinstance(role, str):
            flat.add(str(role))
        else:
            flat.update(str(r) for r in role)
    return _guard(AccessRule(roles=frozenset(flat)))


allow_any_user = _guard(AccessRule())
public = _guard(AccessRule(public=True))


def forbidden(request, *, reason: str = "", obj_label: str = "", obj_pk: str = ""):
    from anju.audit.events import Event, Outcome
    from anju.audit.services import record

    record(
        Event.PERMISSION_DENIED,
        outcome=Outcome.DENIED,
        object_label=obj_label,
        object_pk=obj_pk,
        detail={"path": request.path, "method": request.method, "reason": reason},
    )
    return render(request, "403.html", status=403)
