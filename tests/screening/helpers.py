"""Helpers for screening tests: screen households as of a date and read their findings."""

from __future__ import annotations

import datetime as dt

from anju.screening import services
from anju.screening.models import FIRING, Finding

AS_OF = dt.date(2022, 6, 1)


def days_before(n: int, as_of: dt.date = AS_OF) -> dt.date:
    return as_of - dt.timedelta(days=n)


def screen(*households, as_of: dt.date = AS_OF):
    return services.screen_households([h.pk for h in households], as_of=as_of)


def firing(household, as_of: dt.date = AS_OF) -> dict[str, str]:
    """Screen the household; the rules that fire on it, with their messages."""
    screen(household, as_of=as_of)
    rows = Finding.objects.filter(household=household, status__in=FIRING)
    return dict(rows.values_list("rule_code", "message"))


def fires(household, code: str, as_of: dt.date = AS_OF) -> str | None:
    """The rule's message if it fires on the household, else None."""
    return firing(household, as_of).get(code)
