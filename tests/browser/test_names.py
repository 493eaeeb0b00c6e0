"""Names a person reads (#17 item 10), on a phone and a desktop: the audit log names the
record's kind, the user and the unit; the worklist says why a household was not visited;
the ledger's quality check takes "重新悬挂标识牌" as concrete and flags a measure naming a
day after its 完成时限. Screenshots: artifacts/screenshots/names-*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide"


@VIEWPORTS
def test_the_audit_log_names_people_units_and_records(new_page, viewport):
    page = new_page("shi_shenji", viewport=viewport)
    page.goto("/audit/")
    table = page.locator("table").inner_text()
    assert "钱审计" in table  # the audit administrator's own login, by name
    assert "禹州市" in table and "火龙镇" in table  # units by name
    assert "accounts.user" not in table and "rectification.ledgerentry" not in table
    assert "用户 钱审计（shi_shenji）" in table
    # no unit code in place of a name (a masked ID number 411081********9121 may show)
    assert not re.search(r"(?<![\d*])411081\d{0,6}(?![\d*])", table), table
    assert axe_violations(page) == []
    fits(page, viewport)
    screenshot(page, f"names-audit-{viewport['width']}")


@VIEWPORTS
def test_the_worklist_says_why_a_household_was_not_visited(new_page, viewport):
    page = new_page("huolong_jb", viewport=viewport)  # the demo explained 火龙镇's rest
    page.goto("/visits/households/")
    rows = page.locator(".worklist").inner_text()
    assert "未走访：" in rows and "电话核实" in rows
    assert "已说明原因" not in rows
    assert axe_violations(page) == []
    fits(page, viewport)
    screenshot(page, f"names-worklist-{viewport['width']}")


@VIEWPORTS
def test_a_measure_later_than_its_deadline_is_flagged(new_page, viewport):
    page = new_page("shundian_jb", viewport=viewport)
    page.goto("/households/")
    household = page.locator("table tbody tr td a").first.inner_text()
    page.goto("/ledger/new/")
    deadline = dt.date.today() + dt.timedelta(days=3)
    late = dt.date.today() + dt.timedelta(days=12)
    page.get_by_label("个性问题").check()
    page.get_by_label("问题表述").fill("浏览器测试：一户安全等级标识牌脱落")
    page.get_by_label("整改措施").fill(f"{late.month}月{late.day}日前重新悬挂标识牌并拍照存档")
    page.get_by_label("完成时限").fill(deadline.isoformat())
    page.get_by_label("责任领导").fill("副镇长 刘某")
    finder = page.get_by_label("按户主姓名或身份证号查找（本乡镇内）")
    finder.fill(household)
    finder.press("Enter")
    page.locator("input[id^='hr-']").first.check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/ledger/*/")
    hints = page.locator("main").inner_text()
    assert f"晚于完成时限 {deadline:%Y-%m-%d}" in hints
    assert "空泛" not in hints  # 悬挂 is a concrete verb
    assert axe_violations(page) == []
    fits(page, viewport)
    screenshot(page, f"names-ledger-late-{viewport['width']}")
