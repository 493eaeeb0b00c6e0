"""Reading an uploaded registry file safely (SECURITY.md row 20).

Before anything parses the file: its size (setting ``IMPORT_MAX_BYTES``, default 50 MB),
its type by content (not by name), and for .xlsx the zip itself — at most 1,000 entries and
200 MB once decompressed, checked by actually inflating the entries with a cap (a zip bomb
that lies in its headers is caught too), no DTD or entity declarations anywhere in its XML, no
password protection, and no sheet reaching further than calamine can safely hold (``extent``:
a cell at XFD1048576 made calamine ask for 550 GB and abort the process; ``biff`` does the
same for an .xls). Then .xlsx and .xls are read by calamine (Rust, fast) and .csv as
UTF-8 (with or without BOM) or GBK. Every refusal is a ``FileRefused`` with a Chinese
message (an ``UploadError`` of ``core.uploads``, so the upload page shows it on the file);
nothing has been written when it is raised.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import python_calamine as calamine
from django.conf import settings

from anju.core.uploads import UploadError
from anju.registry.io import biff, extent
from anju.registry.io.parsers import Cell

MAX_ENTRIES = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
HEAD_ROWS = 10  # the header is looked for in the first rows of each sheet
EXTENSIONS = (".xlsx", ".xls", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
ENCRYPTED_MESSAGE = (
    "文件设有打开密码（已加密），系统无法读取：请在 Excel 或 WPS 中取消密码后另存，再导入。"
)


class FileRefused(UploadError):
    """The file cannot be read; the message says why and what to do, in Chinese."""


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


@dataclass
class SheetSource:
    """One sheet: ``head()`` for finding the header, ``rows()`` for everything.

    Rows keep their places: ``rows()[0]`` is the sheet's row 1 and index 0 is column A.
    """

    name: str
    head: Callable[[], Sequence[Sequence[Cell]]]
    rows: Callable[[], Sequence[Sequence[Cell]]]


def check_name(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileRefused(
            f"不支持“{suffix or '无扩展名'}”文件：请上传 .xlsx、.xls 或 .csv 格式的农户信息表。"
        )
    return suffix


def open_sheets(path: Path, filename: str) -> list[SheetSource]:
    """The readable sheets of the file, after every safety check."""
    suffix = check_name(filename)
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("文件是空的（0 字节）：请检查后重新上传。")
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {limit // 1024 // 1024} MB："
            "请按乡镇拆分后分别导入。"
        )
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(ZIP_MAGIC):
        check_zip(path)
        return _calamine_sheets(path)
    if magic == CFB_MAGIC:
        data = path.read_bytes()
        if ENCRYPTED_MARK in data:
            raise FileRefused(ENCRYPTED_MESSAGE)
        check_xls(data)
        del data
        return _calamine_sheets(path)
    if suffix == ".csv":
        return [_csv_sheet(path, filename)]
    raise FileRefused(
        "文件内容不是 Excel 工作簿（可能是改了扩展名的网页或文本文件）："
        "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。"
    )


# --- .xls: the compound file ----------------------------------------------------------------
def check_xls(data: bytes) -> None:
    """Refuse an .xls whose cells reach too far (``biff``), before calamine reads it."""
    try:
        biff.sheet_reaches(data)
    except extent.TooFar as far:
        raise _too_far(far.sheet, far) from None
    except (biff.Unreadable, struct.error):
        raise FileRefused(
            "文件已损坏，无法作为 .xls 打开（文件结构不完整）：请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
        ) from None


# --- .xlsx: the zip container ---------------------------------------------------------------
def check_zip(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _corrupt() from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise FileRefused(
                f"文件结构异常（包含 {len(entries)} 个部件，超过 {MAX_ENTRIES} 个），已拒绝。"
            )
        names = {e.filename for e in entries}
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise FileRefused(
                    "文件是 Excel 二进制工作簿（.xlsb），系统不读取这种格式："
                    "请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。"
                )
            raise FileRefused("文件不是 Excel 工作簿（缺少工作簿内容）：请上传 .xlsx 文件。")
        if "content.xml" in names:  # calamine would fall back to reading it as OpenDocument
            raise FileRefused(
                "文件同时含有 OpenDocument 表格的内容（content.xml），不是 Excel 保存的 .xlsx，"
                "出于安全考虑已拒绝：请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
            )
        if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
            raise _bomb()
        if any(e.flag_bits & 0x1 for e in entries):
            raise FileRefused(ENCRYPTED_MESSAGE)
        total = 0
        irregular = []
        with path.open("rb") as raw:
            for entry in entries:
                try:
                    produced, odd = _inflate_checked(raw, entry, MAX_UNCOMPRESSED - total)
                except extent.TooFar as far:
                    raise _too_far(_sheet_name(archive, entry), far) from None
                except extent.TooManyStrings as many:
                    raise _too_many_strings(many) from None
                total += produced
                if odd:
                    irregular.append(entry)
        for entry in irregular:  # inflated once already, within the budget above
            _parse_irregular(archive, entry)
        _check_sheet_parts(archive)


def _parse_irregular(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    try:
        with archive.open(entry) as stream:
            extent.parse_irregular(stream)
    except extent.TooFar as far:
        raise _too_far(_sheet_name(archive, entry), far) from None
    except extent.TooManyStrings as many:
        raise _too_many_strings(many) from None
    except Exception:  # malformed XML, or a declaration defusedxml forbids
        raise FileRefused(
            f"文件中的部件“{entry.filename}”不是有效的 XML（文件已损坏或被改动）："
            "请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
        ) from None


def _sheet_name(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> str:
    return _sheet_names(archive).get(entry.filename, entry.filename)


def _too_many_strings(many: extent.TooManyStrings) -> FileRefused:
    return FileRefused(
        f"文件的共享字符串表（xl/sharedStrings.xml）声明有 {many.declared} 个不同的文本，"
        f"超过了系统能读取的 {extent.MAX_STRINGS} 个（文件可能被改动），文件已拒绝，没有读取："
        "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。"
    )


def _too_far(sheet: str, far: extent.TooFar) -> FileRefused:
    reach = far.reach
    if far.declared:
        where = f"工作表“{sheet}”声明的数据范围一直到 {reach.cell} 单元格"
    else:
        where = f"工作表“{sheet}”的内容从 A1 一直延伸到 {reach.cell} 单元格"
    where += f"（第 {reach.rows} 行、第 {reach.columns} 列）"
    if reach.rows > extent.MAX_ROWS:
        limit = f"超过了系统能读取的 {extent.MAX_ROWS} 行"
    elif reach.columns > extent.MAX_COLUMNS:
        limit = f"超过了系统能读取的 {extent.MAX_COLUMNS} 列（到 IV 列）"
    else:
        limit = (
            f"从 A1 算起共 {reach.rows * reach.columns} 个单元格，"
            f"超过了系统一次能读取的 {extent.MAX_CELLS} 个"
        )
    return FileRefused(
        f"{where}，{limit}，文件已拒绝，没有读取。表格下方或右侧可能有误输入的内容或格式："
        "请在 Excel 或 WPS 中删除多余的行和列（或把数据复制到新工作簿）后另存，再导入；"
        "数据确实很多时请按乡镇拆分。"
    )


def _check_sheet_parts(archive: zipfile.ZipFile) -> None:
    """Every sheet calamine will read is a part named .xml, which ``_inflate_checked`` scans:
    calamine reads a sheet from whatever part the workbook's relationships name, and a
    worksheet stored as ``sheet1.dat`` or ``a.png`` would have escaped the scan."""
    names = _sheet_names(archive, strict=True)
    for part, sheet in names.items():
        if not part.lower().endswith(".xml"):
            raise FileRefused(
                f"工作表“{sheet}”存放在部件“{part}”中，不是 Excel 保存的样子，出于安全考虑已拒绝："
                "请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
            )


def _sheet_names(archive: zipfile.ZipFile, *, strict: bool = False) -> dict[str, str]:
    """Worksheet part → the name the user sees on its tab. ``strict``: refuse a workbook
    whose sheet list or relationships cannot be parsed (calamine's parser is laxer)."""
    from defusedxml import ElementTree

    def read(name: str):
        with archive.open(name) as stream:
            return ElementTree.fromstring(stream.read(4 * 1024 * 1024), forbid_dtd=True)

    try:
        rels = read("xl/_rels/workbook.xml.rels")
        book = read("xl/workbook.xml")
    except KeyError:  # no sheet list: calamine finds no sheet either
        return {}
    except Exception:
        if strict:
            raise FileRefused(
                "文件中的工作表清单（xl/workbook.xml 或其关系文件）无法解析，文件已损坏或被改动："
                "请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
            ) from None
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = path.replace("xl/../", "")
    names = {}
    for element in book.iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        for key, value in element.attrib.items():
            if key.rpartition("}")[2] == "id" and value in targets:
                names[targets[value]] = element.get("name") or targets[value]
    return names


def _corrupt() -> FileRefused:
    return FileRefused("文件已损坏，无法作为 .xlsx 打开：请在 Excel 或 WPS 中另存后重试。")


def _bomb() -> FileRefused:
    return FileRefused(
        f"文件解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB（疑似“压缩炸弹”），已拒绝。"
    )


def _inflate_checked(raw: IO[bytes], entry: zipfile.ZipInfo, budget: int) -> tuple[int, bool]:
    """Inflate one entry without trusting its header: count every byte it really yields,
    stop past ``budget``, refuse XML with a DTD or entity declarations (XXE), and measure how
    far its cells reach (``extent.TooFar``). Returns the bytes it yields and whether the
    cells must be counted again by an XML parser (written in an unusual way)."""
    raw.seek(entry.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise _corrupt()
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    raw.seek(entry.header_offset + 30 + name_len + extra_len)
    left = entry.compress_size
    if entry.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise FileRefused("文件使用了不支持的压缩方式：请在 Excel 或 WPS 中另存为 .xlsx 后重试。")
    produced = 0
    tail = b""
    lower = entry.filename.lower()
    check_xml = lower.endswith((".xml", ".rels", ".vml"))
    scanner = extent.Scanner() if lower.endswith(".xml") else None

    def account(data: bytes) -> None:
        nonlocal produced, tail
        if check_xml and not produced and data[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00"):
            raise FileRefused(
                f"文件中的部件“{entry.filename}”不是 UTF-8 编码的 XML（Excel 不会这样保存），已拒绝："
                "请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
            )
        produced += len(data)
        if produced > budget:
            raise _bomb()
        if check_xml:  # the whole part, not its first 4 KB: a DOCTYPE may follow a comment
            if _declares(tail + data[:8]) or _declares(data):
                raise FileRefused(
                    "文件中含有不允许的 XML 声明（DOCTYPE/ENTITY），出于安全考虑已拒绝。"
                )
            tail = data[-8:]
        if scanner is not None:
            scanner.feed(data)

    while left > 0:
        chunk = raw.read(min(left, 1 << 20))
        if not chunk:
            break
        left -= len(chunk)
        if inflater is None:
            account(chunk)
            continue
        try:
            while chunk:
                account(inflater.decompress(chunk, 1 << 20))
                chunk = inflater.unconsumed_tail
        except zlib.error:
            raise _corrupt() from None
    if scanner is None:
        return produced, False
    scanner.finish()
    return produced, scanner.irregular


def _declares(data: bytes) -> bool:
    """Whether ``data`` holds ``<!DOCTYPE`` or ``<!ENTITY`` in any letter case."""
    if b"<" not in data:  # memchr, before the slower two-byte search
        return False
    at = data.find(b"<!")
    while at != -1:
        word = data[at + 2 : at + 9].upper()
        if word == b"DOCTYPE" or word[:6] == b"ENTITY":
            return True
        at = data.find(b"<!", at + 2)
    return False


# --- .xlsx and .xls through calamine --------------------------------------------------------
def _calamine_sheets(path: Path) -> list[SheetSource]:
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise FileRefused(ENCRYPTED_MESSAGE) from None
    except Exception:  # calamine raises several types for unreadable files
        raise FileRefused(
            "无法读取该文件（文件损坏或格式不对）：请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
        ) from None
    sources = []
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            continue
        sources.append(_calamine_source(workbook, index, meta.name))
    if not sources:
        raise FileRefused("工作簿中没有可见的工作表：请把农户信息放在第一个工作表中。")
    return sources


def _calamine_source(workbook: calamine.CalamineWorkbook, index: int, name: str) -> SheetSource:
    loaded: dict[str, calamine.CalamineSheet] = {}

    def sheet() -> calamine.CalamineSheet:
        if "sheet" not in loaded:
            try:
                loaded["sheet"] = workbook.get_sheet_by_index(index)
            except calamine.PasswordError:
                raise FileRefused(ENCRYPTED_MESSAGE) from None
            except Exception:
                raise FileRefused(f"工作表“{name}”无法读取（文件可能已损坏）。") from None
        return loaded["sheet"]

    def head() -> Sequence[Sequence[Cell]]:
        return sheet().to_python(skip_empty_area=False, nrows=HEAD_ROWS)

    def rows() -> Sequence[Sequence[Cell]]:
        return sheet().to_python(skip_empty_area=False)

    return SheetSource(name=name, head=head, rows=rows)


# --- .csv -----------------------------------------------------------------------------------
def _csv_sheet(path: Path, filename: str) -> SheetSource:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise FileRefused("文件不是文本格式的 CSV（可能是改了扩展名的其他文件），已拒绝。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence that has no NUL
        raise FileRefused("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码。")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: Sequence[Sequence[Cell]] = [
        list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    name = Path(filename).stem or "CSV"
    return SheetSource(name=name, head=lambda: rows[:HEAD_ROWS], rows=lambda: rows)
