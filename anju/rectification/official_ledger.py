"""The official 整改台账 workbook, exactly as the annex of 禹建〔2022〕39号.

Title "<县名>脱贫攻坚农村危房改造情况排查整改台账", the line "单位（盖章）：<乡镇>人民政府",
the date line, the seven columns in order (序号 问题类型 问题性质 问题表述 整改措施 完成时限
责任单位), then the 备注 under the table. A4 landscape, thin borders, wrapped text, fitted to
the page width, the header row repeated on every printed page. Every row is as tall as
its most wrapped cell (``anju.documents.sheets``: each line of "一是…\n二是…" counted, a CJK
character two units wide), since Excel, WPS and LibreOffice do not grow rows themselves.
The annex's 备注 asks that measures "体现整改进度和落实效果": each entry's state and its date
follow the measures within the 整改措施 column ("整改进度：已销号（12月3日）"). Text is always
written as text (never a formula or link), and text starting with = + - @ gets the
apostrophe guard (``anju.core.workbooks``), so user input cannot execute in Excel/WPS
(SECURITY.md row 18).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from anju.core.workbooks import safe_workbook
from anju.documents import sheets

COLUMNS = ("序号", "问题类型", "问题性质", "问题表述", "整改措施", "完成时限", "责任单位")
WIDTHS = (6, 14, 10, 44, 44, 15, 16)  # 农村危房改造 on one line in Excel too
NOTE = (
    "备注：“问题类型”指农村危房改造；“问题性质”指共性问题、个性问题；整改措施要有针对性、"
    "操作性，体现整改进度和落实效果；完成时限精准到“日”；责任单位指各乡镇人民政府。"
)
HEADER_ROW = 3  # zero-based: title, unit line, date line, then the header


@dataclass(frozen=True)
class LedgerRow:
    problem_type: str
    nature: str
    description: str
    measures: str
    deadline: dt.date | None
    responsible_unit: str
    progress: str = ""  # e.g. 整改进度：已销号（12月3日）

    @property
    def measures_cell(self) -> str:
        """What the 整改措施 column shows: the measures, then the progress line."""
        return "\n".join(t for t in (self.measures.rstrip(), self.progress) if t)

    def cells(self) -> list[str]:
        """The texts of the seven columns as printed (序号 and 完成时限 as shown)."""
        return [
            "",
            self.problem_type,
            self.nature,
            self.description,
            self.measures_cell,
            chinese_date(self.deadline) if self.deadline else "",
            self.responsible_unit,
        ]


def row_height(row: LedgerRow) -> float:
    """The row's height in points: enough for the most wrapped of its cells."""
    return sheets.row_height(list(zip(row.cells(), WIDTHS, strict=True)))


def title_for(county_name: str) -> str:
    return f"{county_name}脱贫攻坚农村危房改造情况排查整改台账"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build(
    *, county_name: str, unit_name: str, as_of: dt.date | None, rows: Iterable[LedgerRow]
) -> bytes:
    """The workbook's bytes. ``unit_name`` as on the seal line, e.g. 火龙镇人民政府;
    ``as_of`` None leaves the date line blank to be filled in by hand, as on paper."""
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    book.set_properties(
        {"title": title_for(county_name), "author": unit_name, "comments": "安居系统生成"}
    )
    sheet = book.add_worksheet("整改台账")

    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    title = book.add_format(
        {**base, "font_name": "方正小标宋简体", "font_size": 18, "align": "center"}
    )
    line = book.add_format({**base, "font_size": 12})
    header = book.add_format(
        {
            **base,
            "font_name": "黑体",
            "bold": True,
            "align": "center",
            "border": 1,
            "text_wrap": True,
        }
    )
    cell = book.add_format({**base, "border": 1, "text_wrap": True, "valign": "top"})
    center = book.add_format({**base, "border": 1, "text_wrap": True, "align": "center"})
    date = book.add_format(
        {**base, "border": 1, "align": "center", "num_format": 'yyyy"年"m"月"d"日"'}
    )
    note = book.add_format({**base, "font_size": 10, "text_wrap": True, "valign": "top"})

    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    last = len(COLUMNS) - 1
    sheet.set_row(0, 36)
    sheet.merge_range(0, 0, 0, last, title_for(county_name), title)
    sheet.merge_range(1, 0, 1, last, f"单位（盖章）：{unit_name}", line)
    date_text = chinese_date(as_of) if as_of else "        年    月    日"
    sheet.merge_range(2, 0, 2, last, date_text, line)
    sheet.set_row(HEADER_ROW, 24)
    for col, name in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, name, header)

    row = HEADER_ROW
    for number, item in enumerate(rows, start=1):
        row += 1
        sheet.set_row(row, row_height(item))
        sheet.write_number(row, 0, number, center)
        sheet.write_string(row, 1, item.problem_type, center)
        sheet.write_string(row, 2, item.nature, center)
        sheet.write_string(row, 3, item.description, cell)
        sheet.write_string(row, 4, item.measures_cell, cell)
        if item.deadline:
            sheet.write_datetime(row, 5, dt.datetime.combine(item.deadline, dt.time()), date)
        else:
            sheet.write_blank(row, 5, None, date)
        sheet.write_string(row, 6, item.responsible_unit, center)
    note_row = row + 2
    sheet.set_row(note_row, sheets.row_height([(NOTE, sum(WIDTHS))], font_size=10))
    sheet.merge_range(note_row, 0, note_row, last, NOTE, note)

    sheets.print_setup(sheet, header_rows=(HEADER_ROW, HEADER_ROW), freeze=(HEADER_ROW + 1, 0))
    book.close()
    return buffer.getvalue()
