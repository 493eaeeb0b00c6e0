"""The official 整改台账 as printed: measures written "一是…\\n二是…\\n三是…" (the seed's own
style) fit their rows — every line of every cell lies between its row's borders on the
LibreOffice page — the header row repeats on each page, and each entry's progress (state
and date, overdue named) follows its measures, in the weekly frozen copies too."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from anju.documents import sheets
from anju.rectification import services as ledger_services
from anju.rectification.models import EntryTransition, LedgerEntry
from anju.rectification.official_ledger import WIDTHS, LedgerRow, build, row_height
from anju.rectification.snapshot import ledger_snapshot, official_rows
from tests.documents.pdf import horizontal_rules, pages, to_pdf

MEASURES = (
    "一是由村两委于三日内完成挂牌并拍照存档，挂牌等级与鉴定结果一致；\n"
    "二是镇建设办复核鉴定结果并出具房屋安全性评定结果，录入系统；\n"
    "三是将整改情况纳入周报，按周报送进展，12月10日前完成销号。"
)


def rows(n: int = 30) -> list[LedgerRow]:
    out = []
    for i in range(1, n + 1):
        out.append(
            LedgerRow(
                problem_type="农村危房改造",
                nature="共性问题" if i % 5 == 0 else "个性问题",
                description=(
                    f"王某{i}户（甲{i % 7 + 1}村）C级危房未挂牌，鉴定结果未出具（鉴定日期2022-06-26）"
                    + ("，且改造方式与鉴定等级不符，未记录原因。" * (i % 3))
                ),
                measures=MEASURES if i % 2 else "由镇财政所十日内补发差额并取得回执。",
                deadline=dt.date(2022, 12, i % 28 + 1),
                responsible_unit="火龙镇人民政府",
                progress="整改进度：整改中（12月1日起），已超过完成时限" if i % 4 == 0 else "",
            )
        )
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    data = build(
        county_name="禹州市", unit_name="火龙镇人民政府", as_of=dt.date(2022, 12, 5), rows=rows()
    )
    pdf = to_pdf(data, "ledger.xlsx", tmp_path_factory.mktemp("ledger"))
    return pdf, pages(pdf)


def test_a_row_is_as_tall_as_all_the_lines_of_its_cells():
    one = LedgerRow("农村危房改造", "个性问题", "短", "一是挂牌。", None, "火龙镇人民政府")
    three = LedgerRow(
        "农村危房改造",
        "个性问题",
        "短",
        "一是挂牌。\n二是复核。\n三是销号。",
        None,
        "火龙镇人民政府",
    )
    assert row_height(one) < 2 * sheets.LINE_POINTS  # every column of it fits one line
    assert row_height(three) >= row_height(one) + 2 * sheets.LINE_POINTS
    # a CJK character is two units: 21 of them do not fit a line of a 44-wide column
    assert sheets.line_count("挂" * 20, WIDTHS[4]) == 1
    assert sheets.line_count("挂" * 21, WIDTHS[4]) == 2
    assert sheets.line_count("a" * 41, WIDTHS[4]) == 1
    # "一是…\n\n三是…": an empty paragraph is a line too
    assert sheets.line_count("一是\n\n三是", WIDTHS[4]) == 3


def test_the_workbook_rows_carry_those_heights():
    data = build(county_name="禹州市", unit_name="火龙镇人民政府", as_of=None, rows=rows(6))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    for n, row in enumerate(rows(6), start=5):
        assert abs(ws.row_dimensions[n].height - row_height(row)) < 0.75  # whole pixels
        assert ws.cell(n, 5).value == row.measures_cell
    assert ws.row_dimensions[5].height >= 4 * sheets.LINE_POINTS  # three measures + wrap


def test_no_line_of_any_cell_crosses_its_row_border(printed):
    pdf, laid_out = printed
    assert len(laid_out) >= 2, "the ledger should run over more than one page"
    checked = 0
    for page in laid_out:
        borders = _merge(horizontal_rules(pdf, page.number))
        assert len(borders) >= 3, page.number
        top, bottom = borders[0], borders[-1]
        for line in page.lines:
            for text, _x0, y0, _x1, y1 in line.words:
                if y1 < top or y0 > bottom:
                    continue  # title lines, the 备注, the footer
                crossing = [b for b in borders if y0 + 0.4 < b < y1 - 0.4]
                assert not crossing, f"page {page.number}: “{text}” crosses a row border"
                checked += 1
    assert checked > 100


def test_every_line_of_the_measures_is_printed(printed):
    _pdf, laid_out = printed
    starts = [w[0][:4] for page in laid_out for ln in page.lines for w in ln.words]
    for start in ("一是由村", "二是镇建", "三是将整"):  # each paragraph starts a line
        assert starts.count(start) == 15
    assert starts.count("整改进度") == 7


def test_the_header_row_is_repeated_on_every_page(printed):
    _pdf, laid_out = printed
    for page in laid_out:
        headers = [ln for ln in page.lines if "整改措施" in ln.text]
        assert headers, page.number
        assert "火龙镇人民政府" in page.text


def _merge(ys: list[float]) -> list[float]:
    """Adjacent pixel rows of one border as one height."""
    merged: list[float] = []
    for y in ys:
        if merged and y - merged[-1] < 0.6:
            continue
        merged.append(y)
    return merged


# --- progress within the seven columns ---------------------------------------------------
@pytest.fixture
def entries(db, officer_a, township_a, village_a):
    from anju.campaigns.models import Campaign

    campaign = Campaign.objects.current()
    made = [
        ledger_services.create_entry(
            actor=officer_a,
            campaign=campaign,
            township=township_a,
            village=village_a,
            nature="个性问题",
            aspect="1",
            description=f"王某{n}户C级危房未挂牌",
            measures="由村两委于三日内完成挂牌并拍照存档",
            deadline=campaign.ends_on,
        )
        for n in range(3)
    ]
    return campaign, made


def _at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2022, 12, day, hour))


def test_each_entry_shows_its_state_and_the_day_it_got_there(entries, officer_a):
    campaign, (pending, working, closed) = entries
    LedgerEntry.objects.filter(pk__in=[e.pk for e in entries[1]]).update(
        created_at=_at(1), deadline=dt.date(2022, 12, 4)
    )
    for entry, state, day in ((working, "in_progress", 2), (closed, "closed", 3)):
        EntryTransition.objects.create(
            entry=entry, name="x", from_state="pending", to_state=state, actor=officer_a
        )
        EntryTransition.objects.filter(entry=entry).update(at=_at(day))
    LedgerEntry.objects.filter(pk=working.pk).update(state="in_progress")
    LedgerEntry.objects.filter(pk=closed.pk).update(state="closed", closed_at=_at(3))
    snap = ledger_snapshot(LedgerEntry.objects.filter(campaign=campaign))
    progress = [r.progress for r in official_rows(snap, at=_at(5))]
    assert progress == [
        "整改进度：待整改（12月1日起），已超过完成时限",
        "整改进度：整改中（12月2日起），已超过完成时限",
        "整改进度：已销号（12月3日）",
    ]
    # the ledger frozen on the 2nd (a weekly submission) still reads as it stood then
    early = [r.progress for r in official_rows(snap, at=_at(2, 12))]
    assert early[0] == "整改进度：待整改（12月1日起）"  # not yet past its deadline


def test_a_frozen_copy_keeps_the_state_it_was_frozen_with(entries, officer_a):
    campaign, (entry, *_rest) = entries
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=_at(1))
    frozen = ledger_snapshot(LedgerEntry.objects.filter(pk=entry.pk))  # week 1: 待整改
    EntryTransition.objects.create(
        entry=entry, name="x", from_state="pending", to_state="closed", actor=officer_a
    )
    EntryTransition.objects.filter(entry=entry).update(at=_at(9))
    LedgerEntry.objects.filter(pk=entry.pk).update(state="closed", closed_at=_at(9))
    assert official_rows(frozen, at=_at(2))[0].progress == "整改进度：待整改（12月1日起）"
    now = ledger_snapshot(LedgerEntry.objects.filter(pk=entry.pk))
    assert official_rows(now, at=_at(10))[0].progress == "整改进度：已销号（12月9日）"
    data = build(
        county_name="禹州市",
        unit_name="火龙镇人民政府",
        as_of=dt.date(2022, 12, 10),
        rows=official_rows(now, at=_at(10)),
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["E5"].value.endswith("\n整改进度：已销号（12月9日）")
    assert ws["E5"].value.startswith("由村两委于三日内完成挂牌并拍照存档")
