"""Official-document layout (GB/T 9704-2012) of generated Word files."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.shared import Mm, Pt

from anju.documents.gbt9704 import OfficialDocument, chinese_date


@pytest.fixture
def docx_bytes():
    doc = OfficialDocument()
    doc.title("火龙镇农村危房改造“回头看”整改报告")
    doc.recipient("禹州市住房和城乡建设局：")
    doc.heading1("一、基本情况")
    doc.paragraph("共排查脱贫户和监测对象 1234 户。" * 20)
    doc.heading2("（一）排查情况")
    doc.table(["方面", "问题数"], [["住房安全性认定", 12]])
    doc.signature("火龙镇人民政府", dt.date(2022, 6, 24))
    return doc.render()


def test_page_is_a4_with_the_standard_margins(docx_bytes):
    section = Document(io.BytesIO(docx_bytes)).sections[0]

    def close(actual, mm):  # Word stores twentieths of a point
        return abs(actual - Mm(mm)) < Mm(0.05)

    assert close(section.page_width, 210) and close(section.page_height, 297)
    assert close(section.top_margin, 37) and close(section.bottom_margin, 35)
    assert close(section.left_margin, 28) and close(section.right_margin, 26)


def test_fonts_sizes_and_pitch(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    title, recipient, heading1, body = (
        doc.paragraphs[0],
        doc.paragraphs[2],
        doc.paragraphs[3],
        doc.paragraphs[4],
    )
    assert title.runs[0].font.size == Pt(22)
    xml = docx_bytes_xml(docx_bytes)
    assert 'w:eastAsia="方正小标宋简体"' in xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml
    assert 'w:eastAsia="黑体"' in xml and 'w:eastAsia="楷体_GB2312"' in xml
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.line_spacing == Pt(28.95)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert heading1.text == "一、基本情况" and recipient.text.endswith("：")


def test_page_numbers_and_the_date_in_arabic_numerals(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        footers = [z.read(n).decode() for n in z.namelist() if "footer" in n]
    assert any("PAGE" in f and "— " in f for f in footers)
    assert len(footers) >= 2  # odd and even pages
    assert chinese_date(dt.date(2022, 6, 24)) == "2022年6月24日"
    assert "2022年6月24日" in [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]


def docx_bytes_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_libreoffice_renders_it(tmp_path, docx_bytes):
    if shutil.which("libreoffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs it")
        pytest.skip("LibreOffice not installed on this machine")
    (tmp_path / "report.docx").write_bytes(docx_bytes)
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
