"""How far each sheet of an .xls reaches, read before calamine opens it (#13 item 3).

An .xls is an OLE2 compound file whose ``Workbook`` stream holds BIFF records. Every cell
record starts with its row and column as 16-bit numbers, which calamine takes as they come:
a 6 KB file with one label at row 65536, column 65536 made it ask for 137 GB and abort the
process. This module follows the compound file's sector chains (with bounds on every chain)
to that stream and reads the position of every cell record and each sheet's DIMENSIONS, and
raises ``extent.TooFar`` past the same limits as an .xlsx. Nothing here trusts a size or an
index without checking it; a file it cannot follow is ``Unreadable``.
"""

from __future__ import annotations

import struct

from anju.registry.io import extent

FREE, END = 0xFFFFFFFF, 0xFFFFFFFE
STREAMS = ("Workbook", "Book")
BOF, EOF, BOUNDSHEET, DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x0200
# records that start with (row, column): BIFF2-4 and BIFF5/8 cells, formulas, blanks
CELLS = {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD, 0x0201, 0x0202}
CELLS |= {0x0203, 0x0204, 0x0205, 0x0206, 0x027E, 0x0406}
MULTIPLE = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column


class Unreadable(Exception):
    """The compound file's structure cannot be followed."""


def sheet_reaches(data: bytes) -> None:
    """Raise ``extent.TooFar`` (with ``.sheet`` set) if any sheet of the .xls reaches too far.

    The stream is walked record by record from the start, and then each sheet again from
    where its BOUNDSHEET record says it begins — that is where calamine reads it, and a sheet
    can be hidden from the first walk inside the body of another record (attack of #13: a
    5 KB .xls so made still aborted the process)."""
    stream = workbook_stream(data)
    names: list[str] = []
    starts: list[int] = []
    _walk(stream, 0, names, starts, sheet=-1)
    for index, start in enumerate(starts):
        if start < len(stream):
            _walk(stream, start, names, [], sheet=index + 1, one_sheet=True)


def _walk(
    stream: bytes,
    at: int,
    names: list[str],
    starts: list[int],
    *,
    sheet: int,
    one_sheet: bool = False,
) -> None:
    """Check the cell records from ``at``: the whole stream (the globals come first, then
    one BOF … EOF per sheet), or with ``one_sheet`` the sheet that begins there, to its EOF."""
    rows = columns = 0
    size = len(stream)
    while at + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + length]
        at += 4 + length
        if kind == BOF and not one_sheet:
            sheet += 1
            rows = columns = 0
        elif kind == EOF and one_sheet:
            return
        elif kind == BOUNDSHEET and len(body) >= 8 and not one_sheet:
            names.append(_sheet_name(body))
            starts.append(struct.unpack_from("<I", body)[0])
        elif kind == DIMENSIONS and len(body) >= 12:  # BIFF8: rows as 32 bits
            _, last_row, _, last_column = struct.unpack_from("<IIHH", body)
            _check(extent.Reach(last_row, last_column), names, sheet, declared=True)
        elif kind in CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            _check(extent.Reach(rows, columns), names, sheet, declared=False)
        elif kind in MULTIPLE and len(body) >= 6:
            (row,) = struct.unpack_from("<H", body)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
            first = struct.unpack_from("<H", body, 2)[0]
            rows, columns = max(rows, row + 1), max(columns, first + 1, last + 1)
            _check(extent.Reach(rows, columns), names, sheet, declared=False)


def _check(reach: extent.Reach, names: list[str], sheet: int, *, declared: bool) -> None:
    if reach.too_far:
        far = extent.TooFar(reach, declared=declared)
        far.sheet = names[sheet - 1] if 0 < sheet <= len(names) else f"第 {max(sheet, 1)} 个工作表"
        raise far


def _sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7]
    raw = body[8:]
    try:
        if flags & 0x01:
            return raw[: 2 * length].decode("utf-16-le")
        return raw[:length].decode("latin-1")
    except UnicodeDecodeError:
        return "?"


# --- the compound file ----------------------------------------------------------------------
def workbook_stream(data: bytes) -> bytes:
    if len(data) < 512:
        raise Unreadable
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise Unreadable
    sector = 1 << shift
    directory_start, _, cutoff, minifat_start, _ = struct.unpack_from("<IIIII", data, 0x30)
    difat_start, difat_count = struct.unpack_from("<II", data, 0x44)
    sectors = (len(data) - sector) // sector

    def read(number: int) -> bytes:
        if number >= sectors:
            raise Unreadable
        return data[(number + 1) * sector : (number + 2) * sector]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n not in (FREE, END)]
    chain = difat_start
    for _ in range(min(difat_count, sectors)):
        if chain in (FREE, END):
            break
        links: tuple[int, ...] = struct.unpack(f"<{sector // 4}I", read(chain))
        fat_sectors += [n for n in links[:-1] if n not in (FREE, END)]
        chain = links[-1]
    fat: list[int] = []
    for number in fat_sectors[:sectors]:
        fat += struct.unpack(f"<{sector // 4}I", read(number))

    def follow(start: int, table: list[int], limit: int) -> list[int]:
        found: list[int] = []
        current = start
        while current not in (FREE, END):
            if current >= len(table) or len(found) > limit:
                raise Unreadable
            found.append(current)
            current = table[current]
        return found

    directory = b"".join(read(n) for n in follow(directory_start, fat, sectors))
    entries: dict[str, tuple[int, int]] = {}
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 64)[0]
        entry = directory[offset : offset + max(0, min(length, 64) - 2)].decode(
            "utf-16-le", "replace"
        )
        kind = directory[offset + 66]
        start, size = struct.unpack_from("<II", directory, offset + 116)
        entries.setdefault(entry if kind != 5 else "\0root", (start, size))
    name = next((n for n in STREAMS if n in entries), None)
    if name is None or "\0root" not in entries:
        raise Unreadable
    start, size = entries[name]
    if size >= cutoff:
        stream = b"".join(read(n) for n in follow(start, fat, sectors))
    else:  # a small stream lives in the mini stream, in 64-byte sectors
        root_start, _ = entries["\0root"]
        mini_stream = b"".join(read(n) for n in follow(root_start, fat, sectors))
        mini_fat: list[int] = []
        for number in follow(minifat_start, fat, sectors):
            mini_fat += struct.unpack(f"<{sector // 4}I", read(number))
        parts = follow(start, mini_fat, len(mini_stream) // 64)
        stream = b"".join(mini_stream[n * 64 : n * 64 + 64] for n in parts)
    return stream[:size]
