"""Files that must be refused with a clear Chinese message, writing nothing (SECURITY.md
row 20), and the formats that must be read: .xlsx, .xls, .csv in UTF-8 (with or without
BOM) and GBK."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tracemalloc
import zipfile

import openpyxl
import pytest

from anju.registry.io.readers import FileRefused, open_sheets
from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import HEADERS, row, run, write_xlsx

pytestmark = pytest.mark.django_db


def refused(batch: ImportBatch, fragment: str) -> None:
    assert batch.status == "failed", batch.message
    assert fragment in batch.message, batch.message
    assert batch.problems and batch.problems[0]["level"] == "error"
    assert Household.objects.count() == 0


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    refused(run(path), "文件是空的")


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings, village_a):
    settings.IMPORT_MAX_BYTES = 1024
    path = write_xlsx(tmp_path / "大.xlsx", [row(village_a, n=n) for n in range(1, 80)])
    refused(run(path), "单个文件不能超过 0 MB")


def test_other_file_types_are_refused(tmp_path):
    path = tmp_path / "名单.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(FileRefused, match="请上传 .xlsx、.xls 或 .csv"):
        open_sheets(path, path.name)


def test_a_web_page_renamed_to_xlsx_is_refused(tmp_path):
    path = tmp_path / "导出.xlsx"
    path.write_bytes("<html><table><tr><td>户主姓名</td></tr></table></html>".encode())
    refused(run(path), "不是 Excel 工作簿")


def test_a_password_protected_workbook_is_refused(tmp_path):
    # An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream.
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
    path = tmp_path / "加密.xlsx"
    path.write_bytes(cfb + b"\x00" * 2048)
    refused(run(path), "设有打开密码")


def test_a_zip_with_encrypted_entries_is_refused(tmp_path, village_a):
    path = write_xlsx(tmp_path / "a.xlsx", [row(village_a)])
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    while central != -1:  # set the "encrypted" flag on every central directory entry
        data[central + 8] |= 0x01
        central = data.rfind(b"PK\x01\x02", 0, central)
    path.write_bytes(bytes(data))
    refused(run(path), "设有打开密码")


def test_a_corrupt_workbook_is_refused(tmp_path, village_a):
    path = write_xlsx(tmp_path / "坏.xlsx", [row(village_a)])
    path.write_bytes(path.read_bytes()[:400])
    refused(run(path), "文件已损坏")


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def test_sec_20_a_zip_bomb_is_refused_fast(tmp_path):
    path = _zip(
        tmp_path / "炸弹.xlsx",
        [
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024)),
        ],
    )
    # refused from the sizes the archive declares, before inflating anything
    tracemalloc.start()
    try:
        refused(run(path), "压缩炸弹")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


def test_a_zip_bomb_that_lies_about_its_size_is_refused(tmp_path):
    path = _zip(
        tmp_path / "炸弹.xlsx",
        [
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024)),
        ],
    )
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:  # claim every entry is 1 KB once decompressed
            data[at + offset : at + offset + 4] = struct.pack("<I", 1024)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    # streamed and stopped at the budget: memory stays bounded (no timer: the machine's load
    # decides a wall time, the code decides the peak)
    tracemalloc.start()
    try:
        refused(run(path), "压缩炸弹")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


def test_too_many_zip_entries_are_refused(tmp_path):
    entries = [("xl/workbook.xml", "<workbook/>")] + [
        (f"xl/media/{i}.xml", "x") for i in range(1001)
    ]
    refused(run(_zip(tmp_path / "多.xlsx", entries)), "超过 1000 个")


def test_sec_20_xml_with_a_dtd_is_refused(tmp_path, village_a):
    path = write_xlsx(tmp_path / "xxe.xlsx", [row(village_a)])
    out = tmp_path / "xxe2.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            target.writestr(item, data)
    refused(run(out), "DOCTYPE")


def test_a_workbook_without_a_usable_sheet_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["说明", "这是一份会议纪要"])
    book.save(tmp_path / "纪要.xlsx")
    refused(run(tmp_path / "纪要.xlsx"), "没有找到农户信息表的表头")


def test_a_header_without_rows_is_blocked(tmp_path):
    path = write_xlsx(tmp_path / "空表.xlsx", [], headers=HEADERS)
    batch = run(path)
    assert batch.status == "blocked" and "没有农户数据" in batch.message


def test_the_data_sheet_is_found_among_several(tmp_path, village_a):
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["火龙镇农户信息"])
    sheet = book.create_sheet("台账")
    headers = list(row(village_a))
    sheet.append(headers)
    sheet.append([row(village_a)[h] for h in headers])
    book.save(tmp_path / "多表.xlsx")
    batch = run(tmp_path / "多表.xlsx")
    assert batch.created == 1 and batch.summary["sheet"] == "台账"


def _csv(village_a) -> str:
    values = row(village_a, 户主姓名="张　三", 联系电话="138 0000 0001")
    headers = list(values)
    lines = [",".join(headers), ",".join(str(values[h]) for h in headers)]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk_is_read(tmp_path, village_a, encoding):
    path = tmp_path / "农户.csv"
    path.write_bytes(_csv(village_a).encode(encoding))
    batch = run(path)
    assert batch.status == "done" and batch.created == 1, batch.problems
    household = Household.objects.get()
    assert household.head_name == "张三" and household.phone == "13800000001"


def test_xls_is_read(tmp_path, village_a):
    if shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    source = write_xlsx(
        tmp_path / "农户.xlsx", [row(village_a, 鉴定日期="2022年5月20日", 鉴定等级="C")]
    )
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    batch = run(tmp_path / "out" / "农户.xls")
    assert batch.status == "done" and batch.created == 1, batch.message
    assert Household.objects.get().assessment.grade == "C"


def test_a_refused_file_is_still_recorded(tmp_path):
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    batch = run(path)
    from anju.audit.models import AuditEvent

    assert ImportBatch.objects.filter(pk=batch.pk, status="failed").exists()
    event = AuditEvent.objects.get(event="import")
    assert event.outcome == "failure" and event.detail["sha256"] == batch.file_sha256


def test_reading_checks_happen_before_any_parsing(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    path = tmp_path / "假.xlsx"
    path.write_bytes(data.getvalue())
    with pytest.raises(FileRefused, match="缺少工作簿内容"):
        open_sheets(path, path.name)
