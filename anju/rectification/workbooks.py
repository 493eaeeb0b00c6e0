"""The ledger's workbooks: the official 整改台账 (``official_ledger.build``, exactly the
annex), the extended internal ledger with every field, and the county roll-up.

User text is always written with ``write_string`` in a workbook opened with
``strings_to_formulas: False`` and ``strings_to_urls: False``: it never becomes a formula or
a link (SECURITY.md row 18). No personal data: households appear only as counts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from django.db.models import Count, Max, Q
from django.utils import timezone

from anju.core.workbooks import safe_workbook
from anju.documents import sheets
from anju.rectification import official_ledger, quality, snapshot
from anju.rectification.models import DUE_SOON_DAYS, LedgerEntry, Light, Nature, State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
A4, A3 = 9, 8  # Excel paper sizes

INTERNAL_COLUMNS = (
    ("乡镇", 10),
    ("序号", 6),
    ("问题类型", 12),
    ("问题性质", 10),
    ("问题方面", 14),
    ("问题表述", 40),
    ("整改措施", 40),
    ("完成时限", 12),
    ("责任单位", 16),
    ("责任领导", 12),
    ("产生原因及分析", 30),
    ("行政村", 12),
    ("涉及户数", 8),
    ("关联筛查问题数", 8),
    ("来源", 10),
    ("状态", 12),
    ("时限提示", 10),
    ("进展条数", 8),
    ("最新进展日期", 12),
    ("佐证数", 8),
    ("填报时间", 17),
    ("销号时间", 17),
)

COUNTY_COLUMNS = (
    ("乡镇", 12),
    ("台账条目", 9),
    ("待整改", 8),
    ("整改中", 8),
    ("已整改待核验", 10),
    ("已销号", 8),
    ("共性问题", 9),
    ("个性问题", 9),
    ("已逾期", 8),
    ("临近时限", 9),
    ("待纳入的草稿", 10),
    ("质量提示", 9),
)


def county_name_of(township) -> str:
    return township.parent.name if township.parent_id else ""


def official(township, campaign, *, as_of: dt.date) -> tuple[bytes, int]:
    """The township's current ledger as the annex, from the same code as a submission,
    each entry's progress as it stands now."""
    entries = (
        LedgerEntry.objects.in_ledger()
        .filter(campaign=campaign, township=township)
        .select_related("village")
        .order_by("number")
    )
    rows = snapshot.official_rows(snapshot.ledger_snapshot(entries), at=timezone.now())
    data = official_ledger.build(
        county_name=county_name_of(township),
        unit_name=township.government_name,
        as_of=as_of,
        rows=rows,
    )
    return data, len(rows)


def _book():
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    base = {"font_name": "宋体", "font_size": 10, "valign": "top", "border": 1}
    formats = {
        "title": book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
        "line": book.add_format({"font_name": "宋体", "font_size": 10}),
        "head": book.add_format(
            {**base, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
        ),
        "text": book.add_format({**base, "text_wrap": True}),
        "num": book.add_format({**base, "align": "right"}),
        "date": book.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "time": book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
        "total": book.add_format({**base, "bold": True}),
    }
    return buffer, book, formats


def _header(sheet, fmt, row: int, columns) -> None:
    for col, (name, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(row, col, name, fmt["head"])
    sheet.set_row(row, sheets.row_height([(n, w) for n, w in columns], font_size=10))


def _finish(sheet, header_row: int, last_row: int, columns, *, paper: int = A4) -> None:
    """Landscape, fitted to the page width, the header row on every page, page numbers."""
    sheets.print_setup(
        sheet, header_rows=(header_row, header_row), paper=paper, freeze=(header_row + 1, 0)
    )
    sheet.autofilter(header_row, 0, max(last_row, header_row), len(columns) - 1)


def _text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _cell(sheet, row, col, value, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt["text"])
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt["time"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt["num"])
    else:
        sheet.write_string(row, col, str(value), fmt["text"])


def internal_rows(entries, *, today: dt.date) -> list[list]:
    from django.utils import timezone

    from anju.rectification.selectors import ASPECTS

    aspects = dict(ASPECTS)
    lights = dict(Light.choices)
    qs = (
        entries.with_light(today)
        .select_related("township", "village")
        .annotate(
            n_households=Count("households", distinct=True),
            n_findings=Count("findings", distinct=True),
            n_notes=Count("notes", distinct=True),
            n_evidence=Count("evidence", distinct=True),
            last_note=Max("notes__on"),
        )
        .order_by("township__code", "number")
    )
    rows = []
    for e in qs:
        rows.append(
            [
                e.township.name,
                e.number,
                e.problem_type,
                e.nature,
                aspects.get(e.aspect, ""),
                e.description,
                e.measures,
                e.deadline,
                e.responsible_unit,
                e.responsible_leader,
                e.cause,
                e.village.name if e.village_id else "",
                e.n_households,
                e.n_findings,
                e.get_source_display(),
                e.get_state_display(),
                str(lights.get(e.light_code, "")),
                e.n_notes,
                e.last_note,
                e.n_evidence,
                timezone.localtime(e.created_at),
                timezone.localtime(e.closed_at) if e.closed_at else None,
            ]
        )
    return rows


def internal(entries, *, title: str, today: dt.date) -> tuple[bytes, int]:
    buffer, book, fmt = _book()
    sheet = book.add_worksheet("整改台账（内部）")
    sheet.write_string(0, 0, title, fmt["title"])
    sheet.write_string(
        1,
        0,
        f"导出日期：{today:%Y-%m-%d}　　内部工作用表，含全部字段；报送请用正式台账。",
        fmt["line"],
    )
    header = 2
    _header(sheet, fmt, header, INTERNAL_COLUMNS)
    rows = internal_rows(entries, today=today)
    for r, values in enumerate(rows, start=header + 1):
        texts = [(v, w) for v, (_, w) in zip(values, INTERNAL_COLUMNS, strict=True) if _text(v)]
        sheet.set_row(r, sheets.row_height(texts, font_size=10))
        for c, value in enumerate(values):
            _cell(sheet, r, c, value, fmt)
    # 22 columns: A3, where 10 pt text prints at about two thirds of its size
    _finish(sheet, header, header + len(rows), INTERNAL_COLUMNS, paper=A3)
    book.close()
    return buffer.getvalue(), len(rows)


def county_rows(campaign, townships, *, today: dt.date) -> list[list]:
    """Per township, set-based: one grouped query for the counts, one for quality."""
    townships = list(townships)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    live = ~Q(state__in=[State.CLOSED, State.DRAFT])
    counts = {
        r["township"]: r
        for r in LedgerEntry.objects.filter(campaign=campaign, township__in=townships)
        .values("township")
        .annotate(
            total=Count("pk", filter=~Q(state=State.DRAFT)),
            pending=Count("pk", filter=Q(state=State.PENDING)),
            in_progress=Count("pk", filter=Q(state=State.IN_PROGRESS)),
            awaiting=Count("pk", filter=Q(state=State.AWAITING)),
            closed=Count("pk", filter=Q(state=State.CLOSED)),
            common=Count("pk", filter=~Q(state=State.DRAFT) & Q(nature=Nature.COMMON)),
            individual=Count("pk", filter=~Q(state=State.DRAFT) & Q(nature=Nature.INDIVIDUAL)),
            overdue=Count("pk", filter=live & Q(deadline__lt=today)),
            due_soon=Count("pk", filter=live & Q(deadline__gte=today, deadline__lte=soon)),
            drafts=Count("pk", filter=Q(state=State.DRAFT)),
        )
    }
    issues = {r["township"].pk: r["total"] for r in quality.county_summary(campaign, townships)}
    keys = (
        "total",
        "pending",
        "in_progress",
        "awaiting",
        "closed",
        "common",
        "individual",
        "overdue",
        "due_soon",
        "drafts",
    )
    rows = []
    for t in townships:
        c: Mapping[str, object] = counts.get(t.pk, {})
        rows.append([t.name, *[c.get(k, 0) for k in keys], issues.get(t.pk, 0)])
    return rows


def county(campaign, townships, *, county_name: str, today: dt.date) -> tuple[bytes, int]:
    buffer, book, fmt = _book()
    sheet = book.add_worksheet("各乡镇汇总")
    sheet.write_string(0, 0, f"{county_name}农村危房改造“回头看”整改台账汇总", fmt["title"])
    sheet.write_string(1, 0, f"{campaign.name}　统计日期：{today:%Y-%m-%d}", fmt["line"])
    header = 2
    _header(sheet, fmt, header, COUNTY_COLUMNS)
    rows = county_rows(campaign, townships, today=today)
    for r, values in enumerate(rows, start=header + 1):
        for c, value in enumerate(values):
            _cell(sheet, r, c, value, fmt)
    total_row = header + len(rows) + 1
    sheet.write_string(total_row, 0, "合计", fmt["total"])
    for c in range(1, len(COUNTY_COLUMNS)):
        # numbers, not formulas: the file must not compute anything on opening
        sheet.write_number(total_row, c, sum(row[c] for row in rows), fmt["total"])
    _finish(sheet, header, total_row - 1, COUNTY_COLUMNS)
    book.close()
    return buffer.getvalue(), len(rows)
