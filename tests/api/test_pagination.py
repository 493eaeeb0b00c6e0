"""Keyset pages: ``after`` and ``limit``, ``next`` until null, no row twice or missed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.conftest import make_finding
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def walk(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(row["id"] for row in body["results"])
        url, pages = body["next"], pages + 1
    return seen, pages


def test_pages_follow_next_to_the_end(village_a, village_b, officer_a, token_for, api):
    mine = [make_household(village_a).pk for _ in range(7)]
    make_household(village_b)
    client = api(token_for(officer_a))
    seen, pages = walk(client, "/api/v1/households?limit=3")
    assert seen == sorted(mine) and pages == 3


def test_next_keeps_the_filters(village_a, village_a2, officer_a, token_for, api):
    wanted = [make_household(village_a2, grade="D").pk for _ in range(4)]
    make_household(village_a2, grade="C")
    make_household(village_a, grade="D")
    client = api(token_for(officer_a))
    first = client.get(f"/api/v1/households?village={village_a2.code}&grade=D&limit=2").json()
    query = parse_qs(urlsplit(first["next"]).query)
    assert query == {
        "village": [village_a2.code],
        "grade": ["D"],
        "after": [str(first["results"][-1]["id"])],
        "limit": ["2"],
    }
    seen, _ = walk(client, first["next"])
    assert [r["id"] for r in first["results"]] + seen == sorted(wanted)


def test_the_default_page_is_100_and_the_largest_500(village_a, officer_a, token_for, api):
    household = make_household(village_a)
    for rule in ("A1-01", "A1-02", "A4-01"):
        make_finding(household, rule=rule)
    client = api(token_for(officer_a))
    body = client.get("/api/v1/findings").json()
    assert body["limit"] == 100 and body["next"] is None and len(body["results"]) == 3
    assert client.get("/api/v1/findings?limit=500").json()["limit"] == 500
    assert client.get("/api/v1/findings?limit=501").status_code == 400


def test_an_empty_last_page(village_a, officer_a, token_for, api):
    pk = make_household(village_a).pk
    body = api(token_for(officer_a)).get(f"/api/v1/households?after={pk}").json()
    assert body == {"results": [], "next": None, "limit": 100}
