"""The audit log as a file for the audit administrator (SECURITY.md row 8): .xlsx or CSV.

- The same filters as the log page (``LogFilter``): event, username, local dates from/to.
- One row per audit record, oldest first, with its hash and the previous record's hash so
  the chain can be checked outside the system. Times are local (Asia/Shanghai).
- Formula-safe (SECURITY.md row 18): every text cell goes through ``formula_safe`` and
  XlsxWriter never turns text into formulas or links.
- Streaming: rows come from ``.iterator()``; the workbook is written in XlsxWriter's
  constant-memory mode to a temporary file, which is removed once read back.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from anju.accounts.roles import Role
from anju.audit.events import Event, Outcome
from anju.core.workbooks import csv_writer, safe_workbook
from anju.documents import sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
MAX_ROWS = 100_000
SHEET_NAME = "审计日志"
XLSX_CELL_LIMIT = 32_767
TRUNCATED = "…（已截断，完整内容见 CSV 导出）"

# (header, width)
COLUMNS = [
    ("编号", 9),
    ("时间", 20),
    ("用户名", 16),
    ("姓名", 10),
    ("角色", 14),
    ("单位代码", 14),
    ("单位", 12),
    ("IP", 16),
    ("事件", 14),
    ("对象类型", 20),
    ("对象编号", 10),
    ("对象", 24),
    ("结果", 6),
    ("详情", 60),
    ("前序哈希", 20),
    ("哈希", 20),
]
HEADERS = [header for header, _ in COLUMNS]
DETAIL = HEADERS.index("详情")
_FIELDS = (
    "id",
    "ts",
    "username",
    "user__full_name",
    "role",
    "unit_code",
    "ip",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)


class LogFilter(forms.Form):
    """The filters of the log page and of its export; dates are local calendar days."""

    event = forms.ChoiceField(label="事件", required=False)
    username = forms.CharField(label="用户名", required=False, max_length=150)
    start = forms.DateField(label="开始日期", required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label="结束日期", required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "全部"), *Event.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data

    def values(self) -> dict:
        """The valid filters as text (an invalid one counts as not set)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            "event": data.get("event") or "",
            "username": data.get("username") or "",
            "start": data["start"].isoformat() if data.get("start") else "",
            "end": data["end"].isoformat() if data.get("end") else "",
        }


def filtered(queryset, values: dict):
    """``queryset`` narrowed by the filters of ``LogFilter.values()``."""
    if values.get("event"):
        queryset = queryset.filter(event=values["event"])
    if values.get("username"):
        queryset = queryset.filter(username=values["username"])
    zone = timezone.get_default_timezone()
    if values.get("start"):
        day = dt.date.fromisoformat(values["start"])
        queryset = queryset.filter(ts__gte=dt.datetime.combine(day, dt.time.min, tzinfo=zone))
    if values.get("end"):
        day = dt.date.fromisoformat(values["end"]) + dt.timedelta(days=1)
        queryset = queryset.filter(ts__lt=dt.datetime.combine(day, dt.time.min, tzinfo=zone))
    return queryset


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def rows(queryset):
    """One list of cell values per audit record, oldest first: text, the local time as a
    naive datetime, the record number as an int."""
    from anju.units.models import Unit

    units = dict(Unit.objects.values_list("code", "name"))
    zone = timezone.get_default_timezone()
    ordered = queryset.order_by("id").values_list(*_FIELDS)
    for (
        pk,
        ts,
        username,
        full_name,
        role,
        unit_code,
        ip,
        event,
        obj_type,
        obj_id,
        obj_repr,
        outcome,
        detail,
        prev_hash,
        hash_,
    ) in ordered.iterator(chunk_size=2000):
        yield [
            pk,
            ts.astimezone(zone).replace(tzinfo=None, microsecond=0),
            username,
            full_name or "",
            _label(Role, role),
            unit_code,
            units.get(unit_code, ""),
            ip or "",
            _label(Event, event),
            obj_type,
            obj_id,
            obj_repr,
            _label(Outcome, outcome),
            json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "",
            prev_hash,
            hash_,
        ]


def _temp_path(suffix: str) -> Path:
    folder = Path(settings.DATA_DIR) / "tmp" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{suffix}"


def write_xlsx(data) -> tuple[bytes, int]:
    path = _temp_path(".xlsx")
    try:
        book = safe_workbook(path)
        sheet = book.add_worksheet(SHEET_NAME)
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"})
        top = book.add_format({"valign": "top"})
        wrap = book.add_format({"valign": "top", "text_wrap": True})
        for i, (header, width) in enumerate(COLUMNS):
            sheet.set_column(i, i, width)
            sheet.write_string(0, i, header, head)
        count = 0
        for count, values in enumerate(data, start=1):
            detail = values[DETAIL]
            if detail:  # the 详情 column wraps, up to eight lines on paper
                lines = min(sheets.quick_lines(detail, COLUMNS[DETAIL][1]), 8)
                sheet.set_row(count, sheets.LINE_POINTS * lines + sheets.PADDING_POINTS)
            for i, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(count, i, value, top)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(count, i, value, when)
                elif value:
                    if len(value) > XLSX_CELL_LIMIT:
                        value = value[: XLSX_CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
                    sheet.write_string(count, i, value, wrap if i == DETAIL else top)
        sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
        # On paper: A3 landscape without the two hash columns, the header on every page.
        sheets.print_setup(sheet, header_rows=(0, 0), paper=8, freeze=(1, 2))
        sheet.print_area(0, 0, max(count, 1), DETAIL)
        book.close()
        return path.read_bytes(), count
    finally:
        path.unlink(missing_ok=True)


def write_csv(data) -> tuple[bytes, int]:
    """UTF-8 with a BOM, so Excel and WPS read the Chinese text."""
    path = _temp_path(".csv")
    try:
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(HEADERS)
            for values in data:
                writer.writerow([_csv_text(v) for v in values])
                count += 1
        return path.read_bytes(), count
    finally:
        path.unlink(missing_ok=True)


def _csv_text(value):
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, int):
        return value
    return value or ""


def export(queryset, fmt: str) -> tuple[bytes, int]:
    """The file's bytes and its row count."""
    data = rows(queryset)
    return write_csv(data) if fmt == "csv" else write_xlsx(data)
