"""Workbooks that print: row heights that fit the wrapped text, and one print setup.

Excel, WPS and LibreOffice do not grow a row for wrapped text a library wrote, so the
writer sizes each row itself. The estimate is Excel's, the narrowest of the three: a
column ``w`` wide is ``7·w + 5`` pixels (the default font's digit, Calibri 11 in a file
XlsxWriter writes), a CJK character is as wide as the font size and any other character
half that; lines break greedily like Excel's (a Latin word or number moves whole, closing
punctuation never starts a line); every paragraph (each ``\\n``) starts a line of its own.
LibreOffice fits more characters in the same column, so its rows are, if anything, roomy.
"""

from __future__ import annotations

import math
import re

LINE_POINTS = 15.0  # one line of 宋体 11 pt: Excel 14.25, LibreOffice about 13.75
PADDING_POINTS = 4.0
MAX_ROW_POINTS = 409.0  # Excel's limit
CELL_PADDING_PX = 8
_NO_LINE_START = set("，。、；：？！）》」』】〕…%,.;:?!)]}")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/:%@_]*|.", re.DOTALL)


def units(text: str) -> int:
    """Width in half-width units: a CJK or full-width character is 2, any other 1."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def _wide(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x2E80 or 0x2014 <= code <= 0x201D or code == 0x2026


def capacity(width: float, font_size: float = 11.0) -> int:
    """Half-width units one line of a column ``width`` (Excel units) holds."""
    pixels = int(width * 7 + 0.5) + 5 - CELL_PADDING_PX
    per_unit = font_size / 2 * 96 / 72
    return max(int(pixels // per_unit), 2)


def line_count(text: str, width: float, font_size: float = 11.0) -> int:
    """Lines ``text`` wraps to in a column ``width`` wide (at least 1)."""
    room = capacity(width, font_size)
    total = 0
    for paragraph in (text or "").split("\n"):
        lines, used = 1, 0
        for token in _TOKEN.findall(paragraph):
            size = units(token)
            if used and used + size > room:
                if token in _NO_LINE_START:  # stays on the line, pushing the char before
                    lines += 1
                    used = size + 2
                    continue
                lines += 1
                used = 0
            while size > room:  # a token longer than a line breaks where it must
                size -= room
                lines += 1
            used += size
        total += lines
    return max(total, 1)


def quick_lines(text: str, width: float, font_size: float = 11.0) -> int:
    """A cheaper ``line_count`` for long exports: characters only, no word breaking."""
    room = capacity(width, font_size)
    return max(sum(-(-units(p) // room) or 1 for p in (text or "").split("\n")), 1)


def row_height(cells, font_size: float = 11.0) -> float:
    """Points for a row whose cells are ``(text, width)`` pairs: the tallest cell."""
    lines = max((line_count(text, width, font_size) for text, width in cells), default=1)
    scale = font_size / 11.0
    return min(math.ceil(lines * LINE_POINTS * scale + PADDING_POINTS), MAX_ROW_POINTS)


def print_setup(
    sheet,
    *,
    header_rows: tuple[int, int] | None,
    landscape: bool = True,
    paper: int = 9,
    fit_width: bool = True,
    footer: str = "&C第 &P 页，共 &N 页",
    freeze: tuple[int, int] | None = None,
) -> None:
    """A4 (paper 9; A3 is 8), margins of 1.3 cm, centred, the header rows repeated on
    every printed page, fitted to the page width, page numbers at the foot."""
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(paper)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
    if fit_width:
        sheet.fit_to_pages(1, 0)
    sheet.set_footer(footer)
    if freeze is not None:
        sheet.freeze_panes(*freeze)
