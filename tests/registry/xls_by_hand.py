"""Legacy .xls (BIFF8 in a compound file) written by hand, for the hostile-file tests
(``test_import_hostile``).

Only what calamine needs to read a sheet: the workbook globals (BOF, CODEPAGE, one
BOUNDSHEET, EOF) and one sheet substream of LABEL and NUMBER records. The compound file has
512-byte sectors, one FAT sector and a ``Workbook`` stream padded to the 4 KB mini-stream
cutoff.
"""

from __future__ import annotations

import struct
from pathlib import Path

FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def bof(kind: int) -> bytes:
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def label(row: int, column: int, text: str) -> bytes:
    """A LABEL record: 0-based row and column, UTF-16 text."""
    data = text.encode("utf-16-le")
    return record(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 1) + data)


def number(row: int, column: int, value: float) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, column, 0, value))


def _workbook_stream(cells: list[bytes], name: str = "农户", *, hidden: bool = False) -> bytes:
    """The globals, then the sheet; ``hidden`` puts the sheet inside the body of an unknown
    record of the globals instead (BOUNDSHEET still points at it: calamine reads it there)."""
    encoded = name.encode("utf-16-le")
    start = bof(0x0005) + record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
    eof = record(0x000A)
    sheet = bof(0x0010) + b"".join(cells) + eof
    boundsheet_size = 4 + 8 + len(encoded)
    if hidden:
        sheet_at = len(start) + boundsheet_size + 4 + 8  # after the hider's header and 8 bytes
    else:
        sheet_at = len(start) + boundsheet_size + len(eof)
    boundsheet = record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name), 1) + encoded)
    if hidden:
        return start + boundsheet + record(0x0FFF, b"\x00" * 8 + sheet) + eof
    return start + boundsheet + eof + sheet


def _entry(name: str, kind: int, start: int, size: int, child: int = FREE) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBBIII", len(encoded), kind, 1 if name else 0, FREE, FREE, child)
        + b"\x00" * 36
        + struct.pack("<IIi", start, size, 0)
    )


def write_xls(path: Path, cells: list[bytes], *, hidden: bool = False) -> Path:
    stream = _workbook_stream(cells, hidden=hidden)
    stream += b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    sectors = len(stream) // 512
    assert sectors + 2 <= 128, "one FAT sector only"
    fat = [*range(1, sectors), END, END, FAT_SECTOR]
    fat += [FREE] * (128 - len(fat))
    directory = (
        _entry("Root Entry", 5, END, 0, child=1)
        + _entry("Workbook", 2, 0, len(stream))
        + _entry("", 0, 0, 0) * 2
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9I", 0, 1, sectors, 0, 4096, END, 0, END, 0)
        + struct.pack("<109I", sectors + 1, *([FREE] * 108))
    )
    path.write_bytes(header + stream + directory + struct.pack("<128I", *fat))
    return path
