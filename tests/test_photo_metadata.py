"""A re-encoded photo keeps none of the uploaded file's metadata (#13 minor, SECURITY.md row
20): no comment (COM), no APPn segment but the JFIF header the encoder writes itself, no PNG
text or colour profile — a polyglot's ``<script>`` must not survive into the stored file."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.core import uploads
from tests.test_uploads import jpeg

SCRIPT = b"<script>alert(document.cookie)</script>"
JFIF = b"JFIF\x00"


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def hostile_jpeg() -> bytes:
    """A phone photo (EXIF with GPS) with a comment, a Photoshop APP13, an XMP packet and an
    ICC profile carrying script, and HTML after the end of the image."""
    data = jpeg()
    icc = Image.new("RGB", (1, 1)).info.get("icc_profile") or b"\x00" * 128 + SCRIPT
    extra = (
        segment(0xFE, b"polyglot " + SCRIPT)  # COM
        + segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + SCRIPT)  # APP13 (IPTC)
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + SCRIPT)  # XMP
        + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + icc)  # APP2
    )
    return data[:2] + extra + data[2:] + b"<html>" + SCRIPT


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data (SOS)."""
    assert data[:2] == b"\xff\xd8"
    at, found = 2, []
    while True:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the compressed picture follows
            return found
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        found.append((marker, data[at + 4 : at + 2 + length]))
        at += 2 + length


def upload(data: bytes, name: str):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_sec_20_a_reencoded_jpeg_keeps_no_comment_or_app_segment():
    data = hostile_jpeg()
    assert data.count(SCRIPT) == 5
    assert "comment" in Image.open(io.BytesIO(data)).info  # Pillow reads it, and wrote it back
    photo = uploads.inspect(upload(data, "IMG_0001.jpg"))
    assert photo.latitude is not None  # the EXIF facts are read before they are dropped
    markers = [(marker, payload) for marker, payload in jpeg_segments(photo.content)]
    metadata = [m for m, payload in markers if m == 0xFE or (0xE0 <= m <= 0xEF)]
    assert metadata == [0xE0], [hex(m) for m in metadata]  # only the encoder's JFIF header
    assert markers[0][1].startswith(JFIF) and len(markers[0][1]) == 14  # no thumbnail in it
    assert SCRIPT not in photo.content and b"<script" not in photo.content.lower()
    assert b"<html>" not in photo.content and photo.content.endswith(b"\xff\xd9")
    thumbnail = [m for m, _ in jpeg_segments(photo.thumbnail) if m == 0xFE or 0xE1 <= m <= 0xEF]
    assert thumbnail == [] and SCRIPT not in photo.thumbnail


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_chunks(data: bytes) -> list[bytes]:
    at, kinds = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


@pytest.mark.parametrize("mode", ["RGBA", "P"])
def test_a_reencoded_png_keeps_no_text_profile_or_exif(mode):
    out = io.BytesIO()
    image = Image.new("RGBA", (40, 30), (0, 120, 0, 128))
    if mode == "P":
        image = image.convert("P")
        image.info["transparency"] = 0
    image.save(out, "PNG")
    data = out.getvalue()
    header, rest = data[:33], data[33:]  # the signature and IHDR
    extra = (
        png_chunk(b"tEXt", b"Comment\x00" + SCRIPT)
        + png_chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(b"\x00" * 128 + SCRIPT))
        + png_chunk(b"eXIf", b"MM\x00*\x00\x00\x00\x08\x00\x00")
    )
    uploaded = header + extra + rest
    photo = uploads.inspect(upload(uploaded, "图.png"))
    kinds = png_chunks(photo.content)
    assert not {b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf", b"tIME"} & set(kinds), kinds
    assert SCRIPT not in photo.content
    # the transparency is kept: it is the picture, not metadata
    seen = Image.open(io.BytesIO(uploaded)).convert("RGBA").getpixel((0, 0))
    assert Image.open(io.BytesIO(photo.content)).convert("RGBA").getpixel((0, 0)) == seen
