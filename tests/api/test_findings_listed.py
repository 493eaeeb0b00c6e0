"""应纳未纳 (M-01, issue #18) through the API: the finding is on a department list's record,
its ``household`` is null and ``listed`` names the list record (masked), as documented in
the OpenAPI document; every other finding has ``listed`` null."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.api import openapi
from tests.api.test_openapi import assert_matches, response_schema
from tests.factories import fake_id, make_household
from tests.monitoring.recon import version
from tests.monitoring.test_reconcile_m01 import FPJC, county_run, listed

pytestmark = pytest.mark.django_db


def test_an_unregistered_household_is_a_finding_with_its_list_record(
    village_a, township_a, officer_a, officer_b, token_for, api
):
    missing, unmatched = fake_id(), fake_id()
    held = make_household(village_a, monitoring_type="边缘易致贫户", groups=1)
    version(
        FPJC,
        listed(missing, village_a, first_listed_on=dt.date(2026, 11, 30), village_name="甲一村"),
        listed(unmatched, township=township_a, village_name="不存在村"),
        listed(held.id_number, village_a),
    )
    county_run()
    body = api(token_for(officer_a)).get("/api/v1/findings?rule=M-01").json()
    assert_matches(body, response_schema("/findings"), "/findings")
    found = {f["listed"]["village_name"]: f for f in body["results"]}
    assert set(found) == {"甲一村", "不存在村"}
    one = found["甲一村"]
    assert one["household"] is None and one["rule"] == "M-01"
    assert one["listed"]["source"] == "fpjc" and one["listed"]["source_label"] == "防返贫监测"
    assert one["listed"]["id_number_masked"] == missing[:6] + "********" + missing[-4:]
    assert one["listed"]["first_listed_on"] == "2026-11-30"
    assert one["village"] == {"code": village_a.code, "name": village_a.name}
    assert found["不存在村"]["village"] is None
    assert missing not in str(body) and unmatched not in str(body)  # masked only

    others = api(token_for(officer_a)).get("/api/v1/findings").json()["results"]
    assert all(f["listed"] is None and f["household"] for f in others if f["rule"] != "M-01")
    assert api(token_for(officer_b)).get("/api/v1/findings?rule=M-01").json()["results"] == []


def test_the_document_says_when_household_is_null():
    finding = openapi.document()["components"]["schemas"]["Finding"]["properties"]
    assert "应纳未纳（M-01）的问题为 null" in finding["household"]["description"]
    assert finding["listed"]["oneOf"][0]["$ref"].endswith("/ListedRef")
    assert {"type": "null"} in finding["household"]["oneOf"]
