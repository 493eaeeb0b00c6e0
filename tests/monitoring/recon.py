"""Helpers for the reconciliation tests (no tests here): a written list version holding
households given by the head's ID number and the facts the list states, and screening."""

from __future__ import annotations

import datetime as dt

from anju.core import crypto
from anju.monitoring.models import ListedHousehold, ListVersion, Source
from anju.screening.models import FIRING, Finding
from tests.screening.helpers import screen

AS_OF = dt.date(2026, 12, 7)


def version(source: str = Source.FPJC, *rows: dict, data_date=None, status="done") -> ListVersion:
    """A version of ``source`` written with ``rows`` (dicts: id_number, township, village, and
    ListedHousehold fields); ``first_listed_on`` defaults to the version's day."""
    made = ListVersion.objects.create(
        source=source,
        filename=f"{source}.xlsx",
        file_sha256="0" * 64,
        status=status,
        data_date=data_date or AS_OF,
        households=len(rows),
    )
    for n, row in enumerate(rows, start=1):
        row = dict(row)
        number = row.pop("id_number")
        village = row.pop("village", None)
        township = row.pop("township", None) or village.parent
        item = ListedHousehold(
            version=made,
            source=source,
            row=n + 3,
            township=township,
            village=village,
            head_name=row.pop("head_name", "李四"),
            **{"first_listed_on": made.data_date, **row},
        )
        item.set_id_number(number)
        item.change_key = item.make_change_key()
        item.save()
    return made


def firing(household, as_of: dt.date = AS_OF) -> dict[str, str]:
    """The M- rules firing on a registry household, with their messages."""
    screen(household, as_of=as_of)
    rows = Finding.objects.filter(household=household, status__in=FIRING)
    return {c: m for c, m in rows.values_list("rule_code", "message") if c.startswith("M-")}


def hash_of(number: str) -> str:
    return crypto.blind_index(number)
