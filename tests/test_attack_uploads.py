"""Hostile files through both checked-upload pages — the registry import
(/households/import/) and the 动态监测 list upload (/monitoring/lists/), which #19 moves
onto one shared flow: an empty file, a zip bomb whose headers lie, files in disguise, a
2 KB malformed workbook, a workbook with the wrong sheet, formulas and a huge cell. Each
is refused or fails its check with a message — never a 500 — and writes no household and
no listed household; a check (dry run) of the workbook ones is what reaches the reader."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.monitoring.models import ListedHousehold, ListVersion
from anju.registry.io import readers
from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import row

pytestmark = pytest.mark.django_db

PAGES = {
    "registry": ("/households/import/", {"mode": "dry_run"}, "officer_a"),
    "lists": ("/monitoring/lists/", {"source": "fpjc"}, "city_reviewer"),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def scratch_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _lying_bomb() -> bytes:
    """A workbook whose sheet part says 1 KB in both zip headers and inflates to 8 MB."""
    book = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["户主姓名"])
    wb.save(book)
    parts = {}
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20), 1)
    data = bytearray(_zip(parts))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(sheet)
    real = info.file_size
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, 1024)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n] == sheet.encode():
            assert struct.unpack_from("<I", data, central + 24)[0] == real
            struct.pack_into("<I", data, central + 24, 1024)  # central: uncompressed size
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _malformed_2kb() -> bytes:
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="x"><Default/>',
        "xl/workbook.xml": b"<workbook><sheets><sheet name='\xe5' r:id='rId1'/></sheets>",
        "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99",
        "xl/_rels/workbook.xml.rels": b"<Relationships><Relationship Id='rId1' Target='../x'/>",
    }
    data = _zip(parts)
    return data + b"\x00" * max(0, 2048 - len(data))


def _book(rows: list[list], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for line in rows:
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _files(village) -> dict[str, tuple[str, bytes]]:
    good = row(village)
    headers, values = list(good), list(good.values())
    formulas = [
        f'=HYPERLINK("http://x","{v}")' if h == "户主姓名" else v
        for h, v in zip(headers, values, strict=True)
    ]
    huge = ["王" * 40_000 if h == "户主姓名" else v for h, v in zip(headers, values, strict=True)]
    return {
        "empty": ("名单.xlsx", b""),
        "bomb": ("名单.xlsx", _lying_bomb()),
        "png_as_xlsx": ("名单.xlsx", PNG),
        "html_as_xls": ("名单.xls", b"<html><table><tr><td>=1+1</td></tr></table></html>"),
        "text_as_csv_bytes": ("名单.xlsx", b"\xff\xfe\x00garbage" * 50),
        "malformed_2kb": ("名单.xlsx", _malformed_2kb()),
        "wrong_sheet": ("名单.xlsx", _book([["序号", "备注"], [1, "无关"]], title="说明")),
        "formulas": ("名单.xlsx", _book([headers, formulas])),
        "huge_cell": ("名单.xlsx", _book([headers, huge])),
    }


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_files_are_refused_or_fail_their_check_and_write_nothing(
    page, request, as_user, village_a, monkeypatch
):
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED", 2 << 20)  # the bomb inflates to 8 MB
    url, fields, who = PAGES[page]
    client = as_user(request.getfixturevalue(who))
    outcomes, pages = {}, {}
    for kind, (name, data) in _files(village_a).items():
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        response = client.post(url, {"file": upload, **fields})
        assert response.status_code in (302, 400, 413), (kind, response.status_code)
        if response.status_code == 302:
            shown = client.get(response["Location"])
            assert shown.status_code == 200, kind
            pages[kind] = shown.content.decode()
        else:
            pages[kind] = response.content.decode()
        outcomes[kind] = response.status_code
        assert Household.objects.count() == 0, kind
        assert ListedHousehold.objects.count() == 0, kind
    # what reached the reader was judged: every check has its problems listed
    checks = ImportBatch.objects.all() if page == "registry" else ListVersion.objects.all()
    assert checks.count() == sum(1 for code in outcomes.values() if code == 302)
    assert [c.pk for c in checks if not c.problems] == []
    assert outcomes["empty"] == 400
    assert "压缩炸弹" in pages["bomb"]
