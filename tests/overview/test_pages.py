"""The overview pages: who sees what, numbers that link to their records, the chart data,
the refresh button, the county summary (.docx and .xlsx) and the home panel."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from anju.audit.models import AuditEvent
from anju.overview import keys as K
from anju.overview.models import Snapshot
from tests.test_redirects import EVIL

pytestmark = pytest.mark.django_db


def test_city_sees_the_county_with_linked_numbers(
    as_user, city_reviewer, refreshed, today, township_a
):
    response = as_user(city_reviewer).get("/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "全县概览" in html and "各乡镇排名" in html and "统计于" in html
    ov = response.context["ov"]
    a = next(r for r in ov.rows if r["unit"] == township_a)
    # the planted numbers link to the list pages with their filters
    assert f'href="/households/?township={township_a.pk}&amp;campaign=on">5</a>' in html
    assert f'href="/ledger/?township={township_a.pk}&amp;light=red">1</a>' in html
    assert a["links"][K.FINDING_ASPECT["4"]] == f"/screening/?township={township_a.code}&aspect=4"
    assert a["links"][K.HH_PLAQUED].endswith("plaque=yes")
    assert 'data-overview-src="/overview/data/"' in html
    assert "vendor/echarts/echarts.min.js" in html and "overview/overview.js" in html


def test_every_link_on_the_county_page_opens(as_user, city_reviewer, refreshed, today):
    client = as_user(city_reviewer)
    html = client.get("/overview/").content.decode()
    links = {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)}
    targets = [u for u in links if not u.startswith(("/static/", "/account/"))]
    assert len(targets) > 20
    for url in sorted(targets):
        assert client.get(url, follow=True).status_code == 200, url


def test_every_link_on_the_township_page_opens(as_user, officer_a, refreshed, today):
    client = as_user(officer_a)
    html = client.get("/overview/").content.decode()
    assert "本镇概览" in html and "各村情况" in html
    links = {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)}
    for url in sorted(u for u in links if not u.startswith(("/static/", "/account/"))):
        assert client.get(url, follow=True).status_code == 200, url


def test_chart_data_carries_the_numbers_and_their_links(as_user, city_reviewer, refreshed, today):
    data = as_user(city_reviewer).get("/overview/data/").json()
    charts = data["charts"]
    assert set(charts) == {"aspects", "ledger", "weeks", "trend", "ranking", "coverage"}
    aspects = dict(
        zip(charts["aspects"]["categories"], charts["aspects"]["series"][0]["data"], strict=True)
    )
    assert aspects["住房安全性认定"]["value"] == 2
    assert aspects["住房安全性认定"]["url"] == "/screening/?aspect=1"
    ledger = {d["name"]: d["value"] for d in charts["ledger"]["series"][0]["data"]}
    assert ledger == {"整改中（未逾期）": 1, "已逾期": 1, "已销号": 4}
    ranking = dict(
        zip(charts["ranking"]["categories"], charts["ranking"]["series"][0]["data"], strict=True)
    )
    assert ranking["顺店镇"]["value"] == 100.0 and ranking["火龙镇"]["value"] == 33.3
    assert data["computed_at"]


def test_a_township_sees_only_its_own_overview(
    as_user, officer_b, township_a, township_b, refreshed, today
):
    client = as_user(officer_b)
    own = client.get("/overview/")
    assert own.status_code == 200 and own.context["ov"].township == township_b
    assert "火龙镇" not in own.content.decode()
    assert client.get(f"/overview/townships/{township_a.pk}/").status_code == 404
    assert client.get(f"/overview/townships/{township_a.pk}/data/").status_code == 404
    assert client.get("/overview/data/").status_code == 403
    assert AuditEvent.objects.filter(
        event="permission_denied", username=officer_b.username
    ).exists()
    data = client.get(f"/overview/townships/{township_b.pk}/data/").json()
    assert set(data["charts"]) == {"aspects", "ledger", "trend", "coverage"}


def test_the_city_drills_down_into_a_township(as_user, city_reviewer, township_a, refreshed, today):
    response = as_user(city_reviewer).get(f"/overview/townships/{township_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "火龙镇概览" in html and "甲二村" in html
    # the city sees the spot-check still under way; the township would not
    assert response.context["ov"].total["spot_label"] == "不合格"


@pytest.mark.parametrize("persona", ["worker_a", "inspector", "security_admin", "audit_admin"])
def test_other_roles_have_no_overview(request, as_user, persona, refreshed):
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/overview/").status_code == 403


def test_sort_by_a_column(as_user, city_reviewer, refreshed, today):
    client = as_user(city_reviewer)
    rows = client.get("/overview/?sort=l_overdue&order=desc").context["ov"].rows
    assert rows[0]["unit"].name == "火龙镇"
    rows = client.get("/overview/?sort=nonsense").context["ov"].rows
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)


def test_every_city_role_may_refresh(as_user, city_admin, city_reviewer, officer_a, planted, today):
    assert as_user(officer_a).post("/overview/refresh/").status_code == 403
    assert "重新统计</button>" not in as_user(officer_a).get("/overview/").content.decode()
    for n, user in enumerate((city_admin, city_reviewer), start=1):
        client = as_user(user)
        page = client.get("/overview/").content.decode()
        assert "重新统计</button>" in page
        response = client.post("/overview/refresh/", {"next": "/overview/"}, follow=True)
        assert "已重新统计" in response.content.decode()
        assert Snapshot.objects.done().count() == n
        assert AuditEvent.objects.filter(
            object_type="overview.snapshot", username=user.username
        ).exists()


def test_no_snapshot_yet_says_so(as_user, city_reviewer, planted, today):
    html = as_user(city_reviewer).get("/overview/").content.decode()
    assert "尚未统计" in html and "请点击“重新统计”" in html
    assert as_user(city_reviewer).get("/overview/data/").json()["charts"] == {}


def test_county_summary_docx(as_user, city_reviewer, refreshed, today):
    response = as_user(city_reviewer).post("/overview/summary/docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于禹州市农村危房改造“回头看”工作进展情况的报告" in text
    assert "许昌市住房和城乡建设局：" in text
    assert "纳入排查范围的农户共7户" in text
    assert "整改台账共列入问题6个，已整改销号4个，整改率66.7%" in text
    assert "已超过完成时限1个" in text
    assert "附件：禹州市农村危房改造“回头看”工作进展汇总表" in text
    assert any(p.startswith("\t签发人：") for p in text.split("\n"))  # 上行文
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"火龙镇", "顺店镇", "33.3%", "100.0%", "不合格", "合格"} <= cells
    assert "张三" not in text and not any("张三" in c for c in cells)
    assert AuditEvent.objects.filter(
        event="export", object_type="overview.county_summary.docx"
    ).exists()


def test_county_summary_xlsx_cells(as_user, city_reviewer, refreshed, today):
    response = as_user(city_reviewer).post("/overview/summary/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["住房安全", "问题与整改", "周报、走访与抽查", "分周趋势"]
    rows: dict[str, dict] = {}
    for name in book.sheetnames[:3]:  # one sheet per subject, each on A4 landscape
        sheet = book[name]
        assert sheet["A1"].value == f"禹州市农村危房改造“回头看”工作进展汇总表（{name}）"
        header = [c.value for c in sheet[3]]
        assert header[0] == "乡镇" and len(header) <= 13
        for r in sheet.iter_rows(min_row=4, values_only=True):
            rows.setdefault(r[0], {}).update(zip(header, r, strict=True))
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    a = rows["火龙镇"]
    assert (a["范围内农户"], a["已鉴定"], a["已挂牌"], a["C/D级未改造到位"]) == (5, 4, 2, 2)
    assert (a["台账问题"], a["已销号"], a["已逾期"], a["整改率（%）"]) == (3, 1, 1, 33.3)
    assert (a["逾期报送（周次）"], a["未报送（周次）"], a["虚假整改"]) == (1, 1, 1)
    assert rows["顺店镇"]["整改率（%）"] == 100.0
    total = rows["合计"]
    assert (total["范围内农户"], total["台账问题"], total["已销号"]) == (7, 6, 4)
    weeks = book["分周趋势"]
    assert [c.value for c in weeks[4]][:5] == [
        "第1周",
        "6月1日—6月3日",
        "6月3日（星期五）17:00",
        6,
        0,
    ]
    # no formula anywhere: every cell is a plain value
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_the_summary_needs_a_snapshot(as_user, city_reviewer, planted, today):
    response = as_user(city_reviewer).post("/overview/summary/xlsx/")
    assert response.status_code == 409 and "尚未统计" in response.content.decode()


def test_home_panel_and_menu(as_user, city_reviewer, officer_a, refreshed, today):
    html = as_user(city_reviewer).get("/").content.decode()
    assert "全县概览" in html and "逾期未整改" in html and 'href="/overview/"' in html
    html = as_user(officer_a).get("/").content.decode()
    assert "本镇概览" in html and "全县概览" not in html


@pytest.mark.parametrize(
    "key",
    [K.HH_SCOPE, K.HH_ASSESSED, K.HH_PLAQUED, K.HH_C_PENDING, K.HH_D_PENDING, "cd_pending"],
)
def test_each_household_number_links_to_exactly_its_households(
    as_user, city_reviewer, refreshed, today, key
):
    client = as_user(city_reviewer)
    ov = client.get("/overview/").context["ov"]
    for row in ov.rows:
        url = row["links"][key]
        listed = client.get(url).context["page"].rows
        assert len(listed) == row[key], (key, row["unit"].name, url)
    assert key not in ov.approximate


def test_the_open_entries_number_links_to_exactly_the_open_entries(
    as_user, city_reviewer, refreshed, today
):
    client = as_user(city_reviewer)
    ov = client.get("/overview/").context["ov"]
    for row in ov.rows:
        page = client.get(row["links"][K.L_OPEN]).context["page"]
        assert page.paginator.count == row[K.L_OPEN], row["unit"].name
        assert all(entry.state != "closed" for entry in page)


@pytest.mark.parametrize("url", [*EVIL[:5], "/overview/\\evil.example", "/overview/%5C%5Cevil"])
def test_the_refresh_never_sends_the_user_away(as_user, city_admin, url):
    response = as_user(city_admin).post("/overview/refresh/", {"next": url})
    assert response.status_code == 302
    assert response["Location"] == "/overview/"
