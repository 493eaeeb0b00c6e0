"""The county summary the bureau sends upward (DESIGN.md §4): the overview's numbers per
township, as an official document (.docx, GB/T 9704 via ``OfficialDocument``: a 上行文 with
the red 版头 and a 签发人 line to sign, and an 附件 line for the workbook) and as a workbook
(.xlsx, XlsxWriter; text never becomes a formula). The workbook is split into sheets of at
most thirteen columns that print on A4 landscape near full size, each with its header row
repeated and as tall as its wrapped labels. Built from the same snapshot as the page, so
the three agree; no personal data is in either. Office names come from
``anju.documents.offices``.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from anju.core.workbooks import safe_workbook
from anju.documents import offices, sheets
from anju.documents.gbt9704 import OfficialDocument, chinese_date
from anju.documents.pi_guard import assert_no_pi
from anju.overview import keys as K
from anju.overview.models import Snapshot
from anju.overview.selectors import TIMELINESS, Overview
from anju.screening.choices import Aspect


def _snapshot(ov: Overview) -> Snapshot:
    """The snapshot summarised (the page offers the summary only once one is finished)."""
    if ov.snapshot is None:
        raise ValueError("概览尚未统计，无法生成汇总。")
    return ov.snapshot


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _when(ov: Overview) -> str:
    local = timezone.localtime(_snapshot(ov).started_at)
    return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"


def weekly(ov: Overview) -> dict:
    """Report counts over the weeks whose due time has passed (a week still open, and the
    reports sent early for it, are counted apart: ``early``)."""
    due = [w for w in ov.trend if w.get("due_passed")]
    counts = {state: sum(w[state] for w in due) for state, _ in TIMELINESS}
    counts["due"] = sum(counts.values())
    counts["early"] = sum(w["on_time"] + w["awaiting"] for w in ov.trend if w not in due)
    return counts


def title_of(county: str) -> str:
    return f"{county}农村危房改造“回头看”工作进展汇总表"


def docx(ov: Overview, *, day: dt.date, recipient: str | None = None) -> bytes:
    meta = _snapshot(ov).meta
    county = meta.get("county", "") or offices.county_name(ov.campaign)
    issuer = offices.bureau(ov.campaign) if ov.campaign else f"{county}住房和城乡建设局"
    recipient = recipient or offices.superior(ov.campaign)
    t = ov.total
    doc = OfficialDocument()
    doc.masthead(offices.mark(issuer), signers=[])  # 上行文: the 签发人 signs by hand
    doc.title(f"关于{county}农村危房改造“回头看”工作进展情况的报告")
    doc.recipient(f"{recipient}：")
    doc.paragraph(
        f"按照《{meta.get('campaign', '')}实施方案》（{meta.get('document_number', '')}）要求，"
        f"我局组织全市各乡镇开展农村危房改造“回头看”排查整改工作。现将截至{_when(ov)}"
        "的工作情况报告如下。"
    )
    doc.heading1("一、基本情况")
    doc.paragraph(
        f"全市纳入排查范围的农户共{t[K.HH_SCOPE]}户，已鉴定{t[K.HH_ASSESSED]}户"
        f"（{_pct(t['assessed_pct'])}），已挂牌{t[K.HH_PLAQUED]}户（{_pct(t['plaqued_pct'])}）；"
        f"当前鉴定为C级、D级的{t[K.HH_DANGEROUS]}户，其中尚未改造到位（无改造或未验收）"
        f"{t['cd_pending']}户（C级{t[K.HH_C_PENDING]}户、D级{t[K.HH_D_PENDING]}户）。"
        f"各乡镇已入户走访{t[K.V_VISITED]}户，走访覆盖率{_pct(t['coverage'])}。"
    )
    doc.heading1("二、问题排查和整改情况")
    by_aspect = "、".join(
        f"“{a.label}”{t[K.FINDING_ASPECT[a.value]]}个"
        for a in Aspect
        if t[K.FINDING_ASPECT[a.value]]
    )
    doc.paragraph(
        f"政策筛查发现问题{t['findings']}个" + (f"（{by_aspect}）" if by_aspect else "") + "。"
        f"各乡镇整改台账共列入问题{t[K.L_TOTAL]}个，已整改销号{t[K.L_CLOSED]}个，"
        f"整改率{_pct(t['rate'])}；尚未销号{t[K.L_OPEN]}个，其中已超过完成时限"
        f"{t[K.L_OVERDUE]}个。"
    )
    doc.heading1("三、周报告制度落实情况")
    w = weekly(ov)
    early = f"；尚未到截止时间的周次已提前报送{w['early']}份" if w["early"] else ""
    doc.paragraph(
        f"排查整改阶段已到截止时间的周报共{w['due']}份（乡镇×周次），按时报送"
        f"{w['on_time']}份、逾期报送{w['late']}份、未报送{w['missing']}份、"
        f"退回待重报{w['returned']}份、待乡镇审批{w['awaiting']}份{early}。"
    )
    doc.heading1("四、抽查情况")
    spot = t["spot"]
    if spot["villages"]:
        doc.paragraph(
            f"我局抽查{spot['villages']}个村{spot['inspected']}户（计划{spot['planned']}户），"
            f"合格{spot['passed']}个村、不合格{spot['failed']}个村、核查未完成"
            f"{spot['pending']}个村；发现漏报问题{spot['missed']}个、虚假整改{spot['fake']}个。"
        )
    else:
        doc.paragraph("抽查工作尚未开展。")
    doc.heading1("五、分乡镇情况")
    doc.heading2("（一）住房安全")
    doc.paragraph("各乡镇住房安全情况如下：", keep_with_next=True)
    doc.table(
        ["乡镇", "范围内农户", "已鉴定", "已挂牌", "C/D级未改造到位"],
        [
            [r["unit"].name, r[K.HH_SCOPE], r[K.HH_ASSESSED], r[K.HH_PLAQUED], r["cd_pending"]]
            for r in _by_code(ov)
        ]
        + [["合计", t[K.HH_SCOPE], t[K.HH_ASSESSED], t[K.HH_PLAQUED], t["cd_pending"]]],
    )
    doc.heading2("（二）问题与整改")
    doc.paragraph("各乡镇问题排查和整改情况如下：", keep_with_next=True)
    doc.table(
        ["乡镇", "筛查问题", "台账问题", "已销号", "整改率", "已逾期"],
        [
            [
                r["unit"].name,
                r["findings"],
                r[K.L_TOTAL],
                r[K.L_CLOSED],
                _pct(r["rate"]),
                r[K.L_OVERDUE],
            ]
            for r in _by_code(ov)
        ]
        + [["合计", t["findings"], t[K.L_TOTAL], t[K.L_CLOSED], _pct(t["rate"]), t[K.L_OVERDUE]]],
    )
    doc.heading2("（三）周报、走访与抽查")
    doc.paragraph("各乡镇周报、走访和抽查情况如下：", keep_with_next=True)
    doc.table(
        ["乡镇", "按时报送", "逾期/未报送", "走访覆盖率", "抽查结论"],
        [
            [r["unit"].name, r["w_on_time"], r["w_bad"], _pct(r["coverage"]), r["spot_label"]]
            for r in _by_code(ov)
        ]
        + [["合计", t["w_on_time"], t["w_bad"], _pct(t["coverage"]), ""]],
    )
    doc.attachments([title_of(county)])
    doc.signature(issuer, day)
    texts = [p.text for p in doc.doc.paragraphs]
    assert_no_pi(*texts)
    return doc.render()


def _by_code(ov: Overview) -> list[dict]:
    return sorted(ov.rows, key=lambda r: r["unit"].code)


# One column per aspect on an A4 sheet of at most 13: the registry reconciled with the
# department lists (动态监测比对) is counted with 动态监测, whose check it belongs to.
COLUMNS = [a for a in Aspect if a != Aspect.RECONCILE]


def _column(aspect) -> str:
    return "动态监测（含名单比对）" if aspect == Aspect.MONITORING else aspect.label


def _by_aspect(row, aspect) -> int:
    value = row[K.FINDING_ASPECT[aspect.value]]
    if aspect == Aspect.MONITORING:
        value += row.get(K.FINDING_ASPECT[Aspect.RECONCILE], 0)
    return value


# --- the workbook ---------------------------------------------------------------------------
# One sheet per subject, each short enough for A4 landscape: (sheet, [(header, width, get)]).
TOWNSHIP_SHEETS = [
    (
        "住房安全",
        [
            ("范围内农户", 11, lambda r: r[K.HH_SCOPE]),
            ("已鉴定", 9, lambda r: r[K.HH_ASSESSED]),
            ("已挂牌", 9, lambda r: r[K.HH_PLAQUED]),
            ("C/D级危房", 10, lambda r: r[K.HH_DANGEROUS]),
            ("C/D级未改造到位", 12, lambda r: r["cd_pending"]),
        ],
    ),
    (
        "问题与整改",
        [
            ("筛查问题", 9, lambda r: r["findings"]),
            *[(f"其中：{_column(a)}", 9, lambda r, a=a: _by_aspect(r, a)) for a in COLUMNS],
            ("台账问题", 9, lambda r: r[K.L_TOTAL]),
            ("已销号", 8, lambda r: r[K.L_CLOSED]),
            ("未销号", 8, lambda r: r[K.L_OPEN]),
            ("已逾期", 8, lambda r: r[K.L_OVERDUE]),
            ("整改率（%）", 9, lambda r: r["rate"]),
        ],
    ),
    (
        "周报、走访与抽查",
        [
            ("按时报送（周次）", 10, lambda r: r["w_on_time"]),
            ("逾期报送（周次）", 10, lambda r: r["w_late"]),
            ("未报送（周次）", 10, lambda r: r["w_missing"]),
            ("已退回（周次）", 10, lambda r: r["w_returned"]),
            ("应走访", 8, lambda r: r[K.V_SCOPE]),
            ("已走访", 8, lambda r: r[K.V_VISITED]),
            ("走访覆盖率（%）", 10, lambda r: r["coverage"]),
            ("抽查村数", 8, lambda r: r["spot"]["villages"]),
            ("不合格村数", 9, lambda r: r["spot"]["failed"]),
            ("漏报", 7, lambda r: r["spot"]["missed"]),
            ("虚假整改", 8, lambda r: r["spot"]["fake"]),
            ("抽查结论", 10, lambda r: r.get("spot_label", "")),
        ],
    ),
]
TOWNSHIP = ("乡镇", 12, lambda r: r["unit"].name)
# Every township column, in the order of the sheets (tests and readers look them up here).
TOWNSHIP_COLUMNS = [TOWNSHIP] + [c for _, columns in TOWNSHIP_SHEETS for c in columns]

WEEK_COLUMNS = [
    ("周次", 8, lambda w: w["label"]),
    ("起止日期", 16, lambda w: w["span"]),
    ("报送截止时间", 20, lambda w: w["due"]),
    ("新列入台账", 10, lambda w: w["opened"] if w.get("started", True) else None),
    ("整改销号", 10, lambda w: w["closed"] if w.get("started", True) else None),
    ("按时报送（乡镇数）", 10, lambda w: w["on_time"]),
    ("逾期报送（乡镇数）", 10, lambda w: w["late"]),
    ("未报送（乡镇数）", 10, lambda w: w["missing"]),
    ("已退回（乡镇数）", 10, lambda w: w["returned"]),
    ("待审批（乡镇数）", 10, lambda w: w["awaiting"]),
]


def xlsx(ov: Overview) -> bytes:
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    fmt = {
        "title": book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
        "line": book.add_format({"font_name": "宋体", "font_size": 10}),
        "head": book.add_format({**base, "bold": True, "align": "center", "text_wrap": True}),
        "text": book.add_format(base),
        "num": book.add_format({**base, "num_format": "0"}),
        "pct": book.add_format({**base, "num_format": "0.0"}),
        "total": book.add_format({**base, "bold": True}),
        "total_num": book.add_format({**base, "bold": True, "num_format": "0"}),
        "total_pct": book.add_format({**base, "bold": True, "num_format": "0.0"}),
    }
    meta = _snapshot(ov).meta
    county = meta.get("county", "")
    note = f"统计时间：{_when(ov)}　　数据来源：安居系统（{meta.get('campaign', '')}）"
    header = 2
    rows = _by_code(ov) + [{**ov.total, "unit": None}]
    for name, columns in TOWNSHIP_SHEETS:
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, f"{title_of(county)}（{name}）", fmt["title"])
        sheet.write_string(1, 0, note, fmt["line"])
        _table(sheet, fmt, header, [TOWNSHIP, *columns], rows, total_label="合计")
    weeks = book.add_worksheet("分周趋势")
    weeks.write_string(0, 0, f"{county}农村危房改造“回头看”分周趋势", fmt["title"])
    weeks.write_string(1, 0, note, fmt["line"])
    _table(weeks, fmt, header, WEEK_COLUMNS, ov.trend, total_label=None)
    book.close()
    return buffer.getvalue()


def _table(sheet, fmt, header: int, columns, rows, *, total_label: str | None) -> None:
    for col, (name, width, _) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(header, col, name, fmt["head"])
    sheet.set_row(header, sheets.row_height([(n, w) for n, w, _ in columns], font_size=10))
    for r, row in enumerate(rows, start=header + 1):
        is_total = total_label is not None and row.get("unit", "") is None
        for c, (name, _, get) in enumerate(columns):
            value = total_label if (is_total and c == 0) else get(row)
            prefix = "total_" if is_total else ""
            if value is None:
                sheet.write_blank(r, c, None, fmt[f"{prefix}num"] if prefix else fmt["text"])
            elif isinstance(value, float) or "%" in name:
                sheet.write_number(r, c, float(value), fmt[f"{prefix}pct"])
            elif isinstance(value, int):
                sheet.write_number(r, c, value, fmt[f"{prefix}num"])
            else:
                sheet.write_string(r, c, str(value), fmt["total" if is_total else "text"])
    sheets.print_setup(sheet, header_rows=(header, header), freeze=(header + 1, 1))
