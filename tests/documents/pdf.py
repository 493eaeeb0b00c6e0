"""Rendering generated documents to PDF with LibreOffice and reading their geometry back
with poppler (``pdftotext -bbox-layout``, ``pdftoppm``): where each line and word sits, in
millimetres from the top-left corner of its page, and where the red ink is.

LibreOffice runs with a profile of its own per test session, so tests and other people's
LibreOffice on the same machine do not lock each other out. Without LibreOffice the tests
are skipped here and fail on CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MM_PER_PT = 25.4 / 72
XHTML = "{http://www.w3.org/1999/xhtml}"
_PROFILE = Path(tempfile.gettempdir()) / f"anju-lo-profile-{os.getpid()}"


def need_tools() -> None:
    missing = [t for t in ("libreoffice", "pdftotext", "pdftoppm") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing: .ci/run installs them")
        pytest.skip(f"{', '.join(missing)} not installed on this machine")


def to_pdf(data: bytes, name: str, folder: Path) -> Path:
    """``data`` (a .docx or .xlsx named ``name``) converted to PDF by LibreOffice."""
    need_tools()
    source = folder / name
    source.write_bytes(data)
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{_PROFILE}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


@dataclass
class Line:
    text: str  # the words joined without spaces
    x0: float  # millimetres from the left edge of the page
    y0: float  # millimetres from the top edge (top of the line's box)
    x1: float
    y1: float
    words: list[tuple[str, float, float, float, float]] = field(default_factory=list)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def pages(pdf: Path) -> list[Page]:
    """Every page's lines, top to bottom (lines at the same height in different blocks,
    such as table cells, stay separate)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    root = ET.fromstring(out)  # noqa: S314 — our own pdftotext output
    result = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [
                (
                    w.text or "",
                    *(float(w.get(k)) * MM_PER_PT for k in ("xMin", "yMin", "xMax", "yMax")),
                )
                for w in line.iter(f"{XHTML}word")
            ]
            box = [float(line.get(k)) * MM_PER_PT for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line("".join(w[0] for w in words), *box, words=words))
        lines.sort(key=lambda ln: (round(ln.y0, 1), ln.x0))
        result.append(
            Page(
                number,
                float(page.get("width")) * MM_PER_PT,
                float(page.get("height")) * MM_PER_PT,
                lines,
            )
        )
    return result


def _image(pdf: Path, page: int, dpi: int):
    from PIL import Image

    need_tools()
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(pdf), stem],
            check=True,
            capture_output=True,
        )
        return Image.open(next(Path(folder).glob("page*.png"))).convert("RGB")


def red_rows(pdf: Path, page: int = 1, dpi: int = 100) -> dict[int, tuple[float, float]]:
    """Rows of red ink on ``page``: {row in tenths of a millimetre from the top: (left mm,
    right mm)} — the 发文机关标志 and the red separator line of a 版头."""
    image = _image(pdf, page, dpi)
    width, height = image.size
    pixels = image.load()
    mm = 25.4 / dpi
    rows = {}
    for y in range(height):
        xs = [
            x
            for x in range(width)
            if pixels[x, y][0] > 180 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90
        ]
        if xs:
            rows[round(y * mm * 10)] = (xs[0] * mm, xs[-1] * mm)
    return rows


def horizontal_rules(pdf: Path, page: int, *, share: float = 0.5, dpi: int = 150) -> list[float]:
    """Heights (mm from the top) of the dark horizontal lines at least ``share`` of the
    page wide: a table's row borders (text never makes such a run)."""
    image = _image(pdf, page, dpi).convert("L")
    width, height = image.size
    data = image.tobytes()
    dark_run = re.compile(rb"[\x00-\x7f]{%d,}" % int(share * width))
    mm = 25.4 / dpi
    return [y * mm for y in range(height) if dark_run.search(data, y * width, (y + 1) * width)]


def rows(page: Page, tolerance: float = 0.8) -> list[Line]:
    """The page's lines with pieces at the same height joined left to right (text set
    apart by a tab, or the cells of one table row)."""
    out: list[Line] = []
    for line in sorted(page.lines, key=lambda ln: (ln.y0, ln.x0)):
        if out and abs(out[-1].y0 - line.y0) < tolerance:
            last = out[-1]
            parts = sorted([last, line], key=lambda ln: ln.x0)
            out[-1] = Line(
                "".join(p.text for p in parts),
                min(last.x0, line.x0),
                min(last.y0, line.y0),
                max(last.x1, line.x1),
                max(last.y1, line.y1),
                words=last.words + line.words,
            )
        else:
            out.append(line)
    return out
