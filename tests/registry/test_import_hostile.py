"""Hostile workbooks the reach checks did not see (attack on #13 item 3), each of which
still aborted the process that read it, like the XFD1048576 file:

- a 2 KB .xlsx whose shared-strings table declares uniqueCount="2000000000": calamine reserved
  48 GB for it before reading a string;
- a 5 KB .xls whose sheet (with a number at row and column 65536) sits inside the body of an
  unknown record of the globals: ``biff`` walked the records in order and stepped over it,
  while calamine reads the sheet where its BOUNDSHEET record points (137 GB asked for).

Each file is built here and read in a child process with a memory limit
(``test_import_extent.read_in_child``), so a regression kills the child, not pytest.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from anju.monitoring.importer import import_list
from anju.monitoring.models import ListVersion
from anju.registry.models import Household
from tests.registry.test_import_extent import HEADER, read_in_child, refusal, workbook
from tests.registry.test_import_helpers import run
from tests.registry.xls_by_hand import label, number, write_xls

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_REL = (
    '<Relationship Id="rId9" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def with_shared_strings(path: Path, unique_count: str) -> Path:
    """The extent tests' workbook, plus a shared-strings table of one string that declares
    ``unique_count`` strings, and a header cell that uses it."""
    data = f'<row r="1">{HEADER}<c r="D1" t="s"><v>0</v></c></row>'
    plain = workbook(path.with_suffix(".plain.xlsx"), data)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            text = source.read(item).decode()
            if item.filename == "xl/_rels/workbook.xml.rels":
                text = text.replace("</Relationships>", STRINGS_REL)
            out.writestr(item.filename, text)
        out.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" '
            f'uniqueCount="{unique_count}"><si><t>鉴定等级</t></si></sst>',
        )
    return path


def test_sec_20_a_2_kb_file_declaring_two_billion_shared_strings_is_refused_not_fatal(tmp_path):
    path = with_shared_strings(tmp_path / "串.xlsx", "2000000000")
    assert path.stat().st_size < 2048
    message = refusal(path)
    assert "共享字符串表（xl/sharedStrings.xml）声明有 2000000000 个不同的文本" in message
    assert "12000000 个" in message


def test_an_honest_shared_strings_table_is_still_read(tmp_path):
    assert read_in_child(with_shared_strings(tmp_path / "正常.xlsx", "1")) == {"read": [[1, 4]]}


@pytest.mark.django_db
def test_sec_20_the_registry_import_of_it_fails_the_batch_and_writes_nothing(tmp_path):
    path = with_shared_strings(tmp_path / "串.xlsx", "2000000000")
    assert "共享字符串表" in refusal(path)  # the child survived: safe to run in this process
    batch = run(path)
    assert batch.status == "failed" and "声明有 2000000000 个不同的文本" in batch.message
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_sec_20_the_monitoring_list_import_refuses_it_too(tmp_path):
    path = with_shared_strings(tmp_path / "民政.xlsx", "2000000000")
    assert "共享字符串表" in refusal(path)
    version = import_list(path, source="minzheng")
    assert version.status == ListVersion.Status.FAILED, version.message
    assert "没有读取" in version.message and version.persons == 0


HEADER_CELLS = [label(0, n, text) for n, text in enumerate(("乡镇", "行政村", "户主姓名"))]


def test_sec_20_an_xls_sheet_hidden_inside_another_record_is_still_measured(tmp_path):
    path = write_xls(tmp_path / "藏.xls", [*HEADER_CELLS, number(65535, 65535, 1)], hidden=True)
    assert path.stat().st_size < 6 * 1024
    message = refusal(path)
    assert "工作表“农户”的内容从 A1 一直延伸到 CRXP65536 单元格" in message


def test_an_xls_whose_sheet_is_where_boundsheet_says_is_read_as_before(tmp_path):
    cells = [*HEADER_CELLS, label(1, 0, "火龙镇"), number(1, 5, 7)]
    for hidden in (False, True):
        path = write_xls(tmp_path / f"正常{hidden}.xls", cells, hidden=hidden)
        assert read_in_child(path) == {"read": [[2, 6]]}
