"""A workbook whose cells reach too far is refused before calamine reads it (#13 item 3,
SECURITY.md row 20).

A 2 KB file with one value at XFD1048576 made calamine ask for about 550 GB and the Rust
allocator aborted the process (the web worker or the background worker); Z1048576 asked for
gigabytes. Each hostile file is built here, byte by byte, and read in a child process with a
memory limit, so a regression kills or starves the child, not pytest, and the test fails on
the child's exit instead of the refusal it expects.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from anju.monitoring.importer import import_list
from anju.monitoring.models import ListVersion
from anju.registry.models import Household
from tests.registry.test_import_helpers import run

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = "".join(
    f'<c r="{column}1" t="inlineStr"><is><t>{text}</t></is></c>'
    for column, text in zip("ABC", ("乡镇", "行政村", "户主姓名"), strict=True)
)


def workbook(
    path: Path,
    sheet_data: str,
    *,
    dimension: str | None = None,
    raw: str = "",
    part: str = "worksheets/sheet1.xml",
) -> Path:
    """An .xlsx written by hand: one sheet named 农户 whose XML is ``raw`` when given,
    else a <sheetData> holding ``sheet_data`` (and a <dimension> when one is given), stored
    as xl/``part``."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = raw or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
        f"{declared}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conte'
            'ntType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="app'
            'lication/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Overr'
            'ide PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlfor'
            'mats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relation'
            f'ship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="农户" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relation'
            f'ship Id="rId1" Type="{REL}/worksheet" Target="{part}"/></Relationships>'
        ),
        f"xl/{part}": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def with_far_cell(path: Path, far: str, **options) -> Path:
    row = "".join(ch for ch in far if ch.isdigit())
    data = f'<row r="1">{HEADER}</row><row r="{row}"><c r="{far}"><v>1</v></c></row>'
    return workbook(path, data, **options)


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    import django
    django.setup()
    from pathlib import Path
    from anju.registry.io.readers import FileRefused, open_sheets
    try:
        sheets = open_sheets(Path(sys.argv[1]), "农户.xlsx")
        shapes = [[len(rows), max(map(len, rows), default=0)] for rows in (s.rows() for s in sheets)]
        print(json.dumps({"read": shapes}))
    except FileRefused as exc:
        print(json.dumps({"refused": str(exc)}))
    """
)


def read_in_child(path: Path) -> dict:
    """What ``open_sheets`` does with ``path``, in a child with 3 GB of address space."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "anju.settings_test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, (
        f"the reader died (exit {child.returncode}) instead of refusing: {child.stderr[-800:]}"
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def refusal(path: Path) -> str:
    result = read_in_child(path)
    assert "refused" in result, f"read instead of refused: {result}"
    return result["refused"]


def test_sec_20_a_2_kb_file_with_a_value_at_xfd1048576_is_refused_not_fatal(tmp_path):
    path = with_far_cell(tmp_path / "炸.xlsx", "XFD1048576")
    assert path.stat().st_size < 2048
    message = refusal(path)
    assert "工作表“农户”的内容从 A1 一直延伸到 XFD1048576 单元格" in message
    assert "超过了系统能读取的 300000 行" in message and "删除多余的行和列" in message


@pytest.mark.parametrize("far", ["Z1048576", "AZ1048576"])
def test_sec_20_a_value_on_the_last_row_is_refused_before_gigabytes_are_asked_for(tmp_path, far):
    message = refusal(with_far_cell(tmp_path / "长.xlsx", far))
    assert f"一直延伸到 {far} 单元格（第 1048576 行" in message
    assert "300000 行" in message


def test_too_many_columns_are_refused_naming_the_column_limit(tmp_path):
    message = refusal(with_far_cell(tmp_path / "宽.xlsx", "IW2"))
    assert "一直延伸到 IW2 单元格（第 2 行、第 257 列）" in message
    assert "256 列（到 IV 列）" in message


def test_a_far_corner_within_both_limits_is_refused_by_its_cell_count(tmp_path):
    message = refusal(with_far_cell(tmp_path / "大.xlsx", "CV200000"))  # 100 × 200,000
    assert "从 A1 算起共 20000000 个单元格" in message and "12000000 个" in message


def test_a_lying_dimension_does_not_hide_the_far_cell(tmp_path):
    path = with_far_cell(tmp_path / "谎.xlsx", "XFD1048576", dimension="A1:C2")
    assert "的内容从 A1 一直延伸到 XFD1048576 单元格" in refusal(path)


def test_a_dimension_claiming_the_whole_sheet_is_refused_as_declared(tmp_path):
    path = workbook(tmp_path / "声明.xlsx", f'<row r="1">{HEADER}</row>', dimension="A1:XFD1048576")
    assert "工作表“农户”声明的数据范围一直到 XFD1048576 单元格" in refusal(path)


def test_cells_without_positions_are_placed_as_calamine_places_them(tmp_path):
    # No r on the cells: calamine puts them after the previous cell, on the row's own number
    # (the far corner is C: the header reaches column C).
    data = f'<row r="1">{HEADER}</row><row r="1048576"><c><v>1</v></c><c><v>2</v></c></row>'
    assert "一直延伸到 C1048576 单元格" in refusal(workbook(tmp_path / "无位置.xlsx", data))
    rows_only = "<row><c><v>1</v></c></row>" * 3 + '<row r="400000"><c><v>1</v></c></row>'
    assert "一直延伸到 A400000 单元格" in refusal(workbook(tmp_path / "无行号.xlsx", rows_only))


def test_prefixed_lower_case_and_reordered_references_are_counted(tmp_path):
    prefixed = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1048576"><x:v>1</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    assert "一直延伸到 XFD1048576" in refusal(workbook(tmp_path / "前缀.xlsx", "", raw=prefixed))
    lower = '<row r="1"><c r="A1"><v>1</v></c><c r="xfd1048576"><v>1</v></c></row>'
    assert "一直延伸到 XFD1048576" in refusal(workbook(tmp_path / "小写.xlsx", lower))
    reordered = "<row r='1'><c s='1' r = 'A1'><v>1</v></c><c t='n' r='AZ1048576'><v>1</v></c></row>"
    assert "一直延伸到 AZ1048576" in refusal(workbook(tmp_path / "乱序.xlsx", reordered))


@pytest.mark.parametrize("part", ["worksheets/sheet1.dat", "media/image1.png", "sheet1"])
def test_a_sheet_stored_under_another_name_is_refused(tmp_path, part):
    # calamine reads a sheet from whatever part the relationships name; the scan read .xml
    path = with_far_cell(tmp_path / "改名.xlsx", "XFD1048576", part=part)
    assert f"工作表“农户”存放在部件“xl/{part}”中，不是 Excel 保存的样子" in refusal(path)


def test_an_opendocument_table_inside_an_xlsx_is_refused(tmp_path):
    # calamine, when the .xlsx side fails to open, reads the same zip as OpenDocument, whose
    # repeated rows and columns the scan does not count (100,000 × 200 cells from 1 KB)
    table = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-'
        'repeated="100000"><table:table-cell table:number-columns-repeated="200" office:value-'
        'type="float" office:value="1"/></table:table-row></table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
        'opendocument.spreadsheet"/></manifest:manifest>'
    )
    path = tmp_path / "3f2a9c0d"  # stored uploads have no extension: calamine guesses
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("content.xml", table)
        archive.writestr("META-INF/manifest.xml", manifest)
    assert "OpenDocument 表格的内容（content.xml）" in refusal(path)


def test_a_sheet_part_named_in_capitals_is_counted(tmp_path):
    path = with_far_cell(tmp_path / "大写.xlsx", "XFD1048576", part="worksheets/SHEET1.XML")
    assert "一直延伸到 XFD1048576 单元格" in refusal(path)


def test_an_ordinary_workbook_is_still_read(tmp_path):
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>火龙镇</t></is></c>'
        f'<c r="AB{n}"><v>{n}</v></c></row>'
        for n in range(2, 500)
    )
    path = workbook(
        tmp_path / "正常.xlsx", f'<row r="1">{HEADER}</row>{rows}', dimension="A1:AB499"
    )
    assert read_in_child(path) == {"read": [[499, 28]]}


def test_an_xlsb_workbook_is_refused(tmp_path):
    path = tmp_path / "二进制.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert "二进制工作簿（.xlsb）" in refusal(path)


@pytest.mark.django_db
def test_sec_20_the_registry_import_fails_the_batch_and_writes_nothing(tmp_path):
    path = with_far_cell(tmp_path / "炸.xlsx", "XFD1048576")
    assert "XFD1048576" in refusal(path)  # the child survived: safe to run in this process
    batch = run(path)
    assert batch.status == "failed" and "一直延伸到 XFD1048576 单元格" in batch.message
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_sec_20_the_monitoring_list_import_refuses_it_too(tmp_path):
    path = with_far_cell(tmp_path / "防返贫监测.xlsx", "Z1048576")
    assert "Z1048576" in refusal(path)
    version = import_list(path, source="fpjc")
    assert version.status == ListVersion.Status.FAILED
    assert "一直延伸到 Z1048576 单元格" in version.message
    assert version.persons == 0


# --- .xls: BIFF records in a compound file ---------------------------------------------------
SAMPLES = Path(__file__).parent / "samples"  # saved by LibreOffice from openpyxl workbooks


def xls_with_far_label(tmp_path: Path, sample: str, row: int, column: int) -> Path:
    """A real .xls whose first shared-string label is moved to (row, column), 0-based."""
    data = bytearray((SAMPLES / sample).read_bytes())
    at = data.find(struct.pack("<HH", 0x00FD, 10))  # LABELSST: row, column, format, string
    assert at > 0
    data[at + 4 : at + 8] = struct.pack("<HH", row, column)
    path = tmp_path / f"远-{sample}"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("sample", ["households-2-rows.xls", "households-200-rows.xls"])
def test_sec_20_an_xls_label_at_column_65536_is_refused_not_fatal(tmp_path, sample):
    # 65,536 × 65,536 cells: calamine asked for 137 GB and the process aborted
    path = xls_with_far_label(tmp_path, sample, 0xFFFF, 0xFFFF)
    message = refusal(path)
    assert (
        "工作表“农户”的内容从 A1 一直延伸到 CRXP65536 单元格（第 65536 行、第 65536 列）" in message
    )
    assert "256 列（到 IV 列）" in message


def test_an_xls_reaching_iv65536_is_refused_by_its_cell_count(tmp_path):
    message = refusal(xls_with_far_label(tmp_path, "households-2-rows.xls", 0xFFFF, 0xFF))
    assert "一直延伸到 IV65536 单元格" in message and "16777216 个单元格" in message


@pytest.mark.parametrize("sample", ["households-2-rows.xls", "households-200-rows.xls"])
def test_an_ordinary_xls_is_still_read(sample):
    rows = 3 if "2-rows" in sample else 201
    assert read_in_child(SAMPLES / sample) == {"read": [[rows, 4]]}


def test_a_truncated_xls_is_refused_as_damaged(tmp_path):
    path = tmp_path / "坏.xls"
    path.write_bytes((SAMPLES / "households-200-rows.xls").read_bytes()[:3000])
    assert "无法作为 .xls 打开" in refusal(path)
