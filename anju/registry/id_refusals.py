"""An ID number registered outside the user's scope (issue #13, minor: ID enumeration).

Creating a household, changing its ID number, or importing a workbook is refused for an
ID number already registered in a township or village the user may not see. The answer
says only that it cannot be registered here and to contact the city bureau — not where,
nor even that it is registered elsewhere — and every such refusal is audited
(``id_refused``, with the masked number).

The answer is still an oracle (a number that is not registered would be accepted), so it
is rate-limited per user: after ``ID_REFUSALS_PER_HOUR`` refused ID numbers within an hour
(default 10, ``ANJU_ID_REFUSALS_PER_HOUR``; the same number refused again counts once) the
user may not enter new ID numbers — neither a new
household, nor a changed ID number, nor an import that creates households or touches one
outside their scope — until the hour has passed; each attempt meanwhile is refused and
audited too. County-wide roles see every household, so they are never refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeGuard

from django.conf import settings
from django.utils import timezone

from anju.accounts.roles import COUNTY_WIDE
from anju.audit.events import Event, Outcome
from anju.audit.models import AuditEvent
from anju.audit.services import record
from anju.core import crypto
from anju.registry import idcard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User
    from anju.registry.io.scope import ImportScope
    from anju.registry.io.sheet import ParsedRow

REFUSED = "该身份证号不能在此登记；如有疑问，请联系市住建局。"


def limited_message() -> str:
    return (
        f"一小时内不能在此登记的身份证号已达 {settings.ID_REFUSALS_PER_HOUR} 次，"
        "暂停录入新的身份证号（新增农户、修改身份证号、导入）；请一小时后再试，或联系市住建局。"
    )


class Refused(Exception):
    """The whole operation is refused (the user reached the hourly limit)."""


def applies_to(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """A signed-in user whose scope is less than the county: their ID numbers are checked."""
    return (
        user is not None
        and user.is_authenticated
        and getattr(user, "role", None) not in COUNTY_WIDE
    )


def _recent(user: User) -> tuple[set[str], int]:
    """The keyed hashes of the ID numbers refused to ``user`` within the hour, and the
    number of attempts refused by the limit meanwhile."""
    since = timezone.now() - dt.timedelta(hours=1)
    rows = AuditEvent.objects.filter(user_id=user.pk, event=Event.ID_REFUSED, ts__gte=since)
    keys: set[str] = set()
    blocks = 0
    for detail in rows.values_list("detail", flat=True):
        if (detail or {}).get("key"):
            keys.add(detail["key"])
        else:
            blocks += 1
    return keys, blocks


def recent(user: User) -> int:
    """Refusals counted against the limit: each ID number once (refusing it again tells
    nothing new — a preview and its import, a corrected form), each blocked attempt."""
    keys, blocks = _recent(user)
    return len(keys) + blocks


def is_limited(user: User | AnonymousUser | None) -> bool:
    return applies_to(user) and recent(user) >= settings.ID_REFUSALS_PER_HOUR


def refuse(
    user: User | AnonymousUser | None,
    id_numbers: list[str],
    *,
    via: str,
    batch: int | None = None,
) -> None:
    """Audit one refusal per ID number (masked, and its keyed hash to count it once)."""
    for value in id_numbers:
        detail: dict[str, object] = {
            "via": via,
            "id_number": crypto.mask_id_number(value),
            "key": crypto.blind_index(idcard.normalize(value)),
        }
        if batch is not None:
            detail["batch"] = batch
        record(
            Event.ID_REFUSED,
            outcome=Outcome.DENIED,
            object_label="registry.household",
            detail=detail,
        )


def block(
    user: User | AnonymousUser | None, *, via: str, rows: int = 1, batch: int | None = None
) -> Refused:
    """Audit an attempt refused by the limit; the exception to raise."""
    detail: dict[str, object] = {"via": via, "reason": "rate limited", "rows": rows}
    if batch is not None:
        detail["batch"] = batch
    record(
        Event.ID_REFUSED, outcome=Outcome.DENIED, object_label="registry.household", detail=detail
    )
    return Refused(limited_message())


def check_import(scope: ImportScope, rows: list[ParsedRow], *, batch: int | None = None) -> None:
    """Before an import's rows are matched: audit the rows whose ID number is registered
    outside the user's scope, or raise ``Refused`` (audited) when the user has reached the
    limit — then no row says which number is registered where."""
    from anju.registry.models import Household

    user = scope.user
    if not applies_to(user):
        return
    by_hash = {r.id_hash: r for r in rows if not r.error and r.id_hash}
    if not by_hash:
        return
    found: dict[str, int] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 900):
        chunk = hashes[start : start + 900]
        found.update(
            Household.objects.filter(id_number_hash__in=chunk).values_list(
                "id_number_hash", "township_id"
            )
        )
    outside = [h for h, township in found.items() if township not in scope.allowed]
    new = len(by_hash) - len(found)
    if not outside and not new:
        return  # only households already in the user's scope: nothing to learn
    known, blocks = _recent(user)
    counted = len(known) + blocks
    fresh = [h for h in outside if h not in known]
    if counted >= settings.ID_REFUSALS_PER_HOUR or counted + len(fresh) > (
        settings.ID_REFUSALS_PER_HOUR
    ):
        raise block(user, via="import", rows=len(outside) + new, batch=batch)
    refuse(user, [by_hash[h].id_number for h in outside], via="import", batch=batch)
