"""Every endpoint is scoped like the pages (SECURITY.md row 9): a token sees what its user
sees, out-of-scope ids are 404 with a permission_denied record, filters never widen."""

from __future__ import annotations

import pytest

from anju.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def denied(object_type: str, pk: int) -> int:
    return AuditEvent.objects.filter(
        event="permission_denied", object_type=object_type, object_id=str(pk)
    ).count()


def test_officer_b_cannot_read_huolong_records(world, officer_b, township_a, token_for, api):
    client = api(token_for(officer_b))
    for url, label, pk in (
        (f"/api/v1/households/{world['hh_a1'].pk}", "registry.household", world["hh_a1"].pk),
        (f"/api/v1/ledger/{world['e_a1'].pk}", "rectification.ledgerentry", world["e_a1"].pk),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"error": "不存在或无权查看。"}
        assert denied(label, pk) == 1, url
        row = AuditEvent.objects.filter(event="permission_denied").first()
        assert row.user_id == officer_b.pk and row.unit_code == officer_b.unit.code
    for endpoint in ("households", "findings", "ledger"):
        assert ids(client.get(f"/api/v1/{endpoint}?township={township_a.code}")) == set()
    assert ids(client.get("/api/v1/households")) == {world["hh_b"].pk}
    assert ids(client.get("/api/v1/findings")) == {world["f_b"].pk}
    assert ids(client.get("/api/v1/ledger")) == {world["e_b"].pk}
    assert client.get(f"/api/v1/households/{world['hh_b'].pk}").status_code == 200
    assert client.get(f"/api/v1/ledger/{world['e_b'].pk}").status_code == 200


def test_a_village_worker_sees_their_village_only(world, worker_a, token_for, api):
    client = api(token_for(worker_a))
    assert ids(client.get("/api/v1/households")) == {world["hh_a1"].pk}
    assert ids(client.get("/api/v1/findings")) == {world["f_a1"].pk}
    assert ids(client.get("/api/v1/ledger")) == {world["e_a1"].pk}
    assert client.get(f"/api/v1/households/{world['hh_a1'].pk}").status_code == 200
    assert client.get(f"/api/v1/ledger/{world['e_a1'].pk}").status_code == 200
    # the other village of the same township
    assert client.get(f"/api/v1/households/{world['hh_a2'].pk}").status_code == 404
    assert client.get(f"/api/v1/ledger/{world['e_a2'].pk}").status_code == 404
    assert denied("registry.household", world["hh_a2"].pk) == 1
    assert denied("rectification.ledgerentry", world["e_a2"].pk) == 1


def test_the_city_sees_the_county_but_not_township_drafts(world, city_reviewer, token_for, api):
    client = api(token_for(city_reviewer))
    everyone = {world[k].pk for k in ("hh_a1", "hh_a2", "hh_b")}
    assert ids(client.get("/api/v1/households")) == everyone
    assert ids(client.get("/api/v1/findings")) == {world[k].pk for k in ("f_a1", "f_a2", "f_b")}
    ledger = {world[k].pk for k in ("e_a1", "e_a2", "e_b")}
    assert ids(client.get("/api/v1/ledger")) == ledger
    assert ids(client.get("/api/v1/ledger?state=draft")) == set()
    assert client.get(f"/api/v1/ledger/{world['draft_a'].pk}").status_code == 404


def test_the_township_reads_its_drafts_when_it_asks(world, officer_a, token_for, api):
    client = api(token_for(officer_a))
    assert ids(client.get("/api/v1/ledger")) == {world["e_a1"].pk, world["e_a2"].pk}
    assert ids(client.get("/api/v1/ledger?state=draft")) == {world["draft_a"].pk}
    assert client.get(f"/api/v1/ledger/{world['draft_a'].pk}").status_code == 200


def test_filters_narrow_within_scope(world, city_reviewer, village_a2, token_for, api):
    client = api(token_for(city_reviewer))
    assert ids(client.get(f"/api/v1/households?village={village_a2.code}")) == {world["hh_a2"].pk}
    assert ids(client.get("/api/v1/households?grade=C")) == {world["hh_a2"].pk}
    assert ids(client.get("/api/v1/households?grade=none")) == set()
    assert ids(client.get("/api/v1/households?updated_since=2999-01-01")) == set()
    assert len(ids(client.get("/api/v1/households?updated_since=2020-01-01"))) == 3
    assert ids(client.get("/api/v1/findings?rule=A4-01")) == {world["f_a2"].pk}
    assert ids(client.get("/api/v1/findings?aspect=4")) == {world["f_a2"].pk}
    assert ids(client.get("/api/v1/findings?status=resolved")) == set()
    assert ids(client.get("/api/v1/ledger?state=in_progress")) == {world["e_a1"].pk}
    assert ids(client.get("/api/v1/ledger?nature=共性问题")) == set()


def test_sec_09_api_unit_tampering_does_not_widen_scope(world, worker_a, token_for, api):
    client = api(token_for(worker_a))
    response = client.get("/api/v1/households?unit=411081")
    assert response.status_code == 400
    assert "unit" in response.json()["error"]
    other_village = world["hh_a2"].village.code
    assert ids(client.get(f"/api/v1/households?village={other_village}")) == set()


@pytest.mark.parametrize(
    "query, name",
    [
        ("grade=E", "grade"),
        ("township=4110", "township"),
        ("village=abc", "village"),
        ("updated_since=昨天", "updated_since"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("after=-1", "after"),
        ("after=²", "after"),
        ("after=1234567890123456789012", "after"),
        ("limit=１０", "limit"),
        ("grade=C&grade=D", "grade"),
    ],
)
def test_bad_parameters_are_named_in_chinese(officer_a, token_for, api, query, name):
    response = api(token_for(officer_a)).get(f"/api/v1/households?{query}")
    assert response.status_code == 400
    assert name in response.json()["error"]


def test_unknown_ids_are_404_without_a_denial_record(officer_a, token_for, api):
    client = api(token_for(officer_a))
    for url in ("/api/v1/households/999999", "/api/v1/ledger/999999"):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(event="permission_denied").exists()


def test_reads_are_audited_as_exports_with_endpoint_filters_and_count(
    world, officer_a, token_for, api, village_a
):
    import hashlib

    client = api(token_for(officer_a, name="乡镇台账同步"))
    response = client.get(f"/api/v1/households?village={village_a.code}")
    row = AuditEvent.objects.filter(event="api_read").get()
    assert row.user_id == officer_a.pk and row.object_type == "registry.household"
    assert row.detail["channel"] == "api"
    assert row.detail["endpoint"] == "/api/v1/households"
    assert row.detail["filters"] == {"village": village_a.code}
    assert row.detail["rows"] == 1
    assert row.detail["reason"] == "乡镇台账同步"
    assert row.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert row.ts.tzinfo is not None and row.ip

    client.get("/api/v1/households?grade=none")  # nothing returned, nothing to record
    assert AuditEvent.objects.filter(event="api_read").count() == 1
    client.get(f"/api/v1/ledger/{world['e_a1'].pk}")
    assert AuditEvent.objects.filter(event="api_read").count() == 2


@pytest.mark.parametrize("few", [10_000, 0], ids=["through-the-index", "walk-by-id"])
def test_updated_since_reads_the_same_rows_either_way_and_stays_in_scope(
    world, officer_a, monkeypatch, token_for, api, few
):
    """Few changed rows are read through the updated_at index, many by walking ids: the
    same answer, scoped the same (``FEW_CHANGED``)."""
    from anju.api import selectors

    monkeypatch.setattr(selectors, "FEW_CHANGED", few)
    client = api(token_for(officer_a))
    mine = {world["hh_a1"].pk, world["hh_a2"].pk}
    assert ids(client.get("/api/v1/households?updated_since=2020-01-01")) == mine
    assert ids(client.get("/api/v1/households?updated_since=2999-01-01")) == set()
    page = client.get("/api/v1/households?updated_since=2020-01-01&limit=1").json()
    assert len(page["results"]) == 1 and page["next"]
