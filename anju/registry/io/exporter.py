"""The registry as a workbook in the import template (so it imports back unchanged), or CSV.

- Columns, headers and order are ``COLUMNS``; the header row marks required columns with *
  (the importer ignores the mark). 是/否 for flags, real date cells, numbers as numbers,
  ID and phone columns formatted as text so Excel keeps every digit.
- Full ID numbers and phones only when ``unmasked`` (the caller checks the role, a reason
  and audits, ``anju.core.exports``); otherwise the masks ``411081********123X``,
  ``138****1234``.
- Formula-safe (SECURITY.md row 18): text is always written as a string cell, and text
  starting with = + - @ tab or CR gets a leading apostrophe (the importer drops it again).
- Streaming: rows are read with ``values_list`` in chunks and written with XlsxWriter's
  constant-memory mode (or the csv module) straight to a file, hashed as it is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anju.core import crypto
from anju.core.workbooks import SafeWorkbook, csv_writer, safe_workbook
from anju.registry.io.columns import COLUMNS, Column
from anju.registry.io.parsers import groups_text
from anju.registry.models import Household, HouseholdQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User
    from anju.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
SHEET_NAME = "农户住房信息"
TEXT_KINDS = ("id_number", "phone")


def header_text(column: Column) -> str:
    return f"*{column.header}" if column.required else column.header


def _path(column: Column) -> str:
    if column.kind == "township":
        return "township__name"
    if column.kind == "village":
        return "village__name"
    if column.model == "household":
        return column.name
    return f"{column.model}__{column.name}"


def households_for(
    user: User | AnonymousUser | None = None,
    *,
    township: Unit | None = None,
    village: Unit | None = None,
) -> HouseholdQuerySet:
    """The households to export: the user's scope (everything for the system), filtered."""
    queryset = Household.objects.all() if user is None else Household.objects.for_user(user)
    if township is not None:
        queryset = queryset.filter(township=township)
    if village is not None:
        queryset = queryset.filter(village=village)
    return queryset


def rows(queryset: HouseholdQuerySet, *, unmasked: bool) -> Iterator[list[Any]]:
    """One list of Python values per household, in template order (None = empty cell)."""
    paths = []
    for column in COLUMNS:
        if column.kind == "id_number":
            paths.append("id_number_enc" if unmasked else "id_number_masked")
        elif column.kind == "phone":
            paths.append("phone_enc" if unmasked else "phone_masked")
        else:
            paths.append(_path(column))
    kinds = [c.kind for c in COLUMNS]
    decrypt_at = [i for i, k in enumerate(kinds) if k in TEXT_KINDS] if unmasked else []
    groups_at = kinds.index("groups")
    ordered = queryset.order_by("township__code", "village__code", "id").values_list(*paths)
    for found in ordered.iterator(chunk_size=2000):
        values = list(found)
        for i in decrypt_at:
            values[i] = crypto.decrypt(values[i]) if values[i] else None
        values[groups_at] = groups_text(values[groups_at]) or None
        yield values


def _text(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class Exported:
    rows: int
    sha256: str
    size: int


class _HashingFile:
    """A binary file that hashes what is written to it."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: str | bytes) -> int:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.digest.update(raw)
        self.size += len(raw)
        return self.handle.write(raw)

    def close(self) -> None:
        self.handle.close()


def write_csv(out: Path, data: Iterable[Sequence[object]]) -> Exported:
    target = _HashingFile(out)
    target.write("\ufeff")  # BOM: Excel and WPS then read UTF-8
    import io

    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([header_text(c) for c in COLUMNS])
    count = 0
    for values in data:
        writer.writerow(["" if v is None else _text(v) for v in values])
        count += 1
        if count % 1000 == 0:
            target.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    target.write(buffer.getvalue())
    target.close()
    return Exported(rows=count, sha256=target.digest.hexdigest(), size=target.size)


def start_sheet(book: SafeWorkbook, name: str = SHEET_NAME) -> tuple[Any, dict[str, Any]]:
    """A data sheet with the template's header row, widths and cell formats; returns
    (sheet, formats) — shared by the export and the downloadable template."""
    sheet = book.add_worksheet(name)
    formats = {
        "head": book.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        "required": book.add_format(
            {
                "bold": True,
                "bg_color": "#F8CBAD",
                "font_color": "#9C0006",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for i, column in enumerate(COLUMNS):
        width = 22 if column.kind == "id_number" else 14 if column.kind in ("phone", "date") else 11
        cell = formats["text"] if column.kind in TEXT_KINDS else None
        sheet.set_column(i, i, width, cell)
        style = formats["required"] if column.required else formats["head"]
        sheet.write_string(0, i, header_text(column), style)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 3)
    return sheet, formats


def write_cells(sheet: Any, formats: dict[str, Any], row: int, values: Sequence[object]) -> None:
    for i, value in enumerate(values):
        if value is None or value == "":
            continue
        if value is True or value is False:
            sheet.write_string(row, i, "是" if value else "否")
        elif isinstance(value, dt.date):
            sheet.write_datetime(
                row, i, dt.datetime(value.year, value.month, value.day), formats["date"]
            )
        elif isinstance(value, int | float | Decimal) and COLUMNS[i].kind not in TEXT_KINDS:
            sheet.write_number(row, i, float(value))
        else:
            sheet.write_string(row, i, str(value))


def write_xlsx(out: Path, data: Iterable[Sequence[object]]) -> Exported:
    book = safe_workbook(out)
    sheet, formats = start_sheet(book)
    count = 0
    for count, values in enumerate(data, start=1):
        write_cells(sheet, formats, count, values)
    book.close()
    digest = hashlib.sha256()
    with out.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return Exported(rows=count, sha256=digest.hexdigest(), size=out.stat().st_size)


def export(
    queryset: HouseholdQuerySet, out: Path, *, fmt: str = "xlsx", unmasked: bool
) -> Exported:
    data = rows(queryset, unmasked=unmasked)
    return write_csv(out, data) if fmt == "csv" else write_xlsx(out, data)
