"""The ledger workbooks from the pages: the official 整改台账 of a township cell by cell,
the internal ledger, the county roll-up; audited, formula-safe, scoped."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from anju.audit.models import AuditEvent
from anju.rectification import services
from anju.rectification.official_ledger import NOTE

pytestmark = pytest.mark.django_db

OFFICIAL = reverse("rectification:export_official")
INTERNAL = reverse("rectification:export_internal")
COUNTY = reverse("rectification:export_county")


@pytest.fixture
def ledger(ledger_campaign, make_entry, officer_a, officer_b, township_b, households_a, photo):
    d1 = dt.date.today() + dt.timedelta(days=5)
    d2 = dt.date.today() + dt.timedelta(days=9)
    first = make_entry(deadline=d1, households=[households_a[0]])
    second = make_entry(
        nature="共性问题",
        village=None,
        description="3户补助发放超过验收后30日",
        measures='=HYPERLINK("http://x","点我")',
        deadline=d2,
        households=households_a,
    )
    make_entry(draft=True, measures="", deadline=None, description="草稿不上台账")
    make_entry(township=township_b, village=None, actor=officer_b, description="顺店镇的问题")
    services.add_note(actor=officer_a, entry=first, text="已联系厂家")
    services.add_evidence(actor=officer_a, entry=first, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=first, name="submit")
    return first, second, d1, d2


def sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_official_ledger_of_a_township_cell_by_cell(as_user, officer_a, ledger):
    first, second, d1, d2 = ledger
    response = as_user(officer_a).post(OFFICIAL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    ws = sheet(response)
    today = dt.date.today()
    assert ws["A1"].value == "禹州市脱贫攻坚农村危房改造情况排查整改台账"
    assert ws["A2"].value == "单位（盖章）：火龙镇人民政府"
    assert ws["A3"].value == f"{today.year}年{today.month}月{today.day}日"
    assert [c.value for c in ws[4]] == [
        "序号",
        "问题类型",
        "问题性质",
        "问题表述",
        "整改措施",
        "完成时限",
        "责任单位",
    ]
    row5 = [c.value for c in ws[5]]
    assert row5[:4] == [1, "农村危房改造", "个性问题", "张三户C级危房未挂牌"]
    # the measures, then the entry's progress (#15: "体现整改进度和落实效果")
    measures, progress = row5[4].split("\n")
    assert measures == "由村两委于本周五前完成挂牌并拍照存档"
    assert progress.startswith("整改进度：已整改待核验（") and progress.endswith("日起）")
    assert row5[5].date() == d1 and row5[6] == "火龙镇人民政府"
    row6 = [c.value for c in ws[6]]
    assert row6[:4] == [2, "农村危房改造", "共性问题", "3户补助发放超过验收后30日"]
    # guarded (editing the cell keeps it text), then the entry's progress
    assert row6[4].startswith('\'=HYPERLINK("http://x","点我")\n整改进度：')
    assert ws["E6"].data_type == "s"  # text, never a formula
    assert row6[5].date() == d2
    assert ws["A7"].value is None  # the draft and township B's entry are not on it
    assert ws["A8"].value == NOTE
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"


def test_the_official_ledger_has_no_formula_or_link(as_user, officer_a, ledger):
    content = as_user(officer_a).post(OFFICIAL).content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert b"<f>" not in xml and b"hyperlink" not in xml.lower()


def test_sec_18_every_ledger_export_guards_every_text_field(
    as_user, officer_a, city_reviewer, make_entry, ledger_campaign
):
    """Payloads in every text field of an entry; the official, internal and county
    workbooks carry them as guarded text: no formula, no link, an apostrophe in front."""
    payloads = {
        "description": '=HYPERLINK("http://evil.example","点我")',
        "measures": "+cmd|' /C calc'!A0",
        "responsible_leader": "@SUM(A1:A9)",
        "cause": "-2+3",
    }
    entry = make_entry(**payloads)
    services.add_note(actor=officer_a, entry=entry, text="=1+1 最新进展")
    books = [
        as_user(officer_a).post(OFFICIAL).content,
        as_user(officer_a).post(INTERNAL).content,
        as_user(city_reviewer).post(COUNTY).content,
    ]
    seen = set()
    for content in books:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = z.namelist()
            xml = b"".join(z.read(n) for n in names if n.startswith("xl/worksheets/"))
        assert b"<f>" not in xml and b"hyperlink" not in xml.lower()
        assert not any("externalLink" in n for n in names)
        for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str) and value.lstrip("'") in payloads.values():
                    assert value.startswith("'"), value
                    seen.add(value.lstrip("'"))
    assert seen == set(payloads.values())


def test_each_export_is_audited_with_rows_and_hash(as_user, officer_a, ledger):
    response = as_user(officer_a).post(OFFICIAL)
    event = AuditEvent.objects.filter(event="export").latest("id")
    assert event.object_type == "rectification.official_ledger"
    assert event.detail["rows"] == 2
    assert event.detail["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event.username == officer_a.username


def test_the_city_chooses_a_township_for_the_official_ledger(
    as_user, city_reviewer, ledger, township_b
):
    client = as_user(city_reviewer)
    assert client.post(OFFICIAL).status_code == 404
    ws = sheet(client.post(OFFICIAL, {"township": township_b.pk}))
    assert ws["A2"].value == "单位（盖章）：顺店镇人民政府"
    assert ws["D5"].value == "顺店镇的问题" and ws["A6"].value is None


def test_the_internal_ledger_has_every_field(as_user, officer_a, ledger):
    first, second, d1, d2 = ledger
    ws = sheet(as_user(officer_a).post(INTERNAL))
    header = [c.value for c in ws[3]]
    assert header[:8] == [
        "乡镇",
        "序号",
        "问题类型",
        "问题性质",
        "问题方面",
        "问题表述",
        "整改措施",
        "完成时限",
    ]
    rows = {
        r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)
    }
    one, two = rows[1], rows[2]
    assert one["乡镇"] == "火龙镇" and one["责任领导"] is None
    assert one["涉及户数"] == 1 and one["佐证数"] == 1 and one["进展条数"] == 1
    assert one["状态"] == "已整改待核验" and one["来源"] == "乡镇自查"
    assert one["时限提示"] == "正常" and one["最新进展日期"].date() == dt.date.today()
    assert two["涉及户数"] == 3 and two["问题性质"] == "共性问题"
    assert two["整改措施"] == '\'=HYPERLINK("http://x","点我")'
    assert len(rows) == 2
    # printed: A3 landscape (22 columns), fitted to the width, the header on every page,
    # every row as tall as its most wrapped cell
    assert str(ws.page_setup.paperSize) == "8" and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[3].height >= 30  # wrapped labels such as 关联筛查问题数
    assert all(ws.row_dimensions[r].height for r in (4, 5))


def test_the_county_rollup_for_the_city(as_user, city_reviewer, officer_a, ledger, township_a):
    response = as_user(city_reviewer).post(COUNTY)
    ws = sheet(response)
    header = [c.value for c in ws[3]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)
    }
    huolong = rows["火龙镇"]
    assert huolong["台账条目"] == 2 and huolong["已整改待核验"] == 1 and huolong["待整改"] == 1
    assert huolong["共性问题"] == 1 and huolong["个性问题"] == 1
    assert huolong["待纳入的草稿"] == 1 and huolong["已逾期"] == 0
    assert rows["顺店镇"]["台账条目"] == 1
    assert rows["合计"]["台账条目"] == 3
    assert len(rows) == 27  # 26 townships and the total
    assert as_user(officer_a).post(COUNTY).status_code == 403


def test_exports_are_post_only_and_rate_limited(as_user, officer_a, ledger):
    client = as_user(officer_a)
    assert client.get(OFFICIAL).status_code == 405
    for _ in range(5):
        assert client.post(OFFICIAL).status_code == 200
    refused = client.post(OFFICIAL)
    assert refused.status_code == 429 and "一分钟后再试" in refused.content.decode()


def test_a_village_worker_cannot_export(as_user, worker_a, ledger):
    assert as_user(worker_a).post(OFFICIAL).status_code == 403
    assert as_user(worker_a).post(INTERNAL).status_code == 403
