"""Word documents in the layout of official documents (党政机关公文格式, GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm); body in
仿宋_GB2312 三号 (16 pt) with an exact line pitch of 28.95 pt, so a page holds 22 lines of 28
characters; title in 方正小标宋简体 二号 (22 pt) centred; first-level headings 黑体, second-level
楷体_GB2312; page numbers "— 1 —" in 宋体 四号 at the foot, right on odd and left on even
pages. Fonts are named for both Latin and East Asian text so Word and WPS on the bureau's
PCs use them. Used by the rectification report, notices and the county summary.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(12)  # 小四, usual for tables inside a document
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
__all__ = ["OfficialDocument", "chinese_date"]


def chinese_date(day: dt.date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 §7.3.5.3 prescribes."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_font(run, name: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _exact_pitch(paragraph, pitch: Pt = LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _page_number_field(paragraph) -> None:
    def add_run(text: str | None = None, field: str | None = None):
        run = paragraph.add_run(text or "")
        _set_font(run, PAGE_NUMBER_FONT, Pt(14))
        if field is not None:
            begin = OxmlElement("w:fldChar")
            begin.set(qn("w:fldCharType"), "begin")
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = field
            end = OxmlElement("w:fldChar")
            end.set(qn("w:fldCharType"), "end")
            run._element.append(begin)
            run._element.append(instr)
            run._element.append(end)

    add_run("— ")
    add_run(field="PAGE")
    add_run(" —")


class OfficialDocument:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7) - Pt(14)  # 页码 about 7 mm below the 版心
        section.start_type = WD_SECTION.NEW_PAGE
        self.doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _page_number_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _page_number_field(even)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr()
        fonts = normal.element.rPr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            normal.element.rPr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        # the first paragraph of a new document is empty: reuse it for the title
        self._first = self.doc.paragraphs[0] if self.doc.paragraphs else None

    def _paragraph(self):
        if self._first is not None:
            paragraph, self._first = self._first, None
            return paragraph
        return self.doc.add_paragraph()

    def title(self, text: str) -> None:
        paragraph = self._paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_pitch(paragraph, Pt(35))
        _set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
        self.blank()

    def blank(self) -> None:
        paragraph = self._paragraph()
        _exact_pitch(paragraph)

    def recipient(self, text: str) -> None:
        """主送机关: flush left, body font, ending with a full-width colon."""
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def paragraph(self, text: str, *, indent: bool = True) -> None:
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def heading1(self, text: str) -> None:
        """一、…: 黑体."""
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(text), HEADING1_FONT, BODY_SIZE)

    def heading2(self, text: str) -> None:
        """（一）…: 楷体_GB2312."""
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(text), HEADING2_FONT, BODY_SIZE)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(cell.paragraphs[0].add_run(str(text)), HEADING1_FONT, TABLE_SIZE)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                _set_font(
                    cell.paragraphs[0].add_run("" if value is None else str(value)),
                    BODY_FONT,
                    TABLE_SIZE,
                )
        self._first = None

    def signature(self, unit: str, day: dt.date | None) -> None:
        """发文机关署名 and 成文日期, right-aligned, about four characters from the right edge."""
        self.blank()
        for text in (unit, chinese_date(day) if day else "    年  月  日"):
            paragraph = self._paragraph()
            _exact_pitch(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = BODY_SIZE * 4
            _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
