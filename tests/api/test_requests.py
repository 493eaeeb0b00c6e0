"""How the API answers as a whole: anonymous requests, query counts, time filters, headers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern
from django.utils import timezone

from anju.api import urls as api_urls
from tests.api.conftest import make_finding
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def concrete(route: str) -> str:
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)


def test_anonymous_requests_never_get_data():
    client = Client(enforce_csrf_checks=True)
    for p in api_urls.urlpatterns:
        assert isinstance(p, URLPattern)
        assert p.callback.access_rule.public  # the token check is inside (auth.api_view)
        url = concrete(str(p.pattern))
        assert client.get(url).status_code == 401, url
        assert client.post(url).status_code == 405, url


def test_answers_are_not_cached_and_carry_the_security_headers(officer_a, token_for, api):
    response = api(token_for(officer_a)).get("/api/v1/households")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("endpoint", ["households", "findings", "ledger"])
def test_query_count_does_not_grow_with_the_page(
    endpoint, village_a, officer_a, make_entry, token_for, api
):
    client = api(token_for(officer_a))

    def add(n):
        for _ in range(n):
            household = make_household(
                village_a, phone="13800000000", grade="D", renovation={"method": "原址重建"}
            )
            finding = make_finding(household)
            make_entry(households=[household], findings=[finding])

    add(2)
    few = count_queries(client, f"/api/v1/{endpoint}")
    add(6)
    many = count_queries(client, f"/api/v1/{endpoint}")
    assert many == few


def test_updated_since_takes_a_time_with_its_offset(village_a, officer_a, token_for, api):
    household = make_household(village_a)
    client = api(token_for(officer_a))
    before = timezone.localtime(household.updated_at - dt.timedelta(minutes=1))
    after = timezone.localtime(household.updated_at + dt.timedelta(minutes=1))
    fmt = "%Y-%m-%dT%H:%M:%S%z"
    for moment, expected in ((before, [household.pk]), (after, [])):
        # "+0800" unencoded in a query string arrives as " 0800"; both forms work
        for text in (moment.strftime(fmt), moment.strftime(fmt).replace("+", " ")):
            response = client.get("/api/v1/households", {"updated_since": text})
            assert response.status_code == 200, text
            assert [r["id"] for r in response.json()["results"]] == expected, text


def test_a_renovation_is_a_record_with_a_method(village_a, officer_a, token_for, api):
    """RULES.md's definition: a record without 改造方式 keeps its facts but is no renovation."""
    facts = make_household(
        village_a, grade="D", renovation={"method": "", "started_on": dt.date(2022, 3, 1)}
    )
    real = make_household(village_a, grade="D", renovation={"method": "原址重建"})
    none = make_household(village_a, grade="A", borrowed=False, self_funds=0)
    client = api(token_for(officer_a))
    rows = {r["id"]: r for r in client.get("/api/v1/households").json()["results"]}
    assert [rows[h.pk]["has_renovation"] for h in (facts, real, none)] == [False, True, False]
    assert [rows[h.pk]["renovation_state"] for h in (facts, real, none)] == [None, "未开工", None]
    assert (rows[none.pk]["borrowed"], rows[none.pk]["self_funds"]) == (False, "0.00")
    detail = client.get(f"/api/v1/households/{facts.pk}").json()
    assert detail["renovation"]["method"] is None
    assert detail["renovation"]["started_on"] == "2022-03-01"
    assert detail["renovation"]["state"] == "未填改造方式"
