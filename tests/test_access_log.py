"""No full ID number or phone in a URL or a log line (issue #13, major 8; SECURITY.md row 16).

Searches that may take an ID number or a phone are POSTed and answered with a URL holding
only a keyed hash (``idh``) or sealed text (``qk``); and the access log and every Python
log record are masked anyway. The real server's access log is grepped after such searches
in tests/browser/test_access_log.py; here the same gunicorn logger class writes a log file
from the requests a test client makes.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import logging.config
import re
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from gunicorn.config import Config

from anju.core.logmask import GunicornLogger, MaskPIFilter, mask_pi
from anju.registry import idcard
from tests.factories import make_household

FULL_ID = re.compile(r"(?<![0-9*])\d{17}[\dXx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9*])1[3-9]\d{9}(?!\d)")
AN_ID = idcard.make("411081", dt.date(1962, 4, 9), 755)
A_PHONE = "13912345678"


def pi_in(text: str) -> list[str]:
    return FULL_ID.findall(text) + MOBILE.findall(text)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"GET /households/?q={AN_ID} HTTP/1.1",
            f"GET /households/?q={AN_ID[:6]}********{AN_ID[-4:]} HTTP/1.1",
        ),
        (f"/ledger/?q={A_PHONE}", "/ledger/?q=139****5678"),
        (f"/ledger/?q={quote(A_PHONE, safe='')}", "/ledger/?q=139****5678"),
        ("/households/?q=" + "".join(f"%{ord(c):02X}" for c in AN_ID), None),
        (f"/x/?q={AN_ID[:6]} {AN_ID[6:14]} {AN_ID[14:]}", None),  # typed with spaces
        ("/x/?q=139-1234-5678", "/x/?q=139****5678"),
        ("/x/?q=%EF%BC%91%EF%BC%93%EF%BC%99", "/x/?q=１３９"),  # full-width: not a run
        ("/households/?page=2&after=1234", "/households/?page=2&after=1234"),
        ("/api/v1/households?updated_since=2026-12-07T03:22:17Z", None),
        ("/households/?idh=" + "ab12345678901cd" * 4, None),
    ],
)
def test_sec_16_the_log_mask_catches_ids_and_phones_in_any_spelling(text, masked):
    out = mask_pi(text)
    assert pi_in(out) == []
    if masked is not None:
        assert out == masked


def _pi_decoded(text: str) -> list[str]:
    """ID numbers and mobiles in ``text`` however they were spelled: percent-decoded until
    stable, folded to half-width, separators between digits dropped."""
    import unicodedata
    from urllib.parse import unquote_plus

    for _ in range(4):
        text = unquote_plus(text)
    text = unicodedata.normalize("NFKC", text)
    return pi_in(re.sub(r"(?<=\d)[\s\-\u2010-\u2015\u2212\uff0d]+(?=\d)", "", text))


@pytest.mark.parametrize(
    "text",
    [
        "/households/?q=139－1234－5678",  # full-width hyphen (a Chinese IME's "-")
        "/households/?q=139—1234—5678",
        "/households/?q=１３９－１２３４－５６７８",
        f"/households/?q={quote('139－1234－5678')}",
        f"/households/?q={AN_ID[:6]}－{AN_ID[6:14]}－{AN_ID[14:]}",
        "/households/?q=" + "".join(f"%25{ord(c):02X}" for c in AN_ID),  # encoded twice
        "/ledger/?q=" + quote(quote(f"{AN_ID[:6]} {AN_ID[6:]}", safe=""), safe=""),
        "/visits/?q=" + quote(quote("".join(chr(ord(c) + 0xFEE0) for c in A_PHONE))),
    ],
)
def test_sec_16_the_log_mask_catches_what_the_search_redirect_catches(text):
    """Re-attack of issue #13: typed URLs with a full-width dash between the digits (the
    search redirects them, but their first request line was logged in clear) or encoded
    twice (one decoding left "%34%31…")."""
    assert _pi_decoded(text), "the case must hold an ID number or a mobile"
    assert _pi_decoded(mask_pi(text)) == []


def _gunicorn_logger(path) -> GunicornLogger:
    cfg = Config()
    cfg.set("accesslog", str(path))
    return GunicornLogger(cfg)


def _log_request(logger, method: str, uri: str, referer: str = "-") -> None:
    path, _, query = uri.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.8",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", uri)])
    req = SimpleNamespace(headers=[("REFERER", referer), ("HOST", "anju.local")])
    logger.access(resp, req, environ, dt.timedelta(milliseconds=12))


@pytest.mark.django_db
def test_sec_16_searches_by_id_or_phone_leave_no_trace_in_the_access_log(
    tmp_path, as_user, officer_a, village_a
):
    make_household(village_a, head_name="查找户", id_number=AN_ID, phone=A_PHONE)
    client = as_user(officer_a)
    log = tmp_path / "access.log"
    logger = _gunicorn_logger(log)
    requests = []

    def go(method: str, url: str, data=None):
        response = getattr(client, method)(url, data or {})
        requests.append((method.upper(), url))
        while response.status_code in (302, 303):
            url = response["Location"]
            requests.append(("GET", url))
            response = client.get(url)
        return response, url

    found, url = go("post", "/households/", {"q": AN_ID, "grade": ""})
    assert urlsplit(url).query.startswith("idh=") and "查找户" in found.content.decode()
    _, url = go("post", "/households/", {"q": f"电话{A_PHONE}"})
    assert "qk=" in url
    _, url = go("post", "/ledger/", {"q": A_PHONE, "state": "open"})
    assert "qk=" in url and "state=open" in url
    _, url = go("post", "/visits/households/", {"q": AN_ID})
    assert "qk=" in url
    # a hand-typed or bookmarked GET is redirected to the clean URL (and masked in the log)
    typed, _ = go("get", f"/households/?q={AN_ID}")
    assert "查找户" in typed.content.decode()
    go("get", f"/ledger/?q={A_PHONE}")
    referer = f"http://anju.local/households/?q={AN_ID}"
    for method, uri in requests:
        _log_request(logger, method, uri, referer)
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log.read_text()
    assert text.count("\n") == len(requests)
    assert pi_in(text) == []
    # only the two typed URLs ever held the values, and they reached the log masked
    urls = " ".join(uri for _, uri in requests)
    assert pi_in(urls) == [AN_ID, A_PHONE]
    assert f"{AN_ID[:6]}********{AN_ID[-4:]}" in text and "139****5678" in text


@pytest.mark.django_db
def test_a_sealed_search_finds_what_was_typed(as_user, officer_a, village_a):
    make_household(village_a, head_name="王1391234")
    client = as_user(officer_a)
    response = client.post("/households/", {"q": "王1391234"}, follow=True)
    assert "王1391234" not in response.redirect_chain[-1][0]
    assert response.context["page"].rows[0].head_name == "王1391234"
    for url in ("/households/", "/ledger/", "/visits/households/"):
        page = client.post(url, {"q": A_PHONE}, follow=True).content.decode()
        assert A_PHONE not in page, url  # not echoed into the page either
        assert "按“139****5678”查找" in page, url
        # changing a filter keeps the sealed search (its token rides in a hidden field)
        token = re.search(r'name="qk" value="([^"]+)"', page).group(1)
        again = client.post(url, {"q": "", "qk": token, "village": ""})
        assert f"qk={token}" in again["Location"], url
    tampered = client.get("/households/?qk=AAAA" + "B" * 40)
    assert tampered.status_code == 200  # a forged token is no search, not an error


@pytest.mark.django_db
def test_the_search_forms_post_with_a_csrf_token(as_user, officer_a):
    client = as_user(officer_a)
    for url in ("/households/", "/ledger/", "/visits/households/"):
        html = client.get(url).content.decode()
        form = re.search(r'<form method="post" action="' + url + r'"[^>]*role="search"', html)
        assert form, url
        assert "csrfmiddlewaretoken" in html[form.end() : form.end() + 400], url


def test_sec_16_every_python_log_handler_masks(tmp_path):
    assert all("mask_pi" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPIFilter())
    logger = logging.getLogger("anju.test.logmask")
    logger.addHandler(handler)
    try:
        logger.warning("Not Found: %s", f"/households/?q={AN_ID}&phone={A_PHONE}")
    finally:
        logger.removeHandler(handler)
    assert pi_in(stream.getvalue()) == [] and "139****5678" in stream.getvalue()
