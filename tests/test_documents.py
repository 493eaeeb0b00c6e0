"""The rectification report and the notice: numbers in, official document out, no PI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from anju.documents.pi_guard import PersonalDataInDocument, find_pi
from anju.documents.reports import (
    AspectLine,
    Explained,
    FindingLine,
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
        outstanding=[
            OutstandingItem(7, "李某户补助未发放", dt.date(2022, 6, 28), "整改中"),
            OutstandingItem(8, "赵某户未挂牌", dt.date(2022, 6, 10), "待整改", overdue_days=14),
        ],
        cases=["某村张某户C级危房未挂牌，已于6月10日完成挂牌。"],
        measures="继续做好动态监测。",
        mechanism="建立住房安全动态监测机制，村级信息员每月巡查。",
        day=dt.date(2022, 6, 24),
        recipient="禹州市住房和城乡建设局",
        signer="张镇长",
        unvisited_reasons=[("外出务工", 40), ("随子女居住", 10)],
        findings=[
            FindingLine("住房安全性认定", confirmed=5, dismissed=2, open=0, resolved=1),
            FindingLine("动态监测", confirmed=3, dismissed=1, open=0),
        ],
        dismissed=[
            Explained("甲一村", "王某户", "C级危房未挂牌", "经入户核实已挂牌，系统未录入"),
            Explained("甲二村", "李某户", "补助发放超期", "补助已于5月20日发放，凭证已补录"),
            Explained("甲二村", "刘某户", "鉴定结果未出具", "鉴定报告已出具，见档案"),
        ],
        visit_found=16,
        visit_on_ledger=12,
        visit_discarded=4,
        visit_discards=[Explained("甲一村", "周某户", "屋面渗漏", "已自行维修，入户复核无渗漏")],
        attachment="禹州市脱贫攻坚农村危房改造情况排查整改台账",
        states={"已整改待核验": 0, "整改中": 1, "待整改": 1},
    )
    for k, v in overrides.items():
        setattr(data, k, v)
    return data


def test_the_report_states_the_numbers_from_the_data():
    text = text_of(rectification_report(report()))
    assert "关于火龙镇农村危房改造“回头看”排查整改情况的报告" in text
    assert "火龙镇人民政府文件" in text and "签发人：张镇长" in text  # 上行文的版头
    assert "共200户，已入户排查150户，占75.0%" in text
    assert "未入户50户，已逐户说明原因并电话核实：外出务工40户、随子女居住10户" in text
    assert "整改台账共列入问题8个，其中共性问题1个、个性问题7个" in text
    assert "已整改销号6个，整改率75.0%" in text
    assert "尚未销号2个（整改中1个、待整改1个），其中已超过完成时限1个：第8号" in text
    assert "李某户补助未发放" in text and "2022年6月28日" in text
    assert "待整改（已逾期14天）" in text
    assert "禹建〔2022〕39号" in text
    assert "主要负责同志（签字）" in text
    assert "附件：禹州市脱贫攻坚农村危房改造情况排查整改台账" in text


def test_the_report_accounts_for_every_finding_visit_problem_and_dismissal():
    text = text_of(rectification_report(report()))
    assert (
        "政策筛查在本镇发现问题11个（按农户和规则计）：确认属实8个，经核实排除3个，待确认0个"
        in text
    )
    assert "另有1个已随数据更正消除" in text
    assert "经核实排除的3个问题及理由如下" in text
    for reason in ("经入户核实已挂牌，系统未录入", "补助已于5月20日发放，凭证已补录"):
        assert reason in text
    assert "入户排查发现问题16个：列入整改台账12个，经核实不列入台账4个，待处理0个" in text
    assert "已自行维修，入户复核无渗漏" in text
    assert "无待确认问题和未处理的台账草稿" in text
    assert "长效机制建设情况" in text and "村级信息员每月巡查" in text


def test_the_report_says_what_is_unhandled():
    text = text_of(rectification_report(report(unhandled_findings=27, drafts=16, unexplained=3)))
    assert "尚有待确认的筛查问题27个、未处理的台账草稿（入户排查等形成）16条" in text
    assert "既未入户排查也未说明原因的农户3户" in text
    assert "主要负责同志不能签字报送本报告" in text


def test_typical_cases_are_numbered_in_chinese_past_ten():
    cases = [f"第{n}个案例。" for n in range(1, 13)]
    text = text_of(rectification_report(report(cases=cases)))
    assert "十是第10个案例。" in text and "十一是第11个案例。" in text
    assert "十二是第12个案例。" in text and "11是" not in text


def test_personal_data_is_refused_naming_where_it_is():
    with pytest.raises(PersonalDataInDocument, match="典型案例第2条中含有手机号"):
        rectification_report(report(cases=["正常。", "联系 138-1234-5678"]))
    with pytest.raises(PersonalDataInDocument, match="王某户的排除理由中含有身份证号"):
        rectification_report(
            report(
                dismissed=[
                    Explained(
                        "甲一村", "王某户", "x", "身份证 ４１１０８１１９８００１０１１２３４"
                    )
                ]
            )
        )


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
