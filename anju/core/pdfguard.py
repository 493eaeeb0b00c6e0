"""What an uploaded PDF says once its disguises are taken off (SECURITY.md row 20).

Three uploads take PDFs — 整改佐证 (``rectification.evidence``), 工作方案
(``reporting.workplan``) and the 盖章扫描件 (``acceptance.scan``) — and each refused scripts,
launch actions and attachments by searching the raw bytes for ``/JavaScript``, ``/JS`` and
the like. The attack of #13 got all three past that search:

- a name may be written with ``#xx`` escapes: ``/S /J#61vaScript /J#53 (...)`` is
  ``/S /JavaScript /JS (...)`` to every reader (PDF 1.2+), and ``/Encr#79pt`` is ``/Encrypt``;
- since PDF 1.5 the dictionaries themselves may sit compressed in an object stream
  (``/Type /ObjStm``), where no byte search sees them; and an object stream may use another
  filter than Flate.

``views(data)`` gives the file with every name unescaped, followed by the content of each of
its object streams (inflated with a cap); the checks search those. An object stream this
cannot open (not Flate, a predictor, data that does not inflate or still looks encoded, a
text-disguising filter such as ASCIIHex named anywhere beside it, more than ``STREAM_LIMIT`` inflated, or
``INFLATE_LIMIT`` in all) raises
``Unreadable``: a file that cannot be checked is not taken.
"""

from __future__ import annotations

import re
import zlib

STREAM_LIMIT = 16 * 1024 * 1024  # bytes inflated from one object stream, at most
INFLATE_LIMIT = 64 * 1024 * 1024  # and from all of them together
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
ENCRYPTED = re.compile(rb"/Encrypt\b")
PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
TEXT_FILTER = re.compile(
    rb"/(?:ASCIIHexDecode|ASCII85Decode|LZWDecode|RunLengthDecode|Crypt|AHx|A85|LZW|RL)(?![A-Za-z0-9])"
)
PLAIN_START = re.compile(rb"[\x20-\x7e\s]*\Z")
FLATE_ONLY = re.compile(rb"/Filter\s*(?:/FlateDecode|\[\s*/FlateDecode\s*\])(?![A-Za-z])")


class Unreadable(ValueError):
    """An object stream that cannot be opened to be checked."""


def unescape_names(data: bytes) -> bytes:
    return NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), data) if b"#" in data else data


def views(data: bytes) -> list[bytes]:
    """The whole file with its names unescaped, then the content of each object stream.

    Object streams are found by walking ``stream`` … ``endstream``; the dictionary of each is
    all the text since the previous stream ended (an ``(endobj)`` in a string cannot cut it
    short). Every ``/Type /ObjStm`` in the file must be one the walk found, and no filter that
    can disguise text may be named beside them."""
    whole = unescape_names(data)  # for searching only: a stream's bytes are not kept
    streams = []
    position = 0
    while (keyword := STREAM.search(data, position)) is not None:
        dictionary = unescape_names(data[position : keyword.start()])
        end = data.find(b"endstream", keyword.end())
        if end < 0:
            end = len(data)
        if OBJECT_STREAM.search(dictionary):
            streams.append((dictionary, data[keyword.end() : end]))
        position = end
    if len(OBJECT_STREAM.findall(whole)) != len(streams):
        raise Unreadable("an object stream the walk did not find")
    if streams and TEXT_FILTER.search(whole):
        raise Unreadable("object streams beside a filter that can disguise text")
    found = [whole]
    budget = INFLATE_LIMIT
    for dictionary, raw in streams:
        if b"/DecodeParms" in dictionary or (
            b"/Filter" in dictionary and not FLATE_ONLY.search(dictionary)
        ):
            raise Unreadable("object stream with another filter or a predictor")
        cap = min(budget, STREAM_LIMIT)
        if b"/Filter" not in dictionary:  # stored as it is (some TeX tools write them so)
            content = raw[: cap + 1]
        else:
            try:
                content = zlib.decompressobj().decompress(raw, cap + 1)
            except zlib.error:
                raise Unreadable("object stream that does not inflate") from None
        if len(content) > cap:
            raise Unreadable("object stream too large")
        if not PLAIN_START.match(content[:32]):  # still encoded (a predictor): cannot be read
            raise Unreadable("object stream still encoded")
        budget -= len(content)
        found.append(unescape_names(content))
    return found


def has_active_content(seen: list[bytes]) -> bool:
    return any(ACTIVE.search(part) for part in seen)


def is_encrypted(seen: list[bytes]) -> bool:
    return any(ENCRYPTED.search(part) for part in seen)


def pages(seen: list[bytes]) -> int:
    return sum(len(PAGE.findall(part)) for part in seen)
