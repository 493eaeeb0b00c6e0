"""Data scope: one mechanism for every page, export, API and task (SECURITY.md row 9).

A business model's QuerySet inherits ``ScopedQuerySet`` and names the paths to its
township and village; ``.for_user(user)`` then returns only what the user's unit covers:
county roles see the county, township roles their township, village workers their village,
and everyone else nothing. ``get_scoped_or_404`` turns an out-of-scope object into a 404
(never a leak of whether it exists) and writes a ``permission_denied`` audit record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models
from django.http import Http404

from anju.accounts.roles import BUSINESS, COUNTY_WIDE, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User

_M = TypeVar("_M", bound=models.Model, covariant=True)


def scope_q(user, *, township: str, village: str | None) -> models.Q:
    nothing = models.Q(pk__in=[])
    if not getattr(user, "is_authenticated", False) or not user.unit_id:
        return nothing
    if user.role in COUNTY_WIDE:
        return models.Q(**{f"{township}__parent_id": user.unit_id})
    if user.role in BUSINESS - {Role.VILLAGE_WORKER}:
        return models.Q(**{f"{township}_id": user.unit_id})
    if user.role == Role.VILLAGE_WORKER and village:
        return models.Q(**{f"{village}_id": user.unit_id})
    return nothing


class ScopedQuerySet(models.QuerySet[_M]):
    """Generic in the model: ``class HouseholdQuerySet(ScopedQuerySet["Household"])``."""

    scope_township: str = "township"
    scope_village: str | None = "village"

    def for_user(self, user: User | AnonymousUser) -> Self:
        return self.filter(scope_q(user, township=self.scope_township, village=self.scope_village))


class TownshipScoped(ScopedQuerySet):
    """Rows that belong to a township (no village): city roles see the county's, township
    roles their own, everyone else nothing (a village worker sees none)."""

    scope_township = "township"
    scope_village = None


def get_scoped_or_404(request, queryset, **lookup):
    """The object if the user's scope covers it; else 404 and an audit record."""
    try:
        return queryset.for_user(request.user).get(**lookup)
    except queryset.model.DoesNotExist:
        from anju.audit.events import Event, Outcome
        from anju.audit.services import record

        exists = queryset.filter(**lookup).exists()
        if exists:
            record(
                Event.PERMISSION_DENIED,
                outcome=Outcome.DENIED,
                object_label=queryset.model._meta.label_lower,
                object_pk=str(lookup.get("pk", lookup.get("id", ""))),
                detail={"path": request.path, "method": request.method, "reason": "out of scope"},
            )
        raise Http404("不存在或无权查看") from None
