"""No XML part of an uploaded workbook may declare a DTD or entities, wherever the
declaration sits (#13 minor, SECURITY.md row 20): the check looked only at the first 4 KB,
so a DOCTYPE after a 5 KB comment slipped past and only calamine stood in its way. The XML
this code parses itself goes through defusedxml with DTDs forbidden."""

from __future__ import annotations

import io
import zipfile

import pytest
from defusedxml import DTDForbidden

from anju.registry.io import extent
from anju.registry.io.readers import FileRefused, open_sheets
from tests.registry.test_import_extent import workbook

XXE = '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)


def refused(path) -> str:
    with pytest.raises(FileRefused) as caught:
        open_sheets(path, "农户.xlsx")
    return str(caught.value)


def test_sec_20_a_dtd_after_a_5_kb_comment_is_refused(tmp_path):
    raw = f'<?xml version="1.0"?><!-- {"填充" * 2600} -->{XXE}{SHEET}'
    assert raw.encode().index(b"<!DOCTYPE") > 5 * 1024
    assert "DOCTYPE/ENTITY" in refused(workbook(tmp_path / "xxe.xlsx", "", raw=raw))


@pytest.mark.parametrize("shift", range(-9, 1))
def test_a_declaration_split_between_two_chunks_is_refused(tmp_path, shift):
    # the part is inflated 1 MB at a time: put "<!DOCTYPE" across the first boundary
    pad = (1 << 20) + shift - len('<?xml version="1.0"?><!--') - len("-->")
    raw = f'<?xml version="1.0"?><!--{"x" * pad}-->{XXE.lower()}{SHEET}'
    assert "DOCTYPE/ENTITY" in refused(workbook(tmp_path / "xxe.xlsx", "", raw=raw))


def test_an_entity_in_another_part_is_refused(tmp_path):
    path = workbook(tmp_path / "a.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/sharedStrings.xml", f"<!-- {'x' * 6000} --><!ENTITY a 'b'><sst/>")
    (tmp_path / "b.xlsx").write_bytes(out.getvalue())
    assert "DOCTYPE/ENTITY" in refused(tmp_path / "b.xlsx")


def test_utf16_xml_is_refused(tmp_path):
    raw = '<?xml version="1.0" encoding="UTF-16"?>' + XXE + SHEET
    path = workbook(tmp_path / "u.xlsx", "", raw="")
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = "\ufeff".encode("utf-16-le") + raw.encode("utf-16-le")
            target.writestr(item, data)
    (tmp_path / "u2.xlsx").write_bytes(out.getvalue())
    assert "不是 UTF-8 编码的 XML" in refused(tmp_path / "u2.xlsx")


def test_the_cell_parser_itself_forbids_a_dtd():
    stream = io.BytesIO(f'<?xml version="1.0"?>{XXE}{SHEET}'.encode())
    with pytest.raises(DTDForbidden):
        extent.parse_irregular(stream)
