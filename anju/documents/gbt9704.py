"""Word documents in the layout of official documents (党政机关公文格式, GB/T 9704-2012).

Page: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
Body in 仿宋_GB2312 三号 (16 pt) on a line grid of exactly 28.95 pt (22 lines), each character
condensed by 0.25 pt so that 28 fill a line (a 16 pt character is wider than 156/28 mm:
without it only 27 fit); title in 方正小标宋简体
二号 (22 pt) centred; first-level headings 黑体, second-level 楷体_GB2312, both kept with the
next paragraph. Page numbers "— 1 —" in 宋体 四号, their top 7 mm below the 版心, one
character in from the right on odd and from the left on even pages.

Parts of a 公文 (§7): ``masthead`` (版头: the red 发文机关标志 35 mm below the top of the
版心, the 发文字号 two lines under it — centred, or for 上行文 flush left one character in
with the 签发人 one character from the right — and the red separator line 4 mm under
that), ``title``, ``recipient``, body, ``attachments`` (附件说明), ``signature`` (署名 centred
over the 成文日期, which stands four characters from the right) and ``imprint`` (版记:
抄送, 印发机关和印发日期 between a thick, a thin and a thick line, its last line on the
bottom edge of the last page's 版心). Tables (``anju.documents.tables``) take widths from
their content and repeat their header row. Fonts are named for both Latin and East Asian
text so Word and WPS on the bureau's PCs use them; paragraphs other than the body leave the
grid so their own size and pitch hold. Used by the 整改报告, notices and the county summary.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from anju.documents import tables
from anju.documents.ooxml import RPR, SECTPR, no_grid, paragraph_border, put
from anju.documents.tables import display_chars

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
SMALL_SIZE = Pt(14)  # 四号: page numbers, 版记
TABLE_SIZE = Pt(12)  # 小四, usual for tables inside a document
TEXT_WIDTH = Mm(156)
TEXT_HEIGHT = Mm(225)
BOTTOM_MARGIN = Mm(35)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines, rounded down to whole twentieths of a point
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
PAGE_NUMBER_GAP = Mm(7)  # 一字线上距版心下边缘 7 mm
MASTHEAD_DROP = Mm(35)  # 发文机关标志上边缘至版心上边缘 35 mm
RULE_GAP = Mm(4)  # 发文字号之下 4 mm 处的红色分隔线
IMPRINT_ROW = Pt(28)  # one line of the 版记
RULE_PITCH = Pt(1)  # a paragraph that only draws a 版记 line
__all__ = ["OfficialDocument", "chinese_date", "chinese_number"]

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (Arabic numerals from 100 on)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 §7.3.5.3 prescribes."""
    return f"{day.year}年{day.month}月{day.day}日"


def char_spacing() -> int:
    """How much each body character is condensed (twentieths of a point, negative) so
    that 28 of them fill the 版心: 156 mm / 28 = 15.79 pt < 16 pt."""
    pitch = TEXT_WIDTH.pt / CHARS_PER_LINE
    return math.floor((pitch - BODY_SIZE.pt) * 20)


def _chars(n: float) -> Emu:
    """``n`` body characters as a length (indents: "空二字")."""
    return Emu(round(BODY_SIZE * n))


def _set_font(run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size == BODY_SIZE:  # 28 characters a line (see ``char_spacing``)
        put(rpr, "w:spacing", RPR, w_val=str(char_spacing()))
    return run


def _exact_pitch(paragraph: Paragraph, pitch: int = LINE_PITCH) -> None:
    """Exactly ``pitch`` (a length, EMU) from one line to the next."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Emu(int(pitch))  # a plain number would mean "times single"
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _page_number_field(paragraph) -> None:
    def add_run(text: str | None = None, field: str | None = None):
        run = paragraph.add_run(text or "")
        _set_font(run, PAGE_NUMBER_FONT, SMALL_SIZE)
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


def _footer(paragraph, *, odd: bool) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    _exact_pitch(paragraph, SMALL_SIZE)
    fmt = paragraph.paragraph_format
    if odd:
        fmt.right_indent = SMALL_SIZE  # 单页码居右空一字
    else:
        fmt.left_indent = SMALL_SIZE  # 双页码居左空一字
    no_grid(paragraph)
    _page_number_field(paragraph)


def _grid(section) -> None:
    """The line grid: 22 lines of 28.95 pt. Not a ``linesAndChars`` grid: its character
    pitch would have to be 15.79 pt, below the 16 pt of the body, and LibreOffice then
    gives every character two cells (14 a line); the condensed spacing of the body runs
    (``char_spacing``) makes 28 a line in Word, WPS and LibreOffice alike."""
    put(
        section._sectPr,
        "w:docGrid",
        SECTPR,
        w_type="lines",
        w_linePitch=str(round(LINE_PITCH.pt * 20)),
    )


class OfficialDocument:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), BOTTOM_MARGIN
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        # The footer's bottom sits this far from the page edge; its one exact line of
        # 四号 then starts PAGE_NUMBER_GAP below the 版心.
        section.footer_distance = BOTTOM_MARGIN - PAGE_NUMBER_GAP - SMALL_SIZE
        section.header_distance = Mm(15)
        section.start_type = WD_SECTION.NEW_PAGE
        _grid(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _footer(section.footer.paragraphs[0], odd=True)
        _footer(section.even_page_footer.paragraphs[0], odd=False)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = BODY_SIZE
        normal.paragraph_format.widow_control = True
        normal.element.get_or_add_rPr()
        fonts = normal.element.rPr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            normal.element.rPr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        # the first paragraph of a new document is empty: reuse it
        self._first = self.doc.paragraphs[0] if self.doc.paragraphs else None
        self._after_masthead = False

    def _paragraph(self):
        if self._first is not None:
            paragraph, self._first = self._first, None
            return paragraph
        return self.doc.add_paragraph()

    # --- 版头 ----------------------------------------------------------------------------
    def masthead(
        self, organ: str, *, number: str = "", signers: Sequence[str] | None = None
    ) -> None:
        """The 版头 on page 1: ``organ`` is the 发文机关标志 (e.g. "…局文件"); ``signers``
        given (even empty) makes it a 上行文 with the 签发人 line (blank to sign by hand)."""
        size = masthead_size(organ)
        spacer = self._paragraph()  # the 标志's top edge 35 mm below the top of the 版心
        _exact_pitch(spacer, MASTHEAD_DROP - Pt(size.pt * 0.12))
        no_grid(spacer)
        mark = self._paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_pitch(mark, Pt(size.pt * 1.2))
        no_grid(mark)
        _set_font(mark.add_run(organ), TITLE_FONT, size, color=RED)
        self.blank()
        self.blank()
        line = self._paragraph()
        _exact_pitch(line)
        if signers is None:
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(line.add_run(number), BODY_FONT, BODY_SIZE)
        else:
            fmt = line.paragraph_format
            fmt.left_indent = _chars(1)  # 发文字号居左空一字
            fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - _chars(1)), WD_TAB_ALIGNMENT.RIGHT)
            _set_font(line.add_run(f"{number}\t签发人："), BODY_FONT, BODY_SIZE)
            names = "　".join(s for s in signers if s) or "　　　"
            _set_font(line.add_run(names), HEADING2_FONT, BODY_SIZE)
        rule = self._paragraph()  # its bottom border is the red line, 4 mm under the 文号
        _exact_pitch(rule, RULE_GAP)
        no_grid(rule)
        paragraph_border(rule, "bottom", eighths=8, color=RED_HEX)
        self._after_masthead = True

    # --- 主体 ----------------------------------------------------------------------------
    def title(self, text: str) -> None:
        if self._after_masthead:  # 红色分隔线下空二行
            self.blank()
            self.blank()
            self._after_masthead = False
        paragraph = self._paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_pitch(paragraph, Pt(35))
        no_grid(paragraph)
        paragraph.paragraph_format.keep_with_next = True
        _set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
        self.blank()

    def blank(self, *, keep_with_next: bool = False) -> None:
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.paragraph_format.keep_with_next = keep_with_next

    def recipient(self, text: str) -> None:
        """主送机关: flush left, body font, ending with a full-width colon."""
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def paragraph(self, text: str, *, indent: bool = True, keep_with_next: bool = False) -> None:
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = _chars(2)
        paragraph.paragraph_format.keep_with_next = keep_with_next
        _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def heading1(self, text: str) -> None:
        """一、…: 黑体, kept with the paragraph after it."""
        self._heading(text, HEADING1_FONT)

    def heading2(self, text: str) -> None:
        """（一）…: 楷体_GB2312, kept with the paragraph after it."""
        self._heading(text, HEADING2_FONT)

    def _heading(self, text: str, font: str) -> None:
        paragraph = self._paragraph()
        _exact_pitch(paragraph)
        paragraph.paragraph_format.first_line_indent = _chars(2)
        paragraph.paragraph_format.keep_with_next = True
        _set_font(paragraph.add_run(text), font, BODY_SIZE)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        tables.official_table(
            self.doc,
            headers,
            rows,
            total=TEXT_WIDTH,
            set_font=_set_font,
            header_font=HEADING1_FONT,
            body_font=BODY_FONT,
            size=TABLE_SIZE,
        )
        self._first = None

    def attachments(self, names: Sequence[str]) -> None:
        """附件说明: under the body, a line down, two characters in; a long name wraps
        under its own first character."""
        names = [n for n in names if n]
        if not names:
            return
        self._keep_previous()  # the 附件 line stays on the page of the text's end
        self.blank(keep_with_next=True)
        numbered = len(names) > 1
        for number, name in enumerate(names, start=1):
            paragraph = self._paragraph()
            _exact_pitch(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            label = "附件：" if number == 1 else ""
            prefix = f"{number}．" if numbered else ""
            fmt = paragraph.paragraph_format
            hang = display_chars(prefix) + 3
            fmt.left_indent = _chars(2 + hang)
            fmt.first_line_indent = _chars(-hang if number == 1 else -display_chars(prefix))
            fmt.keep_with_next = True
            _set_font(paragraph.add_run(f"{label}{prefix}{name}"), BODY_FONT, BODY_SIZE)

    def signature(self, unit: str, day: dt.date | None) -> None:
        """发文机关署名 centred over the 成文日期, which stands four characters from the
        right edge (§7.3.5.1); two lines are left above it for the seal, and it is kept on
        the page of the text before it (never a page of its own)."""
        self._keep_previous()
        self.blank(keep_with_next=True)
        self.blank(keep_with_next=True)
        date = chinese_date(day) if day else "    年  月  日"
        offset = (display_chars(date) - display_chars(unit)) / 2
        for text, indent in ((unit, max(4 + offset, 0)), (date, 4)):
            paragraph = self._paragraph()
            _exact_pitch(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = _chars(indent)
            paragraph.paragraph_format.keep_with_next = text == unit
            _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    # --- 版记 ----------------------------------------------------------------------------
    def imprint(self, *, printer: str, day: dt.date | None, copies_to: Sequence[str] = ()) -> None:
        """版记 at the foot of the last page: 抄送 (if any), then 印发机关 one character from
        the left and "<date>印发" one from the right, between a thick line over the first,
        a thin one between them and a thick one on the 版心's bottom edge. It is a text box
        anchored to the bottom of the 版心 (Word, WPS and LibreOffice all place those;
        LibreOffice 7.4 leaves a floating table or frame where the text ends)."""
        texts = (["抄送：" + "，".join(copies_to) + "。"] if copies_to else []) + [
            f"{printer}\t{chinese_date(day) if day else '    年  月  日'}印发"
        ]
        # The lines are paragraphs of their own: a paragraph's border runs between its
        # indents, and the texts are indented one character on each side.
        lines = [self._rule(8)]  # 首条分隔线, 0.35 mm
        for n, text in enumerate(texts):
            paragraph = self.doc.add_paragraph()
            _exact_pitch(paragraph, IMPRINT_ROW)
            no_grid(paragraph)
            fmt = paragraph.paragraph_format
            if n == len(texts) - 1:  # 印发机关左空一字, 印发日期右空一字
                fmt.left_indent = SMALL_SIZE
                fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - SMALL_SIZE), WD_TAB_ALIGNMENT.RIGHT)
            else:  # 抄送: one character in on both sides; wraps under the first name
                fmt.left_indent = Emu(SMALL_SIZE * 4)
                fmt.first_line_indent = Emu(-SMALL_SIZE * 3)
                fmt.right_indent = SMALL_SIZE
            _set_font(paragraph.add_run(text), BODY_FONT, SMALL_SIZE)
            lines.append(paragraph._p)
            lines.append(self._rule(8 if n == len(texts) - 1 else 6))  # thin between, 0.25 mm
        anchor = self._paragraph()
        _exact_pitch(anchor, Pt(1))
        no_grid(anchor)
        # rules take their pitch and their line; the box is bottom-aligned, so spare room
        # stays above the first line
        height = Emu(int(IMPRINT_ROW * len(texts) + Pt(3) * (len(texts) + 1) + Pt(4)))
        box = parse_xml(_TEXT_BOX.format(width=int(TEXT_WIDTH), height=int(height)))
        content = box.find(".//" + qn("w:txbxContent"))
        for p in lines:
            content.append(p)  # moves the paragraph out of the body into the box
        anchor.add_run()._r.append(box)
        self._first = None

    def _keep_previous(self) -> None:
        """Keep the last paragraph written with what follows it."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 else None  # the element before the sectPr
        if last is not None and last.tag == qn("w:p"):
            last.get_or_add_pPr()
            Paragraph(last, self.doc._body).paragraph_format.keep_with_next = True

    def _rule(self, eighths: int):
        """A paragraph that is only a horizontal line across the 版心 (for the 版记)."""
        paragraph = self.doc.add_paragraph()
        _exact_pitch(paragraph, RULE_PITCH)
        no_grid(paragraph)
        paragraph_border(paragraph, "bottom", eighths=eighths, color="000000")
        return paragraph._p

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def masthead_size(organ: str) -> Pt:
    """The 标志's size: as large as fits the 版心's width with a little air, at most 初号+."""
    wide = display_chars(organ) or 1
    return Pt(min(48.0, math.floor(TEXT_WIDTH.pt * 0.96 / wide * 2) / 2))


_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in (
        ("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
        ("wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
        ("a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
        ("wps", "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"),
    )
)
_TEXT_BOX = (
    '<w:drawing NAMESPACES><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
    'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="0">'
    '<wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
    '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
    '<wp:extent cx="{width}" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:wrapTopAndBottom/><wp:docPr id="9704" name="版记"/><wp:cNvGraphicFramePr/>'
    "<a:graphic><a:graphicData "
    'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
    '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="{width}" cy="{height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
    "</a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>"
    "<wps:txbx><w:txbxContent/></wps:txbx>"
    '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
    'anchor="b" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
    "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
).replace("NAMESPACES", _NAMESPACES)
