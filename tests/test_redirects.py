"""No open redirect (issue #13, major 6): every ``next``/``back`` goes through
``core.redirects.safe_next``, which accepts only a path on this site.

The pages that follow a ``next`` each have a test with these payloads: the login and the
login steps here, the screening review (tests/screening/test_pages.py), the visit review
(tests/visits/test_open_redirect.py) and the overview refresh (tests/overview/test_pages.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.core.redirects import is_local, safe_next
from tests.conftest import PASSWORD
from tests.test_login_steps import code_for

ROOT = Path(__file__).resolve().parent.parent

EVIL = [
    "https://evil.example/phish",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    " //evil.example",
    "/\t/evil.example",
    "\t//evil.example",
    "/\r\n/evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "%68ttps://evil.example",
    "https%3A%2F%2Fevil.example",
    "//evil.example%2F%2E%2E",
    "/%09/evil.example",
]
LOCAL = ["/", "/households/?page=2", "/ledger/12/#findings", "/screening/?rule=A1-01&status=open"]


@pytest.mark.parametrize("url", EVIL)
def test_no_foreign_or_scripted_target_is_local(url):
    request = RequestFactory().get("/")
    assert not is_local(url, request)
    assert safe_next(RequestFactory().post("/", {"next": url})) == "/"
    assert safe_next(RequestFactory().get("/", {"next": url}), "/ledger/") == "/ledger/"


@pytest.mark.parametrize("url", LOCAL)
def test_paths_on_this_site_are_followed(url):
    assert safe_next(RequestFactory().post("/", {"next": url})) == url


@pytest.mark.django_db
@pytest.mark.parametrize("url", EVIL)
def test_login_never_sends_the_user_away(officer_a, url):
    client = Client()
    response = client.post(
        "/account/login/", {"username": officer_a.username, "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_second_factor_never_sends_the_user_away(settings, city_reviewer):
    """The issue's reproduction: /account/login/?next=/account/otp/%3Fnext%3Dhttps://…"""
    settings.TOTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=city_reviewer, name="手机验证器", confirmed=True)
    for n, url in enumerate(EVIL):
        client = Client()
        login = client.post(
            "/account/login/?next=/account/otp/%3Fnext%3Dhttps://evil.example/phish",
            {
                "username": city_reviewer.username,
                "password": PASSWORD,
                "next": "/account/otp/?next=https://evil.example/phish",
            },
        )
        assert login["Location"] == "/account/otp/?next=https://evil.example/phish"
        device.refresh_from_db()
        device.last_t = -1  # a fresh code each round (a code is accepted once)
        device.save()
        step = client.post(f"/account/otp/?{_query(url)}", {"code": code_for(device.key)})
        assert step.status_code == 302, (n, url)
        assert step["Location"] == "/", (n, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", EVIL)
def test_the_password_change_never_sends_the_user_away(township_a, url):
    from tests.conftest import make_user

    make_user("p_issued", "township_head", township_a, must_change_password=True)
    client = Client()
    client.post("/account/login/", {"username": "p_issued", "password": PASSWORD})
    new = "Brand-new#Pass42"
    response = client.post(
        f"/account/password/?{_query(url)}",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def _query(url: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": url})


# Where a request's next/back value may be read: only core/redirects.py (and a comparison
# with a fixed token such as ``== "drafts"``, which never becomes a URL).
READS = re.compile(
    r"""(?:GET|POST|META|headers)(?:\.get\(|\[)\s*["'](?:next|back|HTTP_REFERER|Referer)["']"""
)


def test_every_next_or_back_is_read_through_the_one_helper():
    offenders = []
    for path in (ROOT / "anju").rglob("*.py"):
        if path.name == "redirects.py" and path.parent.name == "core":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = READS.search(line)
            if match and not re.search(r"\)\s*==\s*[\"']\w+[\"']", line[match.end() :]):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
