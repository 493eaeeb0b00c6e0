"""Every spreadsheet Anju writes, formula-safe by construction (SECURITY.md row 18).

- ``safe_workbook(target)`` opens an XlsxWriter workbook with the one set of options every
  export uses: text is never turned into a formula, a link or a number, and each text cell
  passes through ``formula_safe`` inside the worksheet itself (``SafeWorksheet``), whichever
  call wrote it (``write``, ``write_string``, ``write_row``, ``merge_range``…), so no caller
  can forget the guard. A path gets XlsxWriter's constant-memory mode with its temporary
  files beside the output (in the data folder, cleared by ``cleanup``); a buffer is built
  in memory.
- ``csv_writer(handle)`` is the csv module's writer with the same guard on every text field.
- ``formula_safe(value)`` puts an apostrophe before text that a spreadsheet would read as a
  formula or DDE (= + - @ tab CR); the registry import drops it again.

Only code-written formulas (a template's own cells) may appear in a sheet; user text never.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any, TypeVar

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_V = TypeVar("_V")


def formula_safe(value: _V) -> _V | str:
    """Prefix text that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWorksheet(Worksheet):
    """A worksheet whose every string cell is formula-safe."""

    def _write_string(self, row, col, string, cell_format=None):
        return super()._write_string(row, col, formula_safe(string), cell_format)


class SafeWorkbook(xlsxwriter.Workbook):
    worksheet_class = SafeWorksheet


def safe_workbook(target: str | Path | IO[bytes]) -> SafeWorkbook:
    """An XlsxWriter workbook writing to ``target`` (a path, or a binary buffer)."""
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if isinstance(target, str | Path):
        path = Path(target)
        options.update(constant_memory=True, tmpdir=str(path.parent))
        return SafeWorkbook(str(path), options)
    options["in_memory"] = True
    return SafeWorkbook(target, options)


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values):
        return self._writer.writerow([formula_safe(v) for v in values])

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def csv_writer(handle, **options) -> _SafeWriter:
    """``csv.writer(handle)`` (CRLF lines, as Excel writes them) whose text is formula-safe."""
    options.setdefault("lineterminator", "\r\n")
    return _SafeWriter(csv.writer(handle, **options))
