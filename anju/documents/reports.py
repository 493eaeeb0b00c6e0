"""The documents the campaign ends with, from data: the township's 整改报告 and the bureau's
通报. Both in the official-document layout (gbt9704). Numbers are computed by the caller
(acceptance / notices); this module only lays them out, and refuses personal data (an ID,
phone or bank number) naming the part of the text that holds it.

The 整改报告 is a 上行文 (版头 with the township's 发文字号 and 签发人) and accounts for
everything the system knows about the township: households in scope, visited and the
reasons given for those not visited; screening findings by aspect and state, every
dismissal with its reason; problems found on visits and what became of them; the ledger by
aspect and nature; the open entries with overdue ones named; what is still unhandled
(nothing, once it may be signed: ADR 0011); typical cases, the 长效机制 and next steps;
the attached ledger (附件). The 通报 is a 下行文 with its 版头 and 版记.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from anju.documents import offices
from anju.documents.gbt9704 import OfficialDocument, chinese_date, chinese_number
from anju.documents.pi_guard import PersonalDataInDocument, find_pi

CHINESE_NUMERALS = "一二三四五六七八九十"  # kept for callers; use ``chinese_number``


def check_texts(labelled: Iterable[tuple[str, str]]) -> None:
    """Refuse personal data, naming where it is (e.g. "典型案例第2条")."""
    for label, text in labelled:
        found = find_pi(text)
        if found:
            raise PersonalDataInDocument(
                f"{label}中含有{'、'.join(found)}，公开文件不得出现个人敏感信息，请删除后再生成。"
            )


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _date(day: dt.date | None) -> str:
    return chinese_date(day) if day else "未定"


# --- 整改报告 ---------------------------------------------------------------------------------
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
class FindingLine:
    """Screening findings of one aspect by state."""

    label: str
    confirmed: int
    dismissed: int
    open: int
    resolved: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.dismissed + self.open


@dataclass(frozen=True)
class Explained:
    """A problem set aside, and why (a dismissed finding, a visit problem not taken)."""

    village: str
    household: str
    problem: str
    reason: str


@dataclass(frozen=True)
class OutstandingItem:
    number: int
    description: str
    deadline: dt.date | None
    state: str
    overdue_days: int = 0

    @property
    def status(self) -> str:
        return f"{self.state}（已逾期{self.overdue_days}天）" if self.overdue_days else self.state


@dataclass
class RectificationReport:
    county: str
    township: str  # e.g. 火龙镇
    government: str  # e.g. 火龙镇人民政府
    campaign_name: str
    document_number: str  # the campaign's document
    households_in_scope: int
    households_visited: int
    aspects: list[AspectLine]
    outstanding: list[OutstandingItem]
    cases: list[str] = field(default_factory=list)
    situation: str = ""  # the officer's narrative: how the township organised the work
    measures: str = ""  # the officer's narrative: next steps
    mechanism: str = ""  # the officer's narrative: 长效机制
    day: dt.date | None = None
    recipient: str = ""
    report_number: str = ""  # the township's own 发文字号 (may be left to fill by hand)
    signer: str = ""  # 签发人 (blank: signed by hand)
    unvisited_reasons: list[tuple[str, int]] = field(default_factory=list)
    unexplained: int = 0
    findings: list[FindingLine] = field(default_factory=list)
    dismissed: list[Explained] = field(default_factory=list)
    visit_found: int = 0
    visit_on_ledger: int = 0
    visit_discarded: int = 0
    visit_pending: int = 0
    visit_discards: list[Explained] = field(default_factory=list)
    drafts: int = 0
    unhandled_findings: int = 0
    confirmed_off_ledger: int = 0
    states: dict[str, int] = field(default_factory=dict)  # open entries by state label
    # the month's 动态监测 (``monitoring.monthly.for_township``; empty: not stated)
    monitoring: dict[str, Any] = field(default_factory=dict)
    attachment: str = ""  # the attached ledger's title

    @property
    def total(self) -> int:
        return sum(a.total for a in self.aspects)

    @property
    def rectified(self) -> int:
        return sum(a.rectified for a in self.aspects)

    def texts(self) -> list[tuple[str, str]]:
        """Every free text the report prints, labelled for the personal-data check."""
        out = [("工作开展情况", self.situation), ("下一步措施", self.measures)]
        out.append(("长效机制建设情况", self.mechanism))
        out += [(f"典型案例第{n}条", c) for n, c in enumerate(self.cases, start=1)]
        out += [(f"台账第{o.number}号问题表述", o.description) for o in self.outstanding]
        out += [(f"{e.household}的排除理由", e.reason) for e in self.dismissed]
        out += [(f"{e.household}的入户排查问题", e.problem + e.reason) for e in self.visit_discards]
        return out


class _Sections:
    """一、二、三… numbered as they come (sections without content are left out)."""

    def __init__(self, doc: OfficialDocument) -> None:
        self.doc, self.n = doc, 0

    def __call__(self, title: str) -> None:
        self.n += 1
        self.doc.heading1(f"{chinese_number(self.n)}、{title}")


def _lines(text: str) -> list[str]:
    return [t.strip() for t in (text or "").splitlines() if t.strip()]


def rectification_report(data: RectificationReport) -> bytes:
    check_texts(data.texts())
    doc = OfficialDocument()
    doc.masthead(offices.mark(data.government), number=data.report_number, signers=[data.signer])
    doc.title(f"关于{data.township}农村危房改造“回头看”排查整改情况的报告")
    doc.recipient(f"{data.recipient}：")
    doc.paragraph(
        f"按照《{data.campaign_name}实施方案》（{data.document_number}）要求，{data.government}"
        "组织开展了农村危房改造“回头看”排查整改工作，现将有关情况报告如下。"
    )
    section = _Sections(doc)
    section("基本情况")
    for text in _lines(data.situation):
        doc.paragraph(text)
    doc.paragraph(_coverage(data))
    section("问题排查情况")
    _findings(doc, data)
    _visits(doc, data)
    doc.heading2("（三）列入整改台账的问题")
    common = sum(a.common for a in data.aspects)
    doc.paragraph(
        f"整改台账共列入问题{data.total}个，其中共性问题{common}个、个性问题"
        f"{data.total - common}个。按五个方面分列如下：",
        keep_with_next=True,
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
    section("整改情况")
    _progress(doc, data)
    section("需要说明的情况")
    doc.paragraph(_unhandled(data))
    if data.cases:
        section("典型案例")
        for number, case in enumerate(data.cases, start=1):
            doc.paragraph(f"{chinese_number(number)}是{case}")
    section("长效机制建设情况")
    for text in _lines(data.mechanism) or ["（未填写）"]:
        doc.paragraph(text)
    if data.monitoring.get("lists"):
        doc.paragraph(_monitoring(data.monitoring))
    section("下一步措施")
    for text in _lines(data.measures) or [
        "持续做好农村低收入群体住房安全动态监测，发现一户、改造一户。"
    ]:
        doc.paragraph(text)
    doc.attachments([data.attachment])
    doc.signature(data.government, data.day)
    doc.paragraph("主要负责同志（签字）：", indent=False)
    return doc.render()


def _monitoring(m: dict[str, Any]) -> str:
    """The township's month of 动态监测: the departments' lists against the registry."""
    text = (
        f"动态监测：{m['label']}防返贫监测、民政部门名单新增农户{m['new']}户，"
        f"按时完成住房安全鉴定{m['in_time']}户"
    )
    if m.get("waiting"):
        text += f"，待鉴定{m['waiting']}户（{m['assess_due']}前完成）"
    if m.get("overdue"):
        return (
            text
            + f"；列入名单后超过鉴定时限仍未鉴定{m['overdue']}户（含尚未建档的农户），正在督促完成。"
        )
    return text + "；列入名单的农户无逾期未鉴定。"


def _coverage(data: RectificationReport) -> str:
    unvisited = data.households_in_scope - data.households_visited
    text = (
        f"本次排查对象为脱贫户（享受政策）和监测对象共{data.households_in_scope}户，"
        f"已入户排查{data.households_visited}户，占"
        f"{_pct(data.households_visited, data.households_in_scope)}"
    )
    if not unvisited:
        return text + "，应排查农户已全部入户排查。"
    reasons = "、".join(f"{reason}{n}户" for reason, n in data.unvisited_reasons)
    text += f"；未入户{unvisited}户"
    if reasons:
        text += f"，已逐户说明原因并电话核实：{reasons}"
    if data.unexplained:
        text += f"；其中{data.unexplained}户尚未说明未走访原因"
    return text + "。"


def _findings(doc: OfficialDocument, data: RectificationReport) -> None:
    doc.heading2("（一）系统筛查发现的问题")
    total = sum(f.total for f in data.findings)
    confirmed = sum(f.confirmed for f in data.findings)
    dismissed = sum(f.dismissed for f in data.findings)
    open_ = sum(f.open for f in data.findings)
    resolved = sum(f.resolved for f in data.findings)
    text = (
        f"政策筛查在本镇发现问题{total}个（按农户和规则计）：确认属实{confirmed}个，"
        f"经核实排除{dismissed}个，待确认{open_}个"
    )
    if resolved:
        text += f"；另有{resolved}个已随数据更正消除"
    doc.paragraph(text + "。按方面分列如下：", keep_with_next=True)
    doc.table(
        ["方面", "筛查发现", "确认属实", "核实排除", "待确认", "已消除"],
        [[f.label, f.total, f.confirmed, f.dismissed, f.open, f.resolved] for f in data.findings]
        + [["合计", total, confirmed, dismissed, open_, resolved]],
    )
    if data.dismissed:
        doc.paragraph(f"经核实排除的{len(data.dismissed)}个问题及理由如下：", keep_with_next=True)
        _explained(doc, data.dismissed, "排除理由")


def _visits(doc: OfficialDocument, data: RectificationReport) -> None:
    doc.heading2("（二）入户排查发现的问题")
    text = (
        f"入户排查发现问题{data.visit_found}个：列入整改台账{data.visit_on_ledger}个，"
        f"经核实不列入台账{data.visit_discarded}个，待处理{data.visit_pending}个。"
    )
    if data.visit_discards:
        doc.paragraph(text + "不列入台账的问题及理由如下：", keep_with_next=True)
        _explained(doc, data.visit_discards, "理由")
    else:
        doc.paragraph(text)


def _explained(doc: OfficialDocument, items: list[Explained], reason: str) -> None:
    doc.table(
        ["序号", "村", "农户", "问题", reason],
        [[n, e.village, e.household, e.problem, e.reason] for n, e in enumerate(items, start=1)],
    )


def _progress(doc: OfficialDocument, data: RectificationReport) -> None:
    open_ = data.total - data.rectified
    overdue = [o for o in data.outstanding if o.overdue_days]
    states = "、".join(f"{label}{n}个" for label, n in data.states.items() if n)
    text = (
        f"截至报告日，已整改销号{data.rectified}个，整改率{_pct(data.rectified, data.total)}；"
        f"尚未销号{open_}个" + (f"（{states}）" if states else "")
    )
    if overdue:
        numbers = "、".join(f"第{o.number}号" for o in overdue)
        text += f"，其中已超过完成时限{len(overdue)}个：{numbers}"
    doc.paragraph(text + "。")
    if data.outstanding:
        doc.paragraph("尚未销号的问题及完成时限如下：", keep_with_next=True)
        doc.table(
            ["序号", "问题表述", "完成时限", "状态"],
            [[o.number, o.description, _date(o.deadline), o.status] for o in data.outstanding],
        )


def _unhandled(data: RectificationReport) -> str:
    parts = []
    if data.unhandled_findings:
        parts.append(f"待确认的筛查问题{data.unhandled_findings}个")
    if data.confirmed_off_ledger:
        parts.append(f"已确认但未列入台账的筛查问题{data.confirmed_off_ledger}个")
    if data.drafts:
        parts.append(f"未处理的台账草稿（入户排查等形成）{data.drafts}条")
    if data.unexplained:
        parts.append(f"既未入户排查也未说明原因的农户{data.unexplained}户")
    if not parts:
        return (
            "截至报告日，系统筛查问题和入户排查发现的问题均已逐一处理（列入整改台账或说明"
            "排除理由），无待确认问题和未处理的台账草稿；应排查农户均已入户排查或说明原因。"
        )
    return (
        f"截至报告日，本镇尚有{'、'.join(parts)}。按规定，上述事项处理完毕前，"
        "主要负责同志不能签字报送本报告。"
    )


# --- 通报 ------------------------------------------------------------------------------------
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
    copies_to: list[str] = field(default_factory=list)  # 抄送机关
    printer: str = ""  # 印发机关 (default: the issuer's 办公室)


def notice_sections(data: Notice) -> list[tuple[str, list[str]]]:
    """The notice's numbered sections (heading, paragraphs), as the document and the
    page's preview print them."""
    sections = []
    for heading, items in (("工作成效较好的单位", data.praised), ("存在的问题", data.criticized)):
        if items:
            sections.append((heading, [f"{i.unit}：{'；'.join(i.facts)}。" for i in items]))
    if data.requirements:
        sections.append(
            (
                "有关要求",
                [
                    f"（{chinese_number(n)}）{text}"
                    for n, text in enumerate(data.requirements, start=1)
                ],
            )
        )
    return [(f"{chinese_number(n)}、{h}", p) for n, (h, p) in enumerate(sections, start=1)]


def notice(data: Notice) -> bytes:
    texts = [("导语", data.introduction)]
    texts += [(f"有关要求第{n}条", t) for n, t in enumerate(data.requirements, start=1)]
    for item in data.praised + data.criticized:
        texts += [(f"{item.unit}的通报事实", f) for f in item.facts]
    check_texts(texts)
    doc = OfficialDocument()
    doc.masthead(offices.mark(data.issuer), number=data.document_number)
    doc.title(data.title)
    doc.recipient(f"{data.recipients}：")
    doc.paragraph(data.introduction)
    for heading, paragraphs in notice_sections(data):
        doc.heading1(heading)
        for text in paragraphs:
            doc.paragraph(text)
    doc.signature(data.issuer, data.day)
    doc.imprint(
        printer=data.printer or offices.printer(data.issuer), day=data.day, copies_to=data.copies_to
    )
    return doc.render()
