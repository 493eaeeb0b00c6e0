"""Rounds in a real browser, on the demo county: the city administrator (shi_admin) copies
the demo round into next year's from the bureau's document, saves the draft and publishes
it; 火龙镇's officer sees the current round's phases on the home page, and opens the other
round's ledger through the round selector and comes back. Screenshots go to
artifacts/screenshots/rounds-*.png (desktop and 390 px)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

BEIJING = ZoneInfo("Asia/Shanghai")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_admin_copies_last_round_and_a_township_opens_it_from_the_selector(new_page):
    problems = {}
    page = new_page("shi_admin", viewport=DESKTOP)
    page.goto("/rounds/")
    assert "（演示）" in page.content()
    page.get_by_role("link", name="复制上一轮").click()
    page.wait_for_url(re.compile(r".*/rounds/new/\?from=\d+$"))
    # The copy carries the schedule: the weekly report day is the demo round's.
    assert page.get_by_label("每周报送日").input_value() == "4"
    start = dt.datetime.now(BEIJING).date() + dt.timedelta(days=365)
    day = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    page.get_by_label("名称").fill("测试县2031年度农村危房改造“回头看”")
    page.get_by_label("文号").fill("测建〔2031〕7号")
    page.get_by_label("开始日期").fill(day(0))
    page.get_by_label("结束日期").fill(day(40))
    page.get_by_label("动员部署阶段截止日期").fill(day(8))
    page.get_by_label("动员部署阶段方案要求").fill("开始后一周内")
    page.get_by_label("排查整改阶段截止日期").fill(day(30))
    page.get_by_label("总结验收阶段截止日期").fill(day(39))
    screenshot(page, "rounds-desktop-form")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    assert "草稿" in page.content() and "开始后一周内" in page.content()
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    assert "已发布" in page.locator(".alert-success").inner_text()
    screenshot(page, "rounds-desktop-detail")
    problems["detail"] = axe_violations(page)

    phone = new_page("shi_admin", viewport=PHONE)
    phone.goto(page.url.replace(page.url.split("/rounds/")[0], ""))
    assert fits_the_phone(phone)
    screenshot(phone, "rounds-phone-detail")
    phone.goto("/rounds/new/")
    assert fits_the_phone(phone)
    screenshot(phone, "rounds-phone-form")

    officer = new_page("huolong_jb", viewport=PHONE)
    home = officer.content()
    assert "本轮“回头看”" in home and "排查整改阶段" in home and "进行中" in home
    screenshot(officer, "rounds-phone-township-home")
    officer.get_by_role("button", name="展开菜单").click()
    officer.locator("#mainnav").get_by_role("link", name="“回头看”轮次").click()
    officer.wait_for_url("**/rounds/")
    assert fits_the_phone(officer)
    screenshot(officer, "rounds-phone-list")
    problems["list"] = axe_violations(officer)
    officer.get_by_role("button", name="查看此轮的台账、周报等").first.click()
    officer.wait_for_url("**/")
    assert "正在查看" in officer.content() and "测建" not in officer.locator("h1").inner_text()
    officer.goto("/ledger/")
    assert "正在查看：" in officer.content() and "测试县2031年度" in officer.content()
    screenshot(officer, "rounds-phone-viewing-ledger")
    assert fits_the_phone(officer)
    officer.get_by_role("button", name="回到当前轮次").click()
    officer.wait_for_url("**/")
    assert "正在查看：" not in officer.content()
    assert problems == {"detail": [], "list": []}, problems
