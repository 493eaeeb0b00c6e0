"""No full ID number or phone in a log line (issue #13, major 8; SECURITY.md row 16).

Searches are POSTed (``core.search``), but a hand-typed or old URL, a Referer or an error
message can still carry one. Every log line is masked before it is written:

- ``GunicornLogger``: gunicorn's access log (``gunicorn.conf.py`` sets it as
  ``logger_class``), masking the request line, path, query and Referer — percent-decoded
  first, so ``%34%31…`` is caught too;
- ``MaskPIFilter``: Django's and every other Python logger's records (settings ``LOGGING``).

An 18-character ID number keeps its first six and last four characters
(``411081********123X``, the pages' mask); a 15-digit one likewise; an 11-digit mobile keeps
``138****1234``; any other run of 7 or more digits (a landline, a bank card) keeps its last
four. This module imports nothing from Django: gunicorn's master process loads it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger as _GunicornLogger

# What may stand between the digits of one number as people type it: spaces (the
# ideographic one too) and every dash a keyboard or an IME gives (a Chinese IME's "-" is the
# full-width ``－``). ``core.search`` reads numbers with the same separators, so whatever the
# search treats as an ID or phone, the log masks (issue #13 re-attack).
SEPARATORS = "\\s\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"
# Digits (full-width ones too) may be separated as above, and an ID may end in X.
_RUN = re.compile(
    rf"(?<![0-9A-Za-z])\d(?:[{SEPARATORS}]?\d){{6,}}(?:[{SEPARATORS}]?[XxＸｘ])?(?![0-9])"
)
_SEPARATOR = re.compile(f"[{SEPARATORS}]")
# Percent-decoding rounds: a URL encoded twice ("%2534%2531…") is decoded as far as this.
_DECODE_ROUNDS = 3


def _mask_run(match: re.Match) -> str:
    raw = match.group(0)
    chars = _SEPARATOR.sub("", raw)
    n = len(chars)
    if n in (15, 18):
        return chars[:6] + "*" * (n - 10) + chars[-4:]
    if n == 11 and chars[0] == "1":
        return f"{chars[:3]}****{chars[-4:]}"
    return "*" * (n - 4) + chars[-4:]


def mask_pi(text: str) -> str:
    """``text`` with every ID- or phone-like number masked, also inside percent-encoding
    (decoded up to three times)."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    for _ in range(_DECODE_ROUNDS):
        if "%" not in text and "+" not in text:
            break
        decoded = unquote_plus(text)
        if decoded == text:
            break
        text = decoded
    return _RUN.sub(_mask_run, text)


class MaskPIFilter(logging.Filter):
    """A logging filter that masks the formatted message of every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        masked = mask_pi(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class GunicornLogger(_GunicornLogger):
    """Gunicorn's logger with every request-derived part of the access log masked: the
    request line, path, query, Referer and user agent, request headers (``{…}i``) and
    WSGI variables (``{…}e``, e.g. ``RAW_URI``)."""

    MASKED = frozenset({"r", "U", "q", "f", "a"})

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and (key in self.MASKED or key.endswith(("}i", "}e"))):
                atoms[key] = mask_pi(value)
        return atoms
