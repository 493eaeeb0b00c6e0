"""Closing a round and carrying its open entries over (issue #16 item 5), in a real browser
on the demo county. The city administrator (shi_admin) drafts and publishes a round that
starts later this year (the demo round stays the current one, so the other browser tests
keep their round); 火龙镇's officer writes an entry in it through the round selector; the
administrator drafts the next round, closes the first and carries the entry over; the officer
finds it in the next round, renumbered, with its origin. Screenshots:
artifacts/screenshots/carry-*.png (desktop and 390 px)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

BEIJING = ZoneInfo("Asia/Shanghai")
FIRST = "测试县转入演练第一轮"
NEXT = "测试县转入演练第二轮"
DESCRIPTION = "转入演练：某户C级危房未挂牌"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _new_round(page, name: str, start: dt.date) -> str:
    """Fill the round form from scratch; returns the new round's path (a draft)."""
    day = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    page.goto("/rounds/new/")
    page.get_by_label("名称").fill(name)
    page.get_by_label("文号").fill("测建〔2031〕11号")
    page.get_by_label("开始日期").fill(day(0))
    page.get_by_label("结束日期").fill(day(40))
    page.get_by_label("动员部署阶段截止日期").fill(day(8))
    page.get_by_label("排查整改阶段截止日期").fill(day(30))
    page.get_by_label("总结验收阶段截止日期").fill(day(39))
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    return "/rounds/" + page.url.split("/rounds/")[1]


def _choose(page, name: str) -> None:
    page.goto("/rounds/")
    row = page.locator("li.list-group-item", has_text=name)
    row.get_by_role("button", name="查看此轮的台账、周报等").click()
    page.wait_for_url("**/")


def test_a_round_is_closed_and_its_open_entry_carried_over(new_page):
    problems = {}
    today = dt.datetime.now(BEIJING).date()
    first_start, next_start = today + dt.timedelta(days=100), today + dt.timedelta(days=200)

    admin = new_page("shi_admin", viewport=DESKTOP)
    first = _new_round(admin, FIRST, first_start)
    admin.get_by_role("button", name="发布").click()
    admin.wait_for_url(re.compile(r".*/rounds/\d+/$"))

    officer = new_page("huolong_jb", viewport=DESKTOP)
    officer.goto("/households/")
    household = officer.locator("table tbody tr td a").first.inner_text()
    _choose(officer, FIRST)
    officer.goto("/ledger/new/")
    officer.get_by_label("个性问题").check()
    officer.get_by_label("问题表述").fill(DESCRIPTION)
    officer.get_by_label("整改措施").fill("由村两委于本周五前完成挂牌并拍照存档")
    officer.get_by_label("完成时限").fill((first_start + dt.timedelta(days=20)).isoformat())
    finder = officer.get_by_label("按户主姓名或身份证号查找（本乡镇内）")
    finder.fill(household)
    finder.press("Enter")
    officer.locator("input[id^='hr-']").first.check()
    officer.get_by_role("button", name="保存").click()
    officer.wait_for_url(re.compile(r".*/ledger/\d+/$"))
    entry = "/ledger/" + officer.url.split("/ledger/")[1]

    _new_round(admin, NEXT, next_start)
    admin.goto(first)
    carry = admin.locator("#carry-h").locator("xpath=..")
    assert "1</strong> 条未销号的台账条目" in carry.inner_html()
    assert NEXT in admin.get_by_label("结束时转入").locator("option:checked").inner_text()
    screenshot(admin, "carry-desktop-offer")
    problems["offer"] = axe_violations(admin)

    phone = new_page("shi_admin", viewport=PHONE)
    phone.goto(first)
    assert fits_the_phone(phone)
    screenshot(phone, "carry-phone-offer")

    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="结束本轮").click()
    admin.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    done = admin.locator(".alert-success").inner_text()
    assert f"已结束“{FIRST}”" in done and f"1 条未销号的台账条目已转入“{NEXT}”" in done
    screenshot(admin, "carry-desktop-closed")
    phone.goto(first)
    assert "已结束" in phone.content() and fits_the_phone(phone)
    screenshot(phone, "carry-phone-closed")

    # The next round is published; the officer finds the entry there, 第1号, with its origin.
    admin.goto("/rounds/")
    admin.get_by_role("link", name=NEXT).click()
    admin.get_by_role("button", name="发布").click()
    admin.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    officer.set_viewport_size(PHONE)
    _choose(officer, NEXT)
    officer.goto(entry)
    body = officer.content()
    assert "上轮转入" in body and f"原“{FIRST}”第1号" in body and "转入下一轮" in body
    assert fits_the_phone(officer)
    screenshot(officer, "carry-phone-entry")
    problems["entry"] = axe_violations(officer)
    officer.get_by_role("button", name="回到当前轮次").click()
    assert problems == {"offer": [], "entry": []}, problems
