"""One grade for a house (#17 item 3): the current grade of RULES.md A1-04 as a query
expression and in Python agree, and the household pages show it labelled, with the grade
before the renovation beside it when acceptance changed it."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.registry import grades
from anju.registry.models import Household
from tests.factories import make_household

pytestmark = pytest.mark.django_db

ACCEPTED = dt.date(2022, 6, 1)
CASES = {
    "never assessed": ({}, ""),
    "assessed only": ({"grade": "D"}, "D"),
    "renovating": ({"grade": "D", "renovation": {"method": "原址重建"}}, "D"),
    "accepted as B": (
        {"grade": "D", "renovation": {"method": "原址重建", "accepted_on": ACCEPTED, "post_grade": "B"}},
        "B",
    ),
    "accepted without a grade": (
        {"grade": "C", "renovation": {"method": "加固维修", "accepted_on": ACCEPTED}},
        "C",
    ),
    "a grade but not accepted": (
        {"grade": "C", "renovation": {"method": "加固维修", "post_grade": "A"}},
        "C",
    ),
    "accepted, never assessed": (
        {"renovation": {"method": "原址重建", "accepted_on": ACCEPTED, "post_grade": "A"}},
        "A",
    ),
}  # fmt: skip


def test_the_query_and_the_household_agree(village_a):
    made = {name: make_household(village_a, **fields) for name, (fields, _) in CASES.items()}
    in_sql = dict(
        Household.objects.annotate(now=grades.current_grade_sql()).values_list("pk", "now")
    )
    for name, (_, expected) in CASES.items():
        household = Household.objects.select_related("assessment", "renovation").get(
            pk=made[name].pk
        )
        assert household.current_grade == expected, name
        assert (in_sql[household.pk] or "") == expected, name
    regraded = Household.objects.get(pk=made["accepted as B"].pk)
    assert regraded.regraded and regraded.pre_renovation_grade == "D"
    assert not Household.objects.get(pk=made["accepted without a grade"].pk).regraded


def test_the_list_and_the_header_show_the_current_grade(village_a, officer_a, as_user):
    household = make_household(village_a, head_name="等级户", **CASES["accepted as B"][0])
    client = as_user(officer_a)
    listing = " ".join(client.get("/households/").content.decode().split())
    assert '<th scope="col">当前等级</th>' in listing
    assert 'B级</span> <span class="small text-body-secondary">改造前 D级</span>' in listing
    assert "鉴定等级（改造前）" in listing  # the filter says which grade it filters on
    header = client.get(f"/households/{household.pk}/").content.decode()
    head = header[header.index("<h1") : header.index("section-nav")]
    assert "当前等级" in head and "B级" in head and "改造前 D级" in head and ">D级<" not in head
