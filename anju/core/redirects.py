"""Where a page may send the user back to (issue #13, major 6: no open redirect).

Every ``next`` or ``back`` value a request carries goes through ``safe_next`` before it is
followed: only a path on this site is accepted — it starts with one ``/``, is not
``//host`` or ``/\\host`` (browsers read a backslash as a slash), holds no control
characters, and stays so once percent-decoded (``/%2F%2Fevil.example``) — and Django's
``url_has_allowed_host_and_scheme`` must agree. Anything else falls back to the default.
"""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

_DECODE_ROUNDS = 3


def is_local(url: str, request: HttpRequest | None = None) -> bool:
    """``url`` is a path on this site that is safe to redirect to."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        return False
    hosts = {request.get_host()} if request is not None else set()
    secure = bool(request is not None and request.is_secure())
    text = url
    for _ in range(_DECODE_ROUNDS):
        if not _plain_path(text):
            return False
        if not url_has_allowed_host_and_scheme(text, allowed_hosts=hosts, require_https=secure):
            return False
        decoded = unquote(text)
        if decoded == text:
            return True
        text = decoded
    return False  # still encoded after three rounds: not a link anyone follows honestly


def _plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith(("//", "/\\")):
        return False
    return not any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def safe_next(request: HttpRequest, default: str = "core:home", *, field: str = "next") -> str:
    """The request's ``field`` (POST first, then the query string) when it is a local path,
    else ``default`` (a URL name or path)."""
    fallback = resolve_url(default) if default else ""
    for source in (request.POST, request.GET):
        value = source.get(field)
        if value:
            return value if is_local(value, request) else fallback
    return fallback
