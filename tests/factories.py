"""Build registry records for tests in one call.

    hh = make_household(village_a, size=3, grade="D", assessed_on=date(2022, 1, 5),
                        renovation={"method": "原址重建", "accepted_on": date(2022, 4, 1)})

Household fields are passed as keyword arguments; ``grade`` (with ``assessed_on``,
``assessor``, ``result_issued``, ``kind``) makes the current assessment; ``renovation`` is a
dict of Renovation fields. Defaults describe an in-scope 脱贫户 with a valid ID, shaped like a
row of a real export: 自筹资金 0 and 是否举债 否 for everyone, renovated or not (ADR 0009).
"""

from __future__ import annotations

import datetime as dt
import itertools

from anju.registry import idcard
from anju.registry.models import Assessment, Household, Renovation

_sequence = itertools.count(1)
ASSESSMENT_FIELDS = ("assessed_on", "assessor", "result_issued", "kind")


def fake_id(n: int | None = None) -> str:
    n = next(_sequence) if n is None else n
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 37) % 20000)
    return idcard.make("411081", born, n % 1000)


def make_household(village, *, id_number=None, phone="", grade=None, renovation=None, **fields):
    assessment_fields = {k: fields.pop(k) for k in ASSESSMENT_FIELDS if k in fields}
    defaults = {
        "head_name": "张三",
        "size": 3,
        "is_alleviated": True,
        "enjoys_policy": True,
        "self_funds": 0,
        "borrowed": False,
    }
    household = Household(township=village.parent, village=village, **{**defaults, **fields})
    household.set_id_number(id_number or fake_id())
    if phone:
        household.set_phone(phone)
    household.save()
    if grade:
        assessment = Assessment.objects.create(
            household=household,
            grade=grade,
            **{
                "assessed_on": dt.date(2022, 1, 10),
                "assessor": "禹州市房屋安全鉴定站",
                "result_issued": True,
                "kind": "鉴定",
                **assessment_fields,
            },
        )
        household.assessment = assessment
    if renovation is not None:
        household.renovation = Renovation.objects.create(household=household, **renovation)
    if grade or renovation is not None:
        household.save()
    return household
