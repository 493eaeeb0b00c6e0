"""Tables inside official documents: column widths from their content, the header row
repeated on every page, rows that do not split across pages.

Word and WPS give every column the same width when a library writes a table without one;
a 问题表述 column then wraps after seven characters. ``column_widths`` shares the 版心's
width out like water: columns whose widest cell needs less than an equal share get what
they need (序号, dates, numbers), the rest share what is left in proportion to how much
text they carry, never below four characters. A column's need is its longest cell, or
with five rows or more the length four in five of its cells stay within (an outlier wraps
rather than widening the column for everyone).
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from anju.documents.ooxml import TBLPR, no_grid, put, row_flags

MIN_CHARS = 4.0  # a text column never narrower than four characters
CELL_PADDING = Pt(10.8)  # Word's default left + right cell margins (0.19 cm each)


def display_chars(text: str) -> float:
    """Width in CJK characters: a CJK or full-width character is 1, any other 0.5, and a
    quarter more where CJK meets Latin or digits (Word, WPS and LibreOffice put a little
    space there: ``autoSpaceDE``/``autoSpaceDN``)."""
    width, previous = 0.0, None
    for ch in text:
        wide = _is_wide(ch)
        width += 1.0 if wide else 0.5
        if previous is not None and wide != previous and not ch.isspace():
            width += 0.25
        previous = wide
    return width


def _is_wide(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x2E80 or 0x2014 <= code <= 0x201D or code == 0x2026


def _typical(lengths: list[float]) -> float:
    """The width a column should give its cells: the longest, unless a few outliers are
    much longer than most (状态 "待整改" with one "待整改（已逾期12天）"): those wrap."""
    ordered = sorted(lengths)
    if len(ordered) < 5:
        return ordered[-1]
    return ordered[int(0.8 * (len(ordered) - 1))]


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, total: int, font_size: Pt
) -> list[int]:
    """Widths (EMU) of each column for a table ``total`` EMU wide."""
    n = len(headers)
    char = int(font_size)
    texts = [
        [str(h)] + ["" if r[i] is None else str(r[i]) for r in rows] for i, h in enumerate(headers)
    ]
    need = []  # chars of the widest paragraph of each column (its header may wrap at 4)
    weight = []  # how much text the column carries, for sharing what is left
    for i, column in enumerate(texts):
        header = display_chars(column[0])
        body = [display_chars(p) for t in column[1:] for p in t.split("\n")] or [0.0]
        # an outlier wraps, but in a column of at least five characters
        need.append(max(_typical(body), min(max(body), 5.0), min(header, MIN_CHARS), 1.0))
        weight.append(sum(body) / max(len(column) - 1, 1) + 0.01)
        if i == 0 and not rows:
            need[i] = max(need[i], header)
    want = [int(need[i] * char) + int(CELL_PADDING) for i in range(n)]
    if sum(want) <= total:
        spare = total - sum(want)
        wanted = sum(want)
        widths = [w + spare * w // wanted for w in want]
    else:
        widths = [0] * n
        left = list(range(n))
        room = total
        while left:  # columns needing less than an equal share get what they need
            share = room / len(left)
            small = [i for i in left if want[i] <= share]
            if not small:
                break
            for i in small:
                widths[i] = want[i]
                room -= want[i]
                left.remove(i)
        if left:
            floor = int(MIN_CHARS * char) + int(CELL_PADDING)
            weights = sum(weight[i] for i in left)
            for i in left:
                widths[i] = max(int(room * weight[i] / weights), floor)
            over = sum(widths) - total
            if over > 0:  # the floors pushed past the width: take it from the widest
                widest = max(left, key=lambda i: widths[i])
                widths[widest] -= over
    widths[-1] += total - sum(widths)  # rounding: the table is exactly ``total`` wide
    return widths


def official_table(
    doc,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    total: int,
    set_font,
    header_font: str,
    body_font: str,
    size: Pt,
):
    """A bordered table: widths by content, header row repeated, rows kept whole, numbers
    centred. ``set_font(run, name, size)`` is the document's font setter."""
    widths = column_widths(headers, rows, total=total, font_size=size)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    put(tbl_pr, "w:tblW", TBLPR, w_w=str(total * 20 // 12700), w_type="dxa")
    put(tbl_pr, "w:tblLayout", TBLPR, w_type="fixed")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.w = Emu(width)
    centred = [all(_short(r[i]) for r in rows) if rows else True for i in range(len(headers))]
    header = table.rows[0]
    row_flags(header, header=True)
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        _cell_paragraph(paragraph, WD_ALIGN_PARAGRAPH.CENTER, size)
        set_font(paragraph.add_run(str(text)), header_font, size)
    for values in rows:
        row = table.add_row()
        row_flags(row)
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[i]
            lines = ("" if value is None else str(value)).split("\n")
            paragraph = cell.paragraphs[0]
            for n, line in enumerate(lines):
                if n:
                    paragraph = cell.add_paragraph()
                align = WD_ALIGN_PARAGRAPH.CENTER if centred[i] else WD_ALIGN_PARAGRAPH.LEFT
                _cell_paragraph(paragraph, align, size)
                set_font(paragraph.add_run(line), body_font, size)
    return table


def _short(value) -> bool:
    """Numbers, dates and short labels are centred; running text is flush left."""
    text = "" if value is None else str(value)
    return display_chars(text) <= 6 and "\n" not in text


def _cell_paragraph(paragraph, align, size: Pt) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size.pt * 1.5)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)
    no_grid(paragraph)
