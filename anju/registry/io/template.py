"""The downloadable import template: the header row (required columns marked * and shaded),
one example row, drop-down lists where the values are fixed, and a second sheet 填写说明
with each column's meaning, values, aliases and whether it is required."""

from __future__ import annotations

import io

from anju.core.workbooks import SafeWorkbook, safe_workbook
from anju.registry.io import parsers
from anju.registry.io.columns import COLUMNS, EXAMPLE_ID, MODELS, Column
from anju.registry.io.exporter import start_sheet, write_cells
from anju.registry.models import model_field

GUIDE = "填写说明"
GUIDE_HEADERS = ("列名", "是否必填", "含义", "填写要求（可填的值）", "也可用的表头", "示例")
ROWS_WITH_LISTS = 10000


def _example(column: Column) -> object:
    value = column.example
    if column.kind == "date" and isinstance(value, str) and value:
        return parsers.date(value)
    return value if value != "" else None


def _choices(column: Column) -> list[str] | None:
    if column.kind == "bool":
        return ["是", "否"]
    if column.parse is parsers.grade:
        return ["A", "B", "C", "D"]
    if column.kind != "plain":
        return None
    field = model_field(MODELS[column.model], column.name)
    if not field.choices:
        return None
    values = [str(v) for v, _ in field.choices if v]
    return values + (["无"] if "" in dict(field.choices) else [])


def build() -> bytes:
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    sheet, formats = start_sheet(book, "农户住房信息")
    write_cells(sheet, formats, 1, [_example(c) for c in COLUMNS])
    for i, column in enumerate(COLUMNS):
        choices = _choices(column)
        if choices:
            sheet.data_validation(
                1,
                i,
                ROWS_WITH_LISTS,
                i,
                {"validate": "list", "source": choices, "show_error": False},
            )
        if column.kind == "id_number":
            sheet.write_comment(
                0,
                i,
                f"示例行的身份证号 {EXAMPLE_ID} 是虚构的，导入时会自动跳过该行。",
                {"x_scale": 2},
            )
    _guide(book)
    book.close()
    return buffer.getvalue()


def _guide(book: SafeWorkbook) -> None:
    sheet = book.add_worksheet(GUIDE)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    required = book.add_format(
        {"text_wrap": True, "valign": "top", "border": 1, "bold": True, "font_color": "#9C0006"}
    )
    sheet.write_row(0, 0, GUIDE_HEADERS, head)
    for i, width in enumerate((16, 9, 30, 48, 28, 22)):
        sheet.set_column(i, i, width)
    for n, column in enumerate(COLUMNS, start=1):
        example = column.example
        if column.kind == "id_number":
            example = f"{example}（虚构，导入时跳过）"
        sheet.write_string(n, 0, column.header, required if column.required else wrap)
        sheet.write_string(
            n, 1, "必填" if column.required else "选填", required if column.required else wrap
        )
        sheet.write_string(n, 2, column.meaning, wrap)
        sheet.write_string(n, 3, column.values, wrap)
        sheet.write_string(n, 4, "、".join(column.aliases), wrap)
        sheet.write_string(n, 5, str(example) if example not in ("", None) else "", wrap)
    notes = (
        "1. 每户一行，表头在第一行；列的顺序不限，系统按表头文字识别，模板以外的列会被忽略。",
        "2. 标 * 的列必须有；空白单元格表示“不清楚”，不会清除系统中已有的值。",
        "3. 按身份证号匹配已有农户：同一文件再次导入不会产生重复，也不会改动没有变化的农户。",
        "4. 日期可写 2022-05-20、2022/5/20、2022.5.20、2022年5月20日、20220520 或日期格式单元格。",
        "5. 是否类可填 是/否、有/无、√/×、Y/N、1/0；金额可带“元”“万元”，面积可带“㎡”“平方米”。",
        "6. 身份证号校验码或出生日期不对时仍会导入并提示，请入户核实后更正。",
        "7. 导入前可先“仅检查”，系统会逐行逐列列出问题，改好后再导入。",
    )
    start = len(COLUMNS) + 2
    for i, note in enumerate(notes):
        sheet.merge_range(start + i, 0, start + i, 5, note, book.add_format({"text_wrap": True}))
    sheet.freeze_panes(1, 1)
