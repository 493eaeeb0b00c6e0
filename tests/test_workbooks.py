"""The one formula-safe writer for every workbook and CSV (SECURITY.md row 18)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from anju.core.workbooks import csv_writer, formula_safe, safe_workbook

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "=cmd|'/C calc'!A0",
]
CSV_ONLY = ["\r=1"]  # openpyxl reads a CR in a cell back as _x000D_, so it is checked in CSV
LINKS = ["http://evil.example/x", "mailto:a@evil.example", "external:c:\\x.xlsx"]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert not any("externalLink" in n for n in names)
        rels = "".join(z.read(n).decode() for n in names if n.endswith(".rels"))
        assert "hyperlink" not in rels
        return "".join(z.read(n).decode() for n in names if n.startswith("xl/worksheets/"))


def write_every_way(book) -> None:
    sheet = book.add_worksheet("数据")
    bold = book.add_format({"bold": True})
    for row, payload in enumerate(PAYLOADS):
        sheet.write(row, 0, payload)
        sheet.write_string(row, 1, payload, bold)
    sheet.write_row(len(PAYLOADS), 0, PAYLOADS[:3])
    sheet.write_column(len(PAYLOADS) + 1, 0, LINKS)


def check_cells(ws) -> None:
    for row, payload in enumerate(PAYLOADS, start=1):
        assert ws.cell(row, 1).value == "'" + payload
        assert ws.cell(row, 2).value == "'" + payload
    last = len(PAYLOADS) + 1
    assert [ws.cell(last, c).value for c in (1, 2, 3)] == ["'" + p for p in PAYLOADS[:3]]
    assert [ws.cell(last + 1 + i, 1).value for i in range(len(LINKS))] == LINKS  # plain text


def test_sec_18_every_write_call_is_guarded_in_memory():
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    write_every_way(book)
    merged = book.add_worksheet("合并")
    merged.merge_range(0, 0, 0, 3, "=1+1")
    book.close()
    data = buffer.getvalue()
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<hyperlink" not in xml
    loaded = openpyxl.load_workbook(io.BytesIO(data))
    check_cells(loaded["数据"])
    assert loaded["合并"]["A1"].value == "'=1+1"


def test_sec_18_a_streamed_workbook_is_guarded_too(tmp_path):
    out = tmp_path / "export.xlsx"
    book = safe_workbook(out)
    write_every_way(book)
    book.close()
    data = out.read_bytes()
    assert "<f>" not in sheet_xml(data)
    check_cells(openpyxl.load_workbook(io.BytesIO(data))["数据"])
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]  # no temporary files left


def test_plain_text_numbers_and_dates_are_written_as_they_are():
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write(0, 0, "正常文本")
    sheet.write(0, 1, -5)
    sheet.write(0, 2, "'=已有引号")
    sheet.write(0, 3, "")
    book.close()
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [ws.cell(1, c).value for c in (1, 2, 3, 4)] == ["正常文本", -5, "'=已有引号", None]


def test_sec_18_csv_fields_starting_with_a_formula_sign_begin_with_an_apostrophe():
    handle = io.StringIO()
    writer = csv_writer(handle)
    payloads = PAYLOADS + CSV_ONLY
    writer.writerow([*payloads, "正常", 7, -3, None])
    writer.writerows([["=x"]])
    rows = list(csv.reader(io.StringIO(handle.getvalue(), newline="")))
    assert rows[0][: len(payloads)] == ["'" + p for p in payloads]
    assert rows[0][len(payloads) :] == ["正常", "7", "-3", ""]  # numbers are not text
    assert rows[1] == ["'=x"]
    assert handle.getvalue().endswith("\r\n")


def test_formula_safe_leaves_other_values_alone():
    assert formula_safe("正常文本") == "正常文本"
    assert formula_safe(12) == 12 and formula_safe(None) is None


WRITERS = re.compile(r"xlsxwriter\.Workbook\(|\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(")


@pytest.mark.parametrize("root", ["anju"])
def test_sec_18_every_workbook_and_csv_the_app_writes_goes_through_the_guard(root):
    """A workbook or CSV opened anywhere else would bypass the guard: there is no such place."""
    base = Path(__file__).resolve().parent.parent / root
    offenders = []
    for path in base.rglob("*.py"):
        if path.name == "workbooks.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if WRITERS.search(line) or re.search(r"^\s*import xlsxwriter|from xlsxwriter", line):
                offenders.append(f"{path.relative_to(base.parent)}:{number}: {line.strip()}")
    assert offenders == []
