"""The rectification report and the notice: numbers in, official document out, no PI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from anju.documents.pi_guard import PersonalDataInDocument, find_pi
from anju.documents.reports import (
    AspectLine,
    Notice,
    NoticeItem,
    OutstandingItem,
    RectificationReport,
    notice,
    rectification_report,
)


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def report(**overrides):
    data = RectificationReport(
        county="禹州市",
        township="火龙镇",
        government="火龙镇人民政府",
        campaign_name="禹州市2022年度第一轮巩固拓展脱贫攻坚成果农村危房改造“回头看”",
        document_number="禹建〔2022〕39号",
        households_in_scope=200,
        households_visited=150,
        aspects=[AspectLine("住房安全性认定", 1, 4, 5), AspectLine("补助发放", 0, 3, 1)],
        outstanding=[OutstandingItem(7, "李某户补助未发放", dt.date(2022, 6, 28), "整改中")],
        cases=["某村张某户C级危房未挂牌，已于6月10日完成挂牌。"],
        measures="继续做好动态监测。",
        day=dt.date(2022, 6, 24),
    )
    for k, v in overrides.items():
        setattr(data, k, v)
    return data


def test_the_report_states_the_numbers_from_the_data():
    text = text_of(rectification_report(report()))
    assert "火龙镇农村危房改造“回头看”排查整改报告" in text
    assert "共 200 户" in text and "已入户排查 150 户，占 75.0%" in text
    assert "共排查发现问题 8 个，其中共性问题 1 个、个性问题 7 个" in text
    assert "已整改销号 6 个，整改率 75.0%" in text
    assert "李某户补助未发放" in text and "2022年6月28日" in text
    assert "禹建〔2022〕39号" in text
    assert "主要负责同志（签字）" in text


def test_personal_data_never_enters_a_document():
    with pytest.raises(PersonalDataInDocument, match="身份证号"):
        rectification_report(report(cases=["张某（411081198001011234）户未挂牌"]))
    with pytest.raises(PersonalDataInDocument, match="手机号"):
        notice(
            Notice(
                title="关于农村危房改造“回头看”工作情况的通报",
                document_number="",
                issuer="禹州市住房和城乡建设局",
                recipients="各乡镇人民政府",
                introduction="联系 13812345678",
                praised=[],
                criticized=[],
                requirements=[],
                day=None,
            )
        )
    assert find_pi("6222021234567890123") == ["银行账号"]
    assert find_pi("火龙镇 3 户") == []


def test_the_notice_names_units_and_facts():
    data = notice(
        Notice(
            title="关于农村危房改造“回头看”工作情况的通报",
            document_number="禹建〔2022〕45号",
            issuer="禹州市住房和城乡建设局",
            recipients="各乡镇人民政府",
            introduction="现将第一轮“回头看”工作情况通报如下。",
            praised=[NoticeItem("火龙镇", ["每周按时报送", "抽查未发现漏报"])],
            criticized=[NoticeItem("顺店镇", ["第2周、第3周未按时报送", "抽查发现漏报问题3个"])],
            requirements=["各乡镇要于6月30日前完成整改。"],
            day=dt.date(2022, 7, 1),
        )
    )
    text = text_of(data)
    assert "火龙镇：每周按时报送；抽查未发现漏报。" in text
    assert "顺店镇：第2周、第3周未按时报送；抽查发现漏报问题3个。" in text
    assert "（一）各乡镇要于6月30日前完成整改。" in text
    assert "2022年7月1日" in text
