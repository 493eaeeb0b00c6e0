"""The county overview and a notice in a real browser, on the demo county: the city reviewer
(shi_shenhe) opens 全县概览, sees the charts drawn, follows a number to the records behind
it, drills into a township, then drafts a notice from the proposals, previews it and issues
it; 火龙镇's officer sees 本镇概览 on a phone. Screenshots: artifacts/screenshots/overview-*.png
and notices-*.png (desktop and 390 px)."""

from __future__ import annotations

import re

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

CHARTS = ("aspects", "ledger", "weeks", "trend", "ranking", "coverage")
# Where on the screen the tallest bar of the aspects chart is, and where it leads.
BIGGEST_BAR = """() => {
  const el = document.querySelector('[data-chart="aspects"]');
  el.scrollIntoView({behavior: "instant", block: "center"});  // Bootstrap scrolls smoothly
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getOption().series[0].data;
  let best = 0;
  data.forEach((d, i) => { if (d.value > data[best].value) { best = i; } });
  const xy = chart.convertToPixel({seriesIndex: 0}, [best, data[best].value / 2]);
  const box = el.getBoundingClientRect();
  return {x: box.left + xy[0], y: box.top + xy[1], url: data[best].url};
}"""


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def wait_for_charts(page, names) -> None:
    for name in names:
        page.wait_for_selector(
            f'[data-chart="{name}"] canvas, [data-chart="{name}"].ov-chart-empty', timeout=15000
        )


def test_the_overview_draws_its_charts_and_leads_to_records(new_page):
    problems: dict[str, list] = {}
    page = new_page("shi_shenhe", viewport=DESKTOP)
    page.get_by_role("link", name="全县概览", exact=True).click()
    page.wait_for_url("**/overview/")
    assert page.locator("h1").inner_text().startswith("全县概览")
    assert "统计于" in page.locator("[data-testid=computed-at]").inner_text()
    wait_for_charts(page, CHARTS)
    drawn = page.locator(".ov-chart canvas").count()
    assert drawn >= 4, drawn  # the ledger-based charts may be empty in the demo
    assert page.locator("section[aria-labelledby=ranking-title] tbody tr").count() == 26
    screenshot(page, "overview-desktop-county")
    problems["county"] = axe_violations(page)

    # a number leads to the records behind it: the county's in-scope households
    scope = page.locator('[data-kpi="hh_scope"] a')
    count = int(scope.inner_text())
    assert count > 0
    scope.click()
    page.wait_for_url(re.compile(r".*/households/\?.*campaign=on"))
    assert "农户" in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() > 0
    page.go_back()

    # a bar of a chart leads to its records too: the aspect with most findings
    wait_for_charts(page, ("aspects",))
    point = page.evaluate(BIGGEST_BAR)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r".*/screening/\?aspect=\w"))
    assert point["url"] in page.url
    page.go_back()

    # a township's name opens its own overview, with its villages
    page.locator("table.ov-table tbody tr", has_text="火龙镇").get_by_role(
        "link", name="火龙镇"
    ).click()
    page.wait_for_url(re.compile(r".*/overview/townships/\d+/$"))
    assert "火龙镇概览" in page.locator("h1").inner_text()
    wait_for_charts(page, ("aspects", "coverage"))
    assert page.locator("#villages-title").is_visible()
    screenshot(page, "overview-desktop-township")

    # the same page at phone width
    page.set_viewport_size(PHONE)
    page.goto("/overview/")
    wait_for_charts(page, CHARTS)
    assert fits_the_phone(page)
    screenshot(page, "overview-phone-county")
    assert problems == {"county": []}


def test_a_township_sees_its_own_overview_on_a_phone(new_page):
    page = new_page("huolong_jb", viewport=PHONE)
    page.goto("/overview/")
    assert "本镇概览" in page.locator("h1").inner_text()
    wait_for_charts(page, ("aspects", "ledger", "trend", "coverage"))
    assert page.locator('[data-chart="coverage"] canvas').count() == 1
    assert fits_the_phone(page)
    screenshot(page, "overview-phone-township")
    assert page.request.get("/overview/data/").status == 403  # the county's data is the city's


def test_the_reviewer_drafts_previews_and_issues_a_notice(new_page):
    page = new_page("shi_shenhe", viewport=DESKTOP)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="通报", exact=True).click()
    page.wait_for_url("**/notices/")
    page.get_by_role("link", name="按建议名单起草通报").click()
    page.wait_for_url("**/notices/propose/")
    assert "建议通报批评" in page.content()
    screenshot(page, "notices-desktop-propose")
    # nothing comes pre-ticked (#17 item 5): the reviewer ticks the first two proposals
    assert page.locator("input[name=pick]:checked").count() == 0
    boxes = page.locator("input[name=pick]")
    assert boxes.count() >= 2
    for i in range(2):
        boxes.nth(i).check()
    picked = page.locator("input[name=pick]:checked").count()
    assert picked == 2
    page.get_by_role("button", name="用所选乡镇生成通报草稿").click()
    page.wait_for_url(re.compile(r".*/notices/\d+/edit/$"))
    assert page.locator("fieldset").count() == picked
    page.get_by_label("发文字号").fill("禹建〔2022〕88号")
    screenshot(page, "notices-desktop-edit")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    screenshot(page, "notices-phone-edit")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="保存并预览").click()
    page.wait_for_url(re.compile(r".*/notices/\d+/$"))
    paper = page.locator(".notice-paper")
    assert "禹建〔2022〕88号" in paper.inner_text()
    # the 版头 (red 发文机关标志 and the number under it) and the 版记 (抄送, 印发)
    # the offices come from the round (#16 item 4); the demo round names itself a demonstration
    assert paper.locator(".notice-mark").inner_text() == "禹州市住房和城乡建设局（演示）文件"
    imprint = paper.locator(".notice-imprint").inner_text()
    assert "抄送：上级住房和城乡建设主管部门（演示）。" in imprint
    assert "禹州市住房和城乡建设局（演示）办公室" in imprint
    screenshot(page, "notices-desktop-preview")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    screenshot(page, "notices-phone-preview")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="印发通报").click()
    page.wait_for_selector(".alert-success")
    assert "通报已印发（禹建〔2022〕88号）" in page.locator(".alert-success").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载通报（Word）").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert "SHA-256" in page.content()
    page.set_viewport_size(PHONE)
    page.reload()
    assert fits_the_phone(page)
    screenshot(page, "notices-phone-issued")


def test_every_city_role_refreshes_and_the_page_says_when_it_counted(new_page):
    """#17 item 1: the city reviewer (not only the administrator) presses 重新统计, on a
    phone and a desktop; 统计于 is the moment the numbers describe, and the line says how the
    numbers are kept fresh (here no worker runs: the browser server runs tasks in-process)."""
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page("shi_shenhe", viewport=viewport)
        page.goto("/overview/")
        status = page.locator("[data-testid=computed-at]")
        before = status.locator("time").get_attribute("datetime")
        assert "点击“重新统计”后更新。" in status.inner_text()
        page.get_by_role("button", name="重新统计").click()
        page.wait_for_url("**/overview/")
        assert "已重新统计" in page.locator(".alert").first.inner_text()
        after = page.locator("[data-testid=computed-at] time").get_attribute("datetime")
        assert after > before, (before, after)
        assert fits_the_phone(page) or viewport is DESKTOP
        screenshot(page, f"overview-{name}-refreshed")
        page.goto("/")
        panel = page.locator("#panel-overview").locator("..")
        assert "统计于" in panel.locator("[data-testid=computed-at]").inner_text()
        screenshot(page, f"overview-{name}-home-panel")
