"""The documents the campaign ends with, from data: the township's 整改报告 and the bureau's
通报. Both in the official-document layout (gbt9704). Numbers are computed by the caller
(reporting / notices); this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from anju.documents.gbt9704 import OfficialDocument
from anju.documents.pi_guard import assert_no_pi

CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class AspectLine:
    label: str
    common: int
    individual: int
    rectified: int

    @property
    def total(self) -> int:
        return self.common + self.individual

    @property
    def outstanding(self) -> int:
        return self.total - self.rectified


@dataclass(frozen=True)
class OutstandingItem:
    number: int
    description: str
    deadline: dt.date | None
    state: str


@dataclass
class RectificationReport:
    county: str
    township: str  # e.g. 火龙镇
    government: str  # e.g. 火龙镇人民政府
    campaign_name: str
    document_number: str
    households_in_scope: int
    households_visited: int
    aspects: list[AspectLine]
    outstanding: list[OutstandingItem]
    cases: list[str] = field(default_factory=list)
    situation: str = ""  # the officer's narrative: how the township organised the work
    measures: str = ""  # the officer's narrative: next steps
    day: dt.date | None = None
    recipient: str = "禹州市住房和城乡建设局"

    @property
    def total(self) -> int:
        return sum(a.total for a in self.aspects)

    @property
    def rectified(self) -> int:
        return sum(a.rectified for a in self.aspects)


def _date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "未定"


def rectification_report(data: RectificationReport) -> bytes:
    assert_no_pi(
        data.situation, data.measures, *data.cases, *(o.description for o in data.outstanding)
    )
    doc = OfficialDocument()
    doc.title(f"{data.township}农村危房改造“回头看”排查整改报告")
    doc.recipient(f"{data.recipient}：")
    doc.paragraph(
        f"按照《{data.campaign_name}实施方案》（{data.document_number}）要求，{data.government}"
        f"组织开展了农村危房改造“回头看”排查整改工作，现将有关情况报告如下。"
    )
    doc.heading1("一、基本情况")
    visited_share = (
        f"，占 {data.households_visited * 100 / data.households_in_scope:.1f}%"
        if data.households_in_scope
        else ""
    )
    doc.paragraph(
        f"本次排查对象为脱贫户（享受政策）和监测对象共 {data.households_in_scope} 户，"
        f"已入户排查 {data.households_visited} 户{visited_share}。"
    )
    if data.situation.strip():
        for text in data.situation.strip().splitlines():
            if text.strip():
                doc.paragraph(text.strip())
    doc.heading1("二、排查发现的问题")
    common = sum(a.common for a in data.aspects)
    doc.paragraph(
        f"共排查发现问题 {data.total} 个，其中共性问题 {common} 个、个性问题 {data.total - common} 个。按五个方面分列如下："
    )
    doc.table(
        ["方面", "共性问题", "个性问题", "合计", "已整改", "未整改"],
        [
            [a.label, a.common, a.individual, a.total, a.rectified, a.outstanding]
            for a in data.aspects
        ]
        + [
            [
                "合计",
                common,
                data.total - common,
                data.total,
                data.rectified,
                data.total - data.rectified,
            ]
        ],
    )
    doc.heading1("三、整改情况")
    share = f"，整改率 {data.rectified * 100 / data.total:.1f}%" if data.total else ""
    doc.paragraph(
        f"截至报告日，已整改销号 {data.rectified} 个{share}；尚未完成 {data.total - data.rectified} 个。"
    )
    if data.outstanding:
        doc.paragraph("尚未完成整改的问题及完成时限如下：")
        doc.table(
            ["序号", "问题表述", "完成时限", "状态"],
            [[o.number, o.description, _date(o.deadline), o.state] for o in data.outstanding],
        )
    if data.cases:
        doc.heading1("四、典型案例")
        for number, case in enumerate(data.cases, start=1):
            doc.paragraph(f"{CHINESE_NUMERALS[number - 1] if number <= 10 else number}是{case}")
    doc.heading1(f"{'五' if data.cases else '四'}、下一步措施")
    for text in (
        data.measures or "持续做好农村低收入群体住房安全动态监测，发现一户、改造一户。"
    ).splitlines():
        if text.strip():
            doc.paragraph(text.strip())
    doc.signature(data.government, data.day)
    doc.paragraph("主要负责同志（签字）：", indent=False)
    return doc.render()


@dataclass(frozen=True)
class NoticeItem:
    unit: str
    facts: list[str]


@dataclass
class Notice:
    title: str
    document_number: str
    issuer: str
    recipients: str
    introduction: str
    praised: list[NoticeItem]
    criticized: list[NoticeItem]
    requirements: list[str]
    day: dt.date | None


def notice(data: Notice) -> bytes:
    texts = [data.introduction, *data.requirements]
    for item in data.praised + data.criticized:
        texts.extend(item.facts)
    assert_no_pi(*texts)
    doc = OfficialDocument()
    doc.title(data.title)
    if data.document_number:
        doc.paragraph(data.document_number, indent=False)
    doc.recipient(f"{data.recipients}：")
    doc.paragraph(data.introduction)
    section = 0
    if data.praised:
        doc.heading1(f"{CHINESE_NUMERALS[section]}、工作成效较好的单位")
        section += 1
        for item in data.praised:
            doc.paragraph(f"{item.unit}：{'；'.join(item.facts)}。")
    if data.criticized:
        doc.heading1(f"{CHINESE_NUMERALS[section]}、存在的问题")
        section += 1
        for item in data.criticized:
            doc.paragraph(f"{item.unit}：{'；'.join(item.facts)}。")
    if data.requirements:
        doc.heading1(f"{CHINESE_NUMERALS[section]}、有关要求")
        for number, text in enumerate(data.requirements, start=1):
            doc.paragraph(f"（{CHINESE_NUMERALS[number - 1]}）{text}")
    doc.signature(data.issuer, data.day)
    return doc.render()
