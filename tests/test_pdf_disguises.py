"""PDFs that hid a script from the three PDF uploads (attack of #13, SECURITY.md row 20).

整改佐证, 工作方案 and the 盖章扫描件 each searched the raw bytes for ``/JavaScript``, ``/JS``
and the like, so all three took an ``/OpenAction`` script written with escaped names
(``/J#61vaScript``), one compressed in an object stream, and one in an object stream encoded
with ASCIIHex; the scan took ``/Encr#79pt`` as not encrypted. Each case goes through the
upload's own ``check`` and must be refused; PDFs written by real tools must still pass.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.acceptance import scan
from anju.core import pdfguard
from anju.core.uploads import UploadError
from anju.rectification import evidence
from anju.reporting import workplan

CHECKS = [
    (evidence.check, UploadError),
    (workplan.check, UploadError),
    (scan.check, UploadError),
]
SCRIPT = b"<</S/JavaScript/JS(app.alert(1))>>"


def pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    body = b"%PDF-1.7\n" + b"".join(
        b"%d 0 obj\n%s\nendobj\n" % (number, text) for number, text in enumerate(objects, 1)
    )
    return body + b"trailer\n<</Root 1 0 R " + trailer + b">>\n%%EOF\n"


def document(action: bytes) -> bytes:
    return pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
            action,
        ]
    )


def object_stream(content: bytes, filters: bytes = b"/Filter/FlateDecode") -> bytes:
    return b"<</Type/ObjStm/N 1/First 4%s/Length %d>>\nstream\n%s\nendstream" % (
        filters,
        len(content),
        content,
    )


HIDDEN = {
    "escaped names": document(b"<</S/J#61vaScript/J#53(app.alert(1))>>"),
    "in an object stream": document(object_stream(zlib.compress(b"4 0 " + SCRIPT))),
    "in an ASCIIHex object stream": document(
        object_stream((b"4 0 " + SCRIPT).hex().encode() + b">", b"/Filter/ASCIIHexDecode")
    ),
    "behind a string that fakes the object's start": document(
        object_stream((b"4 0 " + SCRIPT).hex().encode() + b">", b"/Filter/AHx/X(endobj)")
    ),
}


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("整改报告.pdf", data, content_type="application/pdf")


@pytest.mark.parametrize("how", HIDDEN)
@pytest.mark.parametrize(("check", "error"), CHECKS, ids=["佐证", "工作方案", "盖章扫描件"])
def test_sec_20_a_hidden_script_is_refused_by_every_pdf_upload(check, error, how):
    with pytest.raises(error) as refused:
        check(upload(HIDDEN[how]))
    message = str(refused.value)
    assert "“整改报告.pdf”" in message
    assert "含有脚本" in message or "无法打开检查的压缩内容" in message


def test_sec_20_an_encrypt_entry_with_an_escaped_name_is_refused_as_a_scan():
    data = pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R>>",
            b"<</Filter/Standard/V 2/R 3/O<00>/U<00>/P -4>>",
        ],
        trailer=b"/Encr#79pt 4 0 R",
    )
    with pytest.raises(UploadError, match="已加密或设置了打开密码"):
        scan.check(upload(data))


def test_a_plain_page_and_an_honest_object_stream_still_pass():
    plain = document(b"<</S/URI/URI(https://example.org/)>>")
    packed = document(object_stream(zlib.compress(b"4 0 <</S/URI/URI(https://example.org/)>>")))
    stored = document(object_stream(b"4 0 <</S/URI/URI(https://example.org/)>>", b""))
    for data in (plain, packed, stored):
        for check, _error in CHECKS:
            assert check(upload(data)).extension == ".pdf"


REAL = sorted(Path("/usr/share/doc/texlive-doc/latex").glob("*/*.pdf"))[:12]


@pytest.mark.skipif(not REAL, reason="no PDFs written by real tools on this machine")
def test_pdfs_written_by_real_tools_are_opened_and_not_taken_for_active():
    for path in REAL:
        seen = pdfguard.views(path.read_bytes())
        assert pdfguard.pages(seen) >= 1, path
        assert not pdfguard.has_active_content(seen), path
