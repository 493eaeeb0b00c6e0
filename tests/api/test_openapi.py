"""The OpenAPI document describes every route, parameter and answer of the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern

from anju.api import openapi, selectors
from anju.api import urls as api_urls

pytestmark = pytest.mark.django_db

DOC = openapi.document()
SCHEMAS = DOC["components"]["schemas"]


def resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMAS[node["$ref"].rsplit("/", 1)[1]]
    return node


def openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def response_schema(path: str) -> dict:
    ok = DOC["paths"][path]["get"]["responses"]["200"]
    return resolve(ok["content"]["application/json"]["schema"])


def assert_matches(value: dict, schema: dict, where: str) -> None:
    """Exactly the documented keys, recursively through objects, arrays and references."""
    schema = resolve(schema)
    if "oneOf" in schema:
        if value is None:
            return
        schema = resolve(schema["oneOf"][0])
    if "properties" not in schema:
        return
    assert set(value) == set(schema["properties"]), where
    assert set(schema["required"]) <= set(value), where
    for key, sub in schema["properties"].items():
        sub = resolve(sub) if "$ref" in sub else sub
        if sub.get("type") == "array" and value[key]:
            for item in value[key]:
                if isinstance(item, dict):
                    assert_matches(item, sub["items"], f"{where}.{key}[]")
        elif isinstance(value[key], dict) and ("properties" in sub or "oneOf" in sub):
            assert_matches(value[key], sub, f"{where}.{key}")


def test_every_route_is_documented():
    routes = {
        openapi_path(str(p.pattern)) for p in api_urls.urlpatterns if isinstance(p, URLPattern)
    }
    assert routes == set(DOC["paths"])


def test_the_document_is_openapi_31_with_a_bearer_scheme():
    assert DOC["openapi"] == "3.1.0"
    assert DOC["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": DOC["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert DOC["security"] == [{"bearerAuth": []}]
    for path, item in DOC["paths"].items():
        assert set(item) == {"get"}, path
        op = item["get"]
        assert op["summary"] and op["description"] and op["operationId"], path
        assert {"200", "401", "429"} <= set(op["responses"]), path


def test_every_reference_resolves():
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(DOC):
        _, section, name = ref.rsplit("/", 2)
        assert name in DOC["components"][section], ref


def test_documented_parameters_are_the_accepted_ones():
    params = DOC["components"]["parameters"]

    def names(path):
        return {
            params[p["$ref"].rsplit("/", 1)[1]]["name"]
            for p in DOC["paths"][path]["get"]["parameters"]
        }

    paging = set(selectors.PAGING)
    assert names("/households") == set(selectors.HOUSEHOLD_FILTERS) | paging
    assert names("/findings") == set(selectors.FINDING_FILTERS) | paging
    assert names("/ledger") == set(selectors.LEDGER_FILTERS) | paging
    assert names("/households/{pk}") == names("/ledger/{pk}") == {"pk"}


def test_answers_have_the_documented_keys(world, officer_a, token_for, api):
    client = api(token_for(officer_a))
    urls = {
        "/households": "/api/v1/households",
        "/households/{pk}": f"/api/v1/households/{world['hh_a1'].pk}",
        "/findings": "/api/v1/findings",
        "/ledger": "/api/v1/ledger",
        "/ledger/{pk}": f"/api/v1/ledger/{world['e_a1'].pk}",
        "/openapi.json": "/api/v1/openapi.json",
    }
    assert set(urls) == set(DOC["paths"])
    for path, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json; charset=utf-8", url
        body = response.json()
        assert body, url
        assert_matches(body, response_schema(path), path)
    household = client.get(urls["/households/{pk}"]).json()
    assert household["assessment"] and household["renovation"]
    entry = client.get(urls["/ledger/{pk}"]).json()
    assert entry["transitions"] and entry["progress_notes"] and entry["evidence"]


def test_errors_have_the_documented_shape(officer_a, token_for, api):
    client = api(token_for(officer_a))
    error = set(SCHEMAS["Error"]["properties"])
    for response in (
        Client().get("/api/v1/households"),
        client.get("/api/v1/households?grade=Z"),
        client.get("/api/v1/households/999999"),
    ):
        assert set(response.json()) == error


def test_the_document_needs_a_token_or_a_session(as_user, officer_a, inspector, token_for, api):
    assert Client().get("/api/v1/openapi.json").status_code == 401
    assert as_user(officer_a).get("/api/v1/openapi.json").json()["openapi"] == "3.1.0"
    assert api(token_for(officer_a)).get("/api/v1/openapi.json").status_code == 200
    assert as_user(inspector).get("/api/v1/openapi.json").status_code == 401


def test_the_docs_page_lists_every_endpoint(as_user, officer_a):
    body = as_user(officer_a).get("/account/tokens/docs/").content.decode()
    for path, item in DOC["paths"].items():
        assert "/api/v1" + path in body
        assert item["get"]["summary"] in body
