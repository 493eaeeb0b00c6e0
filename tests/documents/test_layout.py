"""GB/T 9704 layout, measured on the page: a document is rendered to PDF by LibreOffice
and the positions of its lines and of its red ink are checked against the standard
(版心 156 × 225 mm from 28 mm left and 37 mm top; 28 characters × 22 lines; page numbers 7 mm
under the 版心, one character in; the 版头 on page 1; the 版记 on the last page's bottom
edge; header rows repeated; headings never last on a page)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.documents.gbt9704 import OfficialDocument, chinese_number
from tests.documents.pdf import horizontal_rules, pages, red_rows, rows, to_pdf

LEFT, TOP, WIDTH, HEIGHT = 28.0, 37.0, 156.0, 225.0
BOTTOM = TOP + HEIGHT  # 262 mm
PITCH = 28.95 * 25.4 / 72  # one line, mm
CHAR = 15.75 * 25.4 / 72  # one condensed 三号 character, mm
FOUR = 14 * 25.4 / 72  # one 四号 character (page numbers), mm
FILLER = "甲乙丙丁" * 30  # 120 characters without punctuation: lines break at 26 + 28 …
LONG = "戊己庚辛" * 350  # 1,400 characters: more than two pages


def official(*, upward: bool = False) -> bytes:
    doc = OfficialDocument()
    if upward:
        doc.masthead("火龙镇人民政府文件", number="火政〔2022〕12号", signers=["张三"])
    else:
        doc.masthead("禹州市住房和城乡建设局文件", number="禹建〔2022〕45号")
    doc.title("关于农村危房改造“回头看”工作进展情况的通报")
    doc.recipient("各乡镇人民政府、街道办事处：")
    doc.heading1("一、第1部分")
    doc.paragraph(LONG)  # runs over pages 1 to 3: page 2 is all body lines
    for n in range(2, 4):
        doc.heading1(f"{chinese_number(n)}、第{n}部分")
        for _ in range(4):
            doc.paragraph(FILLER)
    doc.paragraph("按问题分列如下：", keep_with_next=True)
    doc.table(
        ["序号", "问题表述", "完成时限", "状态"],
        [
            [
                n,
                "某村某户C级危房未挂牌，已于6月10日完成挂牌并拍照存档，档案同步更新。"
                * (n % 3 + 1),
                "2022年6月28日",
                "整改中（已逾期）",
            ]
            for n in range(1, 41)
        ],
    )
    doc.attachments(["禹州市脱贫攻坚农村危房改造情况排查整改台账"])
    doc.signature("禹州市住房和城乡建设局", dt.date(2022, 7, 1))
    doc.imprint(
        printer="禹州市住房和城乡建设局办公室",
        day=dt.date(2022, 7, 1),
        copies_to=["上级住房和城乡建设局", "市人民政府办公室"],
    )
    return doc.render()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    return to_pdf(official(), "notice.docx", folder)


@pytest.fixture(scope="module")
def laid_out(rendered):
    return pages(rendered)


def body_lines(page):
    """Lines inside the 版心 (not the page number under it)."""
    return [ln for ln in page.lines if ln.y0 > TOP - 1 and ln.y1 < BOTTOM + 1]


def test_a_body_line_holds_28_characters(laid_out):
    runs = [
        len(ln.text)
        for page in laid_out
        for ln in page.lines
        if ln.text and set(ln.text) <= set("甲乙丙丁")
    ]
    assert runs, "the filler paragraphs are not in the PDF"
    # every filler paragraph: an indented first line of 26, then full lines of 28, then 10
    assert sorted(set(runs)) == [10, 26, 28], runs
    assert runs.count(28) == 3 * runs.count(26)
    full = [
        ln
        for page in laid_out
        for ln in page.lines
        if len(ln.text) == 28 and set(ln.text) <= set("甲乙丙丁")
    ]
    for ln in full:  # and those 28 fill the 版心 from edge to edge
        assert abs(ln.x0 - LEFT) < 1.0 and abs(ln.x1 - (LEFT + WIDTH)) < 1.5


def test_a_full_page_holds_22_lines_on_a_28_95_pt_pitch(laid_out):
    page = laid_out[1]  # page 2 is body text only
    lines = body_lines(page)
    assert len(lines) == 22, [ln.text for ln in lines]
    assert all(len(ln.text) == 28 for ln in lines)
    steps = [b.y0 - a.y0 for a, b in zip(lines, lines[1:], strict=False)]
    assert all(abs(s - PITCH) < 0.3 for s in steps), steps


def test_page_numbers_sit_7_mm_under_the_text_one_character_in(laid_out):
    odd, even = laid_out[0], laid_out[1]
    for page, label in ((odd, "—1—"), (even, "—2—")):
        number = [ln for ln in page.lines if ln.y0 > BOTTOM]
        assert [ln.text for ln in number] == [label]
        assert abs(number[0].y0 - (BOTTOM + 7)) < 1.5, number[0].y0
    assert abs([ln for ln in odd.lines if ln.y0 > BOTTOM][0].x1 - (LEFT + WIDTH - FOUR)) < 1.5
    assert abs([ln for ln in even.lines if ln.y0 > BOTTOM][0].x0 - (LEFT + FOUR)) < 1.5


def test_the_masthead_is_on_page_1_red_with_the_number_centred_under_it(rendered, laid_out):
    first = laid_out[0]
    assert first.lines[0].text == "禹州市住房和城乡建设局文件"
    number = next(ln for ln in first.lines if ln.text == "禹建〔2022〕45号")
    assert abs((number.x0 + number.x1) / 2 - (LEFT + WIDTH / 2)) < 2
    assert abs(number.y0 - first.lines[0].y1 - 2 * PITCH) < 8  # 标志下空二行
    red = red_rows(rendered, page=1)
    mark = sorted(y for y, (x0, x1) in red.items() if x1 - x0 < WIDTH - 5)
    assert abs(mark[0] / 10 - (TOP + 35)) < 2.5, mark[0]  # 标志上边缘距版心上边缘 35 mm
    rule = [(y, span) for y, span in red.items() if span[1] - span[0] > WIDTH - 2]
    assert rule, "no red separator line as wide as the 版心"
    y, (x0, x1) = rule[0]
    assert abs(x0 - LEFT) < 1 and abs(x1 - (LEFT + WIDTH)) < 1
    assert 2.5 < y / 10 - number.y1 < 5.5  # 发文字号之下 4 mm
    assert not red_rows(rendered, page=2)  # only page 1 carries a 版头


def test_the_table_header_repeats_on_every_page_it_runs_over(laid_out):
    with_rows = [p for p in laid_out if any("某村某户C级危房" in ln.text for ln in p.lines)]
    assert len(with_rows) >= 2
    for page in with_rows:
        headers = [ln for ln in page.lines if ln.text == "问题表述"]
        first_row = min(ln.y0 for ln in page.lines if "某村某户C级危房" in ln.text)
        assert headers and headers[0].y0 < first_row, page.number


def test_no_heading_is_stranded_at_the_foot_of_a_page(laid_out):
    for page in laid_out:
        lines = body_lines(page)
        if lines:
            assert "部分" not in lines[-1].text or lines[-1].text.startswith("甲"), page.number
            assert lines[-1].text != "按问题分列如下：", page.number


def test_the_imprint_lies_on_the_bottom_edge_of_the_last_page(laid_out):
    last = rows(laid_out[-1])
    printed = next(ln for ln in last if ln.text.endswith("印发"))
    copied = next(ln for ln in last if ln.text.startswith("抄送："))
    assert abs(printed.y1 - BOTTOM) < 2.5, printed.y1
    assert copied.y1 < printed.y0
    assert printed.text.startswith("禹州市住房和城乡建设局办公室")
    assert abs(printed.x0 - (LEFT + FOUR)) < 1.5  # 印发机关左空一字
    assert abs(printed.x1 - (LEFT + WIDTH - FOUR)) < 1.5  # 印发日期右空一字
    assert copied.text == "抄送：上级住房和城乡建设局，市人民政府办公室。"


def test_the_imprint_has_three_lines_as_wide_as_the_text(rendered, laid_out):
    ys = [y for y in horizontal_rules(rendered, len(laid_out), share=0.72) if y > BOTTOM - 25]
    lines = [y for n, y in enumerate(ys) if n == 0 or y - ys[n - 1] > 0.6]
    assert len(lines) == 3, lines  # thick over 抄送, thin between, thick under 印发
    assert abs(lines[-1] - BOTTOM) < 1.5  # 末条分隔线与版心下边缘重合


def test_the_signature_is_not_alone_on_its_page(laid_out):
    page = next(p for p in laid_out if any(ln.text == "2022年7月1日" for ln in p.lines))
    others = [ln for ln in body_lines(page) if "禹州市住房和城乡建设局" not in ln.text]
    assert any("附件" in ln.text or "某村" in ln.text for ln in others)


def test_an_upward_masthead_names_the_signer_one_character_from_the_right(tmp_path):
    first = rows(pages(to_pdf(official(upward=True), "report.docx", tmp_path))[0])
    line = next(ln for ln in first if "签发人" in ln.text)
    assert line.text.startswith("火政〔2022〕12号") and line.text.endswith("签发人：张三")
    assert abs(line.x0 - (LEFT + CHAR)) < 1.5
    assert abs(line.x1 - (LEFT + WIDTH - CHAR)) < 1.5


def test_chinese_numbers_go_past_ten():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
