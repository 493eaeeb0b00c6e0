"""Problems found in a workbook: each names its sheet, row, column (letter and header), the
value as written (ID numbers and phones masked) and what is wrong or expected, in Chinese."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from anju.core.workbooks import safe_workbook

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"
LEVEL_LABELS = {ERROR: "错误", WARNING: "提示（已导入）", NOTICE: "说明"}


@dataclass(slots=True)
class Problem:
    level: str
    sheet: str
    row: int | None  # the sheet's row number, as Excel shows it
    col: str  # column letter, "" for the whole row or file
    header: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def place(self) -> str:
        parts = [f"工作表“{self.sheet}”"] if self.sheet else []
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.col:
            parts.append(f"{self.col} 列（{self.header}）" if self.header else f"{self.col} 列")
        elif self.header:
            parts.append(f"“{self.header}”列")
        return " ".join(parts)

    def sentence(self) -> str:
        value = f"“{self.value}”" if self.value else ""
        lead = f"{self.place}{value}：" if self.place or value else ""
        return f"{lead}{self.message}"


def settle(
    run: Any,
    status: str,
    message: str,
    problems: Iterable[Problem],
    *,
    started: float,
    summary: dict | None = None,
) -> None:
    """Write the end of an import run (an ``ImportBatch`` or a department list's
    ``ListVersion``) and save it: status, message, the problems sorted by place and cut at
    ``IMPORT_MAX_PROBLEMS``, their counts, and into its summary ``summary``, the notices,
    the seconds since ``started`` and how many problems were left out."""
    problems = sorted(problems, key=lambda p: (p.row or 0, len(p.col), p.col))
    limit = settings.IMPORT_MAX_PROBLEMS
    summary = dict(summary or {})
    summary["notices"] = sum(1 for p in problems if p.level == NOTICE)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    if len(problems) > limit:
        summary["problems_left_out"] = len(problems) - limit
    run.status = status
    run.progress = 100
    run.message = message[:500]
    run.error_count = sum(1 for p in problems if p.level == ERROR)
    run.warning_count = sum(1 for p in problems if p.level == WARNING)
    run.problems = [p.as_dict() for p in problems[:limit]]
    run.summary = {**(run.summary or {}), **summary}
    run.finished_at = timezone.now()
    run.save()


def label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


PROBLEM_HEADERS = ("级别", "工作表", "行号", "列", "表头", "单元格内容", "问题与填写要求")


def problems_workbook(problems: list[dict], *, title: str = "导入问题清单") -> bytes:
    """The problems as an .xlsx to fix the file by (values already masked; formula-safe)."""
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, PROBLEM_HEADERS, bold)
    for i, width in enumerate((12, 14, 8, 6, 16, 24, 60)):
        sheet.set_column(i, i, width, wrap)
    sheet.freeze_panes(1, 0)
    for n, p in enumerate(problems, start=1):
        sheet.write_string(n, 0, label(p["level"]))
        sheet.write_string(n, 1, p.get("sheet") or "")
        if p.get("row"):
            sheet.write_number(n, 2, p["row"])
        sheet.write_string(n, 3, p.get("col") or "")
        sheet.write_string(n, 4, p.get("header") or "")
        sheet.write_string(n, 5, p.get("value") or "")
        sheet.write_string(n, 6, p.get("message") or "")
    sheet.autofilter(0, 0, max(len(problems), 1), len(PROBLEM_HEADERS) - 1)
    book.close()
    return buffer.getvalue()
