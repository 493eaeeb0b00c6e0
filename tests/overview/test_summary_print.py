"""The county summary as printed: the workbook's sheets print on A4 landscape near full
size (not 45 %) with their header rows repeated; the .docx is an upward report with its red
版头, a 签发人 line and an 附件 line; weekly counts take only weeks past their due time;
a week not yet begun is a gap in the trend chart, not a zero."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.overview import charts, selectors, summary
from anju.overview.selectors import Overview
from tests.documents.pdf import pages, red_rows, rows, to_pdf

pytestmark = pytest.mark.django_db
TEN_POINT_CHAR_MM = 10 * 25.4 / 72  # a 10 pt CJK character at 100 %


@pytest.fixture
def ov(city_reviewer, refreshed, today):
    return selectors.county(city_reviewer)


def test_every_sheet_prints_near_full_size_with_its_header_on_each_page(ov, tmp_path):
    laid_out = pages(to_pdf(summary.xlsx(ov), "summary.xlsx", tmp_path))
    assert 4 <= len(laid_out) <= 8
    for page in laid_out:
        header = next((w for ln in page.lines for w in ln.words if w[0] in ("乡镇", "周次")), None)
        assert header is not None, f"page {page.number} has no header row"
        scale = (header[3] - header[1]) / len(header[0]) / TEN_POINT_CHAR_MM
        assert scale > 0.85, f"page {page.number} prints at {scale:.0%}"


def test_the_docx_is_an_upward_report_with_masthead_signer_and_attachment(ov, tmp_path):
    data = summary.docx(ov, day=dt.date(2022, 6, 20))
    pdf = to_pdf(data, "summary.docx", tmp_path)
    first = rows(pages(pdf)[0])
    assert first[0].text == "禹州市住房和城乡建设局文件"
    assert any(ln.text.startswith("签发人：") for ln in first)
    assert red_rows(pdf, page=1)
    text = "\n".join(ln.text for page in pages(pdf) for ln in rows(page))
    assert "许昌市住房和城乡建设局：" in text
    assert "附件：禹州市农村危房改造“回头看”工作进展汇总表" in text


def _week(n: int, *, due_passed: bool, started: bool = True, **counts) -> dict:
    base = dict.fromkeys(("on_time", "late", "missing", "returned", "awaiting"), 0)
    return {
        "number": n,
        "label": f"第{n}周",
        "due_passed": due_passed,
        "started": started,
        "opened": 3,
        "closed": 1,
        "not_due": 0,
        **base,
        **counts,
    }


def test_weekly_counts_only_the_weeks_past_their_due_time():
    ov = Overview(level="county")
    ov.trend = [
        _week(1, due_passed=True, on_time=20, late=4, missing=2),
        _week(2, due_passed=True, on_time=22, returned=1, awaiting=3),
        _week(3, due_passed=False, on_time=9, awaiting=2),  # this week: sent early
        _week(4, due_passed=False, started=False),
    ]
    w = summary.weekly(ov)
    assert w["due"] == 52 and w["on_time"] == 42 and w["awaiting"] == 3
    assert w["early"] == 11


def test_a_week_not_yet_begun_is_a_gap_not_a_zero():
    ov = Overview(level="county")
    ov.trend = [_week(1, due_passed=True), _week(2, due_passed=False, started=False)]
    chart = charts._trend(ov)
    for series in chart["series"]:
        assert series["data"][0]["value"] is not None
        assert series["data"][1]["value"] is None
