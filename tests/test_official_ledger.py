"""The official 整改台账 workbook, checked cell by cell against the seed's annex."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from anju.rectification.official_ledger import COLUMNS, NOTE, LedgerRow, build

ROWS = [
    LedgerRow(
        "农村危房改造",
        "个性问题",
        "王某某户C级危房未挂牌",
        "6月10日前完成挂牌并拍照存档",
        dt.date(2022, 6, 10),
        "火龙镇人民政府",
    ),
    LedgerRow(
        "农村危房改造",
        "共性问题",
        "3户补助发放超过验收后30日",
        "6月15日前补发到一卡通账户",
        dt.date(2022, 6, 15),
        "火龙镇人民政府",
    ),
    LedgerRow(
        "农村危房改造",
        "个性问题",
        '=HYPERLINK("http://x")',
        "+cmd|' /C calc'!A0",
        None,
        "火龙镇人民政府",
    ),
]


@pytest.fixture
def workbook():
    data = build(
        county_name="禹州市", unit_name="火龙镇人民政府", as_of=dt.date(2022, 6, 20), rows=ROWS
    )
    return data, openpyxl.load_workbook(io.BytesIO(data)).active


def test_title_unit_and_date_lines(workbook):
    _, ws = workbook
    assert ws["A1"].value == "禹州市脱贫攻坚农村危房改造情况排查整改台账"
    assert ws["A2"].value == "单位（盖章）：火龙镇人民政府"
    assert ws["A3"].value == "2022年6月20日"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A2:G2", "A3:G3"} <= merged


def test_seven_columns_in_the_annex_order(workbook):
    _, ws = workbook
    assert tuple(c.value for c in ws[4]) == COLUMNS
    assert COLUMNS == (
        "序号",
        "问题类型",
        "问题性质",
        "问题表述",
        "整改措施",
        "完成时限",
        "责任单位",
    )


def test_rows_numbered_with_real_dates_borders_and_wrapping(workbook):
    _, ws = workbook
    assert [ws.cell(r, 1).value for r in (5, 6, 7)] == [1, 2, 3]
    assert ws["F5"].value == dt.datetime(2022, 6, 10)
    assert "年" in ws["F5"].number_format and "日" in ws["F5"].number_format
    assert ws["F7"].value is None
    for col in "ABCDEFG":
        c = ws[f"{col}5"]
        assert c.border.left.style == "thin" and c.border.bottom.style == "thin"
    assert ws["D5"].alignment.wrap_text and ws["E5"].alignment.wrap_text


def test_the_note_sits_under_the_table(workbook):
    _, ws = workbook
    assert ws["A9"].value == NOTE
    assert "A9:G9" in {str(r) for r in ws.merged_cells.ranges}


def test_print_setup_a4_landscape_header_repeated(workbook):
    _, ws = workbook
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$4:$4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_sec_18_ledger_text_never_becomes_a_formula_or_link(workbook):
    data, ws = workbook
    # kept as text, with the apostrophe that keeps it text when the cell is edited in Excel
    assert ws["D7"].value == '\'=HYPERLINK("http://x")'
    assert ws["E7"].value == "'+cmd|' /C calc'!A0"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        names = z.namelist()
    assert "<f>" not in sheet and not re.search(r"<hyperlink", sheet)
    assert not any("externalLink" in n for n in names)


def test_long_text_rows_are_tall_enough_to_print_whole():
    long = "问题表述" * 30
    data = build(
        county_name="禹州市",
        unit_name="火龙镇人民政府",
        as_of=None,
        rows=[LedgerRow("农村危房改造", "个性问题", long, "措施", None, "火龙镇人民政府")],
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.row_dimensions[5].height >= 15 * 5
    assert ws["A3"].value.strip().startswith("年")


def test_libreoffice_opens_it(tmp_path, workbook):
    if shutil.which("libreoffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs it")
        pytest.skip("LibreOffice not installed on this machine")
    data, _ = workbook
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(data)
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "ledger.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
