"""A long 整改报告 (a township with a hundred open entries and sixty dismissals, about twenty
pages) as printed: the red 版头 with the 签发人 on page 1, 28 characters a body line, every
table's header row on each page it runs over, no heading last on a page, the 附件 line and
the signature kept with the text before it."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.documents.reports import (
    AspectLine,
    Explained,
    FindingLine,
    OutstandingItem,
    RectificationReport,
    rectification_report,
)
from tests.documents.pdf import pages, red_rows, rows, to_pdf

TOP, BOTTOM = 37.0, 262.0
HEADINGS = ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "（一）", "（二）", "（三）")


def long_report() -> RectificationReport:
    villages = ["甲一村", "甲二村", "上万岗村", "下蒋沟村", "西文庄村"]
    return RectificationReport(
        county="禹州市",
        township="火龙镇",
        government="火龙镇人民政府",
        campaign_name="禹州市2022年度第一轮巩固拓展脱贫攻坚成果农村危房改造“回头看”",
        document_number="禹建〔2022〕39号",
        households_in_scope=980,
        households_visited=947,
        aspects=[
            AspectLine("住房安全性认定", 1, 30, 8),
            AspectLine("动态监测", 0, 20, 5),
            AspectLine("改造方式", 0, 18, 4),
            AspectLine("面积、补助、自筹", 1, 25, 6),
            AspectLine("改造质量", 0, 19, 2),
        ],
        outstanding=[
            OutstandingItem(
                n,
                f"{villages[n % 5]}王某{n}户：C级危房未挂牌，鉴定结果未出具（鉴定日期2022-05-{n % 28 + 1:02d}）",
                dt.date(2022, 6, 10 + n % 20),
                "整改中" if n % 3 else "待整改",
                overdue_days=(14 - n % 20) if n % 20 < 14 else 0,
            )
            for n in range(1, 101)
        ],
        cases=["甲一村一户C级危房原未挂牌，经入户核实后已于当周完成挂牌并拍照存档。"],
        situation="火龙镇成立了由党委书记任组长、镇长任副组长的“回头看”工作领导小组。\n"
        "对照五个方面问题清单，逐户填写入户排查表，建立问题台账，实行周报告制度。",
        measures="持续做好农村低收入群体住房安全动态监测，发现一户、改造一户。",
        mechanism="建立住房安全动态监测机制，村级信息员每月入户巡查一次，发现隐患当日上报。",
        day=dt.date(2022, 6, 24),
        recipient="禹州市住房和城乡建设局",
        report_number="火政〔2022〕12号",
        signer="周镇长",
        unvisited_reasons=[("外出务工", 20), ("随子女在外居住", 9), ("外出就医（长期住院）", 4)],
        findings=[
            FindingLine("住房安全性认定", 31, 20, 0, 3),
            FindingLine("动态监测", 20, 10, 0),
            FindingLine("改造方式", 18, 12, 0),
            FindingLine("面积、补助、自筹", 26, 10, 0, 1),
            FindingLine("改造质量", 19, 8, 0),
        ],
        dismissed=[
            Explained(
                villages[n % 5],
                f"李某{n}户",
                "补助发放超过验收后30日" if n % 2 else "C级危房未挂牌",
                "经入户核实，该户情况与纸质档案一致，系数据录入有误，已提交更正。",
            )
            for n in range(1, 61)
        ],
        visit_found=40,
        visit_on_ledger=35,
        visit_discarded=5,
        visit_discards=[
            Explained(
                "甲一村", f"赵某{n}户", "屋面渗漏", "经镇村干部现场复核，已于入户当日整改到位。"
            )
            for n in range(1, 6)
        ],
        states={"已整改待核验": 10, "整改中": 57, "待整改": 33},
        attachment="禹州市脱贫攻坚农村危房改造情况排查整改台账",
    )


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    pdf = to_pdf(rectification_report(long_report()), "report.docx", tmp_path_factory.mktemp("r"))
    return pdf, pages(pdf)


def test_it_runs_to_about_twenty_pages_with_the_masthead_on_page_1(printed):
    pdf, laid_out = printed
    assert 15 <= len(laid_out) <= 25
    first = rows(laid_out[0])
    assert first[0].text == "火龙镇人民政府文件"
    line = next(ln for ln in first if "签发人" in ln.text)
    assert line.text == "火政〔2022〕12号签发人：周镇长"
    assert red_rows(pdf, page=1) and not red_rows(pdf, page=2)


def test_body_lines_hold_28_characters(printed):
    _pdf, laid_out = printed
    body = [
        ln
        for page in laid_out
        for ln in page.lines
        if ln.y0 > TOP and ln.y1 < BOTTOM and abs(ln.x0 - 28) < 1 and ln.x1 > 180
    ]
    assert body, "no full body line found"
    cjk = [ln for ln in body if all(ord(c) > 0x2E80 for c in ln.text)]
    assert cjk and all(len(ln.text) == 28 for ln in cjk), [ln.text for ln in cjk]


def test_every_long_table_repeats_its_header_on_each_page(printed):
    _pdf, laid_out = printed
    for marker, header in (("王某", "问题表述"), ("李某", "排除理由")):
        with_rows = [p for p in laid_out if any(marker in w[0] for ln in p.lines for w in ln.words)]
        assert len(with_rows) >= 2, marker
        for page in with_rows:
            first_row = min(ln.y0 for ln in page.lines if any(marker in w[0] for w in ln.words))
            assert any(
                w[0] == header and ln.y0 < first_row for ln in page.lines for w in ln.words
            ), (marker, page.number)


def test_no_heading_is_the_last_line_of_a_page(printed):
    _pdf, laid_out = printed
    for page in laid_out:
        body = [ln for ln in rows(page) if ln.y1 < BOTTOM + 1]
        assert body and not body[-1].text.startswith(HEADINGS), (page.number, body[-1].text)


def test_the_attachment_line_and_the_signature_close_it(printed):
    _pdf, laid_out = printed
    last = rows(laid_out[-1])
    texts = [ln.text for ln in last]
    assert "火龙镇人民政府" in texts and "2022年6月24日" in texts
    everything = [ln.text for page in laid_out for ln in rows(page)]
    assert "附件：禹州市脱贫攻坚农村危房改造情况排查整改台账" in everything
    assert any(t.startswith("主要负责同志（签字）") for t in texts)
