"""动态监测 in a real browser: a city officer finds an 应纳未纳 household of the demo's
department lists (a finding on the list record, marked 未建档), registers it with one click
(登记入档, the village preselected from the list), the registry household exists with the
list's facts and the 应纳未纳 finding has resolved itself; the house then gets its
assessment and the household's last finding (未鉴定) resolves itself too. Phone and desktop
screenshots (artifacts/screenshots/monitoring-*.png), axe-core on each page.

The acceptance demo settles every finding of its two townships, so the open 应纳未纳 are in
the others: the city's reviewer (an editor of every village) registers one."""

from __future__ import annotations

import re

from tests.browser.conftest import PHONE, axe_violations, screenshot


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_unregistered_household_is_registered_assessed_and_its_findings_resolve(new_page):
    problems = {}
    phone = new_page("shi_shenhe", viewport=PHONE)
    phone.goto("/screening/?rule=M-01&status=open")
    listing = phone.locator("main").inner_text()
    assert "应纳未纳" in listing and "未建档" in listing
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-m01-list-phone")
    problems["list"] = axe_violations(phone)
    phone.locator("main a[href^='/screening/findings/']").first.click()
    phone.wait_for_url(re.compile(r".*/screening/findings/\d+/$"))
    finding_url = phone.url
    detail = phone.locator("main").inner_text()
    assert "农户档案中没有此户" in detail and "登记入档" in detail
    assert "确认问题（纳入整改）" not in detail  # nothing to put on a ledger entry yet
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-m01-finding-phone")
    problems["finding"] = axe_violations(phone)

    desktop = new_page("shi_shenhe")
    desktop.goto(finding_url)
    screenshot(desktop, "monitoring-m01-finding-desktop")
    village = desktop.get_by_label("所在行政村")
    if not village.input_value():
        village.select_option(index=1)
    desktop.get_by_role("button", name="登记入档").click()
    desktop.wait_for_url(re.compile(r".*/households/\d+/$"))
    household_url = desktop.url
    page = desktop.locator("main").inner_text()
    head = re.search(r"已登记入档：(\S+?)户", desktop.locator(".alert-success").inner_text())
    assert head and head.group(1) in detail and head.group(1) in page  # the list's head
    screenshot(desktop, "monitoring-registered-household-desktop")
    problems["household"] = axe_violations(desktop)

    desktop.goto(finding_url)
    assert "已消除" in desktop.locator("main").inner_text()
    assert "已建档，查看农户档案" in desktop.locator("main").inner_text()

    # the house is assessed; the household's own finding (no assessment) resolves itself
    desktop.goto(household_url)
    assert "A1-01" in desktop.locator("#findings").inner_text()
    desktop.goto(household_url + "assessments/new/")
    desktop.get_by_label("鉴定日期").fill("2026-12-01")
    desktop.get_by_label("鉴定等级").select_option("B")
    desktop.get_by_label("鉴定人员").fill("禹州市房屋安全鉴定站")
    desktop.get_by_role("button", name="保存").click()
    desktop.wait_for_url(household_url + "*")
    assert "A1-01" not in desktop.locator("#findings").inner_text()
    phone.goto(household_url)
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-assessed-household-phone")
    assert problems == {k: [] for k in problems}
