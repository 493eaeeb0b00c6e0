"""Every HTML page carries the security headers, for every persona (SECURITY.md row 14),
and no template holds an inline script or style attribute (the CSP forbids them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PERSONAS

TEMPLATES = Path(__file__).resolve().parent.parent / "anju" / "templates"


def parameterless_routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from parameterless_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if "<" not in route and "(" not in route and not route.startswith("admin/"):
                yield "/" + route.lstrip("^").rstrip("$")


def check_headers(response, url):
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"], url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, url
    assert "unsafe-inline" not in csp.split("style-src")[0], url


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_sec_14_every_html_page_carries_the_headers(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    seen = 0
    for url in sorted(set(parameterless_routes())):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        check_headers(response, url)
        assert response["Cache-Control"] == "no-store", url
    assert seen >= 1


@pytest.mark.django_db
def test_the_login_page_carries_the_headers(client):
    check_headers(client.get("/account/login/"), "/account/login/")


def test_sec_14_templates_have_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        if re.search(r"\sstyle=\"", text) or re.search(r"<style\b", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert offenders == []
