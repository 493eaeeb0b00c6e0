"""WordprocessingML the python-docx API does not reach (grid, borders, table and row
properties), written in the schema's element order: Word refuses a file whose property
elements are out of order ("unreadable content"), where LibreOffice forgives it."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PPR = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]
RPR = [
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]
TBLPR = [
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
]
TRPR = [
    "w:cnfStyle",
    "w:divId",
    "w:gridBefore",
    "w:gridAfter",
    "w:wBefore",
    "w:wAfter",
    "w:cantSplit",
    "w:trHeight",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:hidden",
    "w:ins",
    "w:del",
    "w:trPrChange",
]
SECTPR = [
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
]


def put(parent, tag: str, order: list[str], **attrs: str):
    """The child ``tag`` of ``parent`` (made, in schema ``order``, when missing), with
    ``attrs`` (``w_val="0"`` → ``w:val="0"``) set on it."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        later = order[order.index(tag) + 1 :]
        successor = next((c for c in parent if c.tag in {qn(t) for t in later}), None)
        if successor is not None:
            successor.addprevious(child)
        else:
            parent.append(child)
    for key, value in attrs.items():
        child.set(qn(key.replace("_", ":", 1)), value)
    return child


def no_grid(paragraph) -> None:
    """Leave the document grid: the paragraph keeps its own size and pitch in Word/WPS."""
    put(paragraph._p.get_or_add_pPr(), "w:snapToGrid", PPR, w_val="0")


def paragraph_border(paragraph, side: str, *, eighths: int, color: str) -> None:
    borders = put(paragraph._p.get_or_add_pPr(), "w:pBdr", PPR)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", "0")):
        line.set(qn(key), value)
    line.set(qn("w:color"), color)
    borders.append(line)


def row_flags(row, *, header: bool = False) -> None:
    """Rows never split across pages; a header row repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    put(trpr, "w:cantSplit", TRPR)
    if header:
        put(trpr, "w:tblHeader", TRPR)
