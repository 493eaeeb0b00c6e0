"""Search boxes that may receive an ID number or a phone (issue #13, major 8).

A GET search puts what was typed into the URL, and so into the access log, the browser's
history and any proxy's log. The search forms are POSTed instead (with CSRF), and
``search_redirect`` answers with a 303 to the list's ordinary GET URL in which:

- a full ID number becomes its keyed hash ``idh`` (where the list searches by ID number);
- any other text holding an ID- or phone-like run of digits becomes ``qk``, the text
  sealed with the PI key (AES-GCM, ``core.crypto``): opaque in the URL and the log,
  readable only by the server (``search_text``), and still a link that works;
- plain text (a name, a ledger number) stays ``q``.

A hand-typed or old GET URL with such a ``q`` is redirected the same way (``clean_get``);
that first request line is masked in the access log (``core.logmask``). A list view asks
``unsealed_redirect`` for both before it shows anything.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

from anju.core import crypto
from anju.core.logmask import SEPARATORS

# Seven or more digits in a row (a landline, a mobile, an ID number, a bank card), once
# full-width digits are folded and spaces and dashes between them removed.
DIGIT_RUN = re.compile(r"\d{7,}")
SKIP = ("csrfmiddlewaretoken", "after", "before", "page")
IdKey = Callable[[str], str | None]  # a full ID number's keyed hash, or None for other text


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def is_sensitive(text: str) -> bool:
    squeezed = re.sub(rf"(?<=\d)[{SEPARATORS}]+(?=\d)", "", fold(text))
    return bool(DIGIT_RUN.search(squeezed))


def seal(text: str) -> str:
    sealed = crypto.encrypt(text)
    assert sealed is not None  # only text that holds a number is sealed, never ""
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def unseal(token: str) -> str:
    """The text sealed in ``token``, or "" when it is not one of ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        return crypto.decrypt(base64.urlsafe_b64decode(padded.encode()))
    except Exception:  # a tampered or foreign token reads as no search at all
        return ""


def clean_params(data: QueryDict, *, id_key: IdKey | None = None) -> QueryDict:
    """``data`` with its ``q`` turned into ``idh`` (by ``id_key(q)``, when given and the text
    is an ID number) or ``qk`` when it holds an ID- or phone-like number."""
    params = QueryDict(mutable=True)
    for key, values in data.lists():
        if key in SKIP:
            continue
        kept = [v for v in values if v != ""]
        if kept:
            params.setlist(key, kept)
    text = (params.pop("q", None) or [""])[-1].strip()
    if text:
        hashed = id_key(text) if id_key is not None else None
        if hashed:
            params.pop("qk", None)
            params["idh"] = hashed
        elif is_sensitive(text):
            params.pop("idh", None)
            params["qk"] = seal(text)
        else:
            params.pop("qk", None)
            params["q"] = text
    return params


def search_redirect(
    request: HttpRequest, path: str, *, id_key: IdKey | None = None
) -> HttpResponseRedirect:
    """The 303 that follows a POSTed search (see the module docstring)."""
    params = clean_params(request.POST, id_key=id_key)
    response = HttpResponseRedirect(f"{path}?{params.urlencode()}" if params else path)
    response.status_code = 303
    return response


def clean_get(
    request: HttpRequest, path: str, *, id_key: IdKey | None = None
) -> HttpResponseRedirect | None:
    """For a GET whose ``q`` should not be in a URL: the redirect to the clean URL."""
    text = request.GET.get("q", "")
    if not text or not (is_sensitive(text) or (id_key is not None and id_key(text))):
        return None
    params = clean_params(request.GET, id_key=id_key)
    return HttpResponseRedirect(f"{path}?{params.urlencode()}")


def unsealed_redirect(
    request: HttpRequest, path: str, *, id_key=None
) -> HttpResponseRedirect | None:
    """What a list with a search box answers first: the 303 after a POSTed search, or the
    redirect away from a GET URL whose ``q`` should not be in a URL; None: show the list."""
    if request.method == "POST":
        return search_redirect(request, path, id_key=id_key)
    return clean_get(request, path, id_key=id_key)


def search_text(params: QueryDict) -> tuple[str, bool]:
    """(the text to search for, whether it came sealed) from a list's GET parameters."""
    token = params.get("qk", "")
    if token:
        return unseal(token), True
    return (params.get("q") or "").strip(), False


def with_text(params: QueryDict) -> QueryDict:
    """``params`` with a sealed ``qk`` read back into ``q`` (for a list's filter form)."""
    text, sealed = search_text(params)
    if not sealed:
        return params
    data = params.copy()
    data.pop("qk", None)
    data["q"] = text
    return data


def sealed_search(params: QueryDict) -> dict[str, str] | None:
    """For a page whose search came sealed: the token (kept in a hidden field, so changing
    a filter keeps the search) and a note showing the text masked — the full number is
    not echoed into the page."""
    from anju.core.logmask import mask_pi

    token = params.get("qk", "")
    if not token:
        return None
    text = unseal(token)
    note = f"按“{mask_pi(text)}”查找" if text else "查找条件无效，已忽略"
    return {"qk": token, "note": note}
