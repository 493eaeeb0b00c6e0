"""The 动态监测比对 rules agree with an independent oracle (``tests/oracle/reconcile_oracle.py``,
written from docs/SCREENING.md) on a few hundred generated cases: registry households
with every grade, accepted renovations, 无房户 yes/no/empty, monitoring types and key groups;
list records in an older and the current 防返贫监测 version and the current 民政 version
with 是否危房户 是/否/empty, housing risks, eliminated risks, first-listed days on and beside
the boundary. The engine is asked through ``screen --as-of … --json``.

``RECONCILE_CASES`` / ``RECONCILE_SEED`` (environment) change the size and the seed."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import random

import pytest
from django.core.management import call_command

from tests.factories import fake_id, make_household
from tests.monitoring.recon import version
from tests.oracle import reconcile_oracle as oracle

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 6, 28)
COUNT = int(os.environ.get("RECONCILE_CASES", "300"))
SEED = int(os.environ.get("RECONCILE_SEED", "20261207"))
TYPES = ["", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
TYPE_BITS = {"": 0, "脱贫不稳定户": 1, "边缘易致贫户": 1, "突发严重困难户": 8}


def maybe(rng, *values):
    return rng.choice(values)


def a_record(rng, source: str) -> dict:
    days = maybe(rng, 0, 5, 29, 30, 31, 45, 200)
    if source == "fpjc":
        kind = rng.choice(TYPES)
        groups = TYPE_BITS[kind] | maybe(rng, 0, 0, 2, 4, 32)
    else:
        kind = ""
        groups = maybe(rng, 0, 2, 4, 16, 2 | 4)
    return {
        "groups": groups,
        "monitoring_type": kind,
        "dangerous_house": maybe(rng, None, True, False, False),
        "housing_risk": rng.random() < 0.3 if source == "fpjc" else False,
        "risk_eliminated": maybe(rng, None, True, False) if source == "fpjc" else None,
        "first_listed_on": AS_OF - dt.timedelta(days=days),
    }


def a_registry(rng) -> dict:
    grade = maybe(rng, None, None, "A", "B", "C", "D")
    post = maybe(rng, None, None, "A", "B", "C") if grade else None
    kind = rng.choice(TYPES)
    return {
        "grade": grade,
        "post_grade": post,
        "no_house": maybe(rng, None, True, False, False),
        "monitoring_type": kind,
        "groups": TYPE_BITS[kind] * (rng.random() < 0.8) | maybe(rng, 0, 0, 2, 4, 16, 32),
    }


def generate(rng, village) -> list[dict]:
    cases = []
    for n in range(COUNT):
        where = rng.random()
        case = {
            "id_number": fake_id(5000 + n),
            # 应纳未纳 (M-01): about one in six heads the registry does not hold
            "registry": a_registry(rng) if rng.random() > 0.17 else None,
            "old": rng.random() < 0.5,
            "current": {},
        }
        if where < 0.45:
            case["current"]["fpjc"] = a_record(rng, "fpjc")
        if 0.3 < where < 0.65:
            case["current"]["minzheng"] = a_record(rng, "minzheng")
        cases.append(case)
    return cases


def write(cases, village) -> None:
    for case in cases:
        r = case["registry"]
        if r is None:
            continue
        renovation = None
        if r["post_grade"]:
            renovation = {
                "method": "维修加固",
                "accepted_on": dt.date(2023, 5, 1),
                "post_grade": r["post_grade"],
            }
        make_household(
            village,
            id_number=case["id_number"],
            grade=r["grade"],
            renovation=renovation,
            no_house=r["no_house"],
            monitoring_type=r["monitoring_type"],
            groups=r["groups"],
        )

    def rows(source, picked):
        return [
            {"id_number": c["id_number"], "village": village, **picked(c)}
            for c in cases
            if picked(c) is not None
        ]

    old = {"groups": 1, "monitoring_type": "脱贫不稳定户", "first_listed_on": AS_OF}
    version("fpjc", *rows("fpjc", lambda c: old if c["old"] else None), data_date=AS_OF)
    version("fpjc", *rows("fpjc", lambda c: c["current"].get("fpjc")), data_date=AS_OF)
    version("minzheng", *rows("minzheng", lambda c: c["current"].get("minzheng")))


def test_the_engine_agrees_with_the_oracle(village_a, capsys):
    rng = random.Random(SEED)
    cases = generate(rng, village_a)
    write(cases, village_a)
    expected = set()
    for case in cases:
        ever = case["old"] or bool(case["current"])
        fired = oracle.findings(
            case["registry"], case["current"], {"fpjc", "minzheng"}, ever, AS_OF
        )
        expected |= {(code, case["id_number"]) for code in fired}
    capsys.readouterr()
    call_command("screen", "--json", "--as-of", AS_OF.isoformat())
    got = {
        (r["rule_code"], r["id_number"])
        for r in json.loads(capsys.readouterr().out)
        if r["rule_code"].startswith("M-")
    }
    by_id = {c["id_number"]: c for c in cases}
    shown = [
        f"{side} {code} {number}: {by_id[number]}"
        for side, pairs in (("engine only", got - expected), ("oracle only", expected - got))
        for code, number in sorted(pairs)[:20]
    ]
    assert got == expected, "\n".join(shown)
    per_rule = collections.Counter(code for code, _ in expected)
    assert all(per_rule[c] >= 5 for c in ("M-01", "M-02", "M-03", "M-04", "M-05", "M-06")), per_rule
