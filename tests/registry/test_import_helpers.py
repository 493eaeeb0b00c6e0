"""Shared helpers of the import and export tests (no tests here): workbooks built with
openpyxl, one valid row to start from, and running an import as a user or the system."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from anju.audit.context import SYSTEM, acting_as
from anju.registry import idcard
from anju.registry.io.columns import COLUMNS
from anju.registry.io.services import import_path
from anju.registry.models import ImportBatch

HEADERS = [c.header for c in COLUMNS]
Mode = ImportBatch.Mode


def an_id(n: int, born: dt.date = dt.date(1958, 3, 9)) -> str:
    return idcard.make("411081", born + dt.timedelta(days=n), n)


def row(village, n: int = 1, **cells) -> dict:
    """A valid row for a household of ``village`` (header → value), with overrides. Shaped
    like a row of a real export: the debt columns are filled for everyone (是否举债 否,
    自筹资金 0), renovated or not; pass ``None`` to leave a column out."""
    values = {
        "乡镇": village.parent.name,
        "行政村": village.name,
        "户主姓名": "王建国",
        "身份证号": an_id(n),
        "家庭人口": 3,
        "是否脱贫户": "是",
        "是否享受政策": "是",
        "是否举债": "否",
        "自筹资金": 0,
    }
    values.update(cells)
    return {k: v for k, v in values.items() if v is not None}


def write_xlsx(path: Path, rows: list[dict], *, headers=None, sheet="农户", before=()) -> Path:
    """A workbook whose first row is ``headers`` (default: every header any row uses, in
    template order), then one line per row dict; ``before`` are lines above the header."""
    if headers is None:
        used = {h for r in rows for h in r}
        headers = [h for h in HEADERS if h in used] + sorted(used - set(HEADERS))
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for line in before:
        ws.append(list(line))
    ws.append(list(headers))
    for values in rows:
        ws.append([values.get(h) for h in headers])
    book.save(path)
    return path


def run(path: Path, user=None, *, mode=Mode.ALL, create_villages=False) -> ImportBatch:
    with acting_as(user if user is not None else SYSTEM):
        return import_path(path, user=user, mode=mode, create_villages=create_villages)


def problems(batch: ImportBatch, level: str | None = "error") -> list[dict]:
    return [p for p in batch.problems if level is None or p["level"] == level]


_made = iter(range(1, 1_000_000))


def book(folder: Path, rows: list[dict], **options) -> Path:
    """A new workbook in ``folder`` (a fresh name each time) — see ``write_xlsx``."""
    return write_xlsx(folder / f"农户{next(_made)}.xlsx", rows, **options)
