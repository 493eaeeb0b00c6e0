"""Two sessions edit one ledger entry (issue #13, major 5): the later save from a page
opened earlier is refused with the message, the differences and the user's input kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_stale_ledger_form_is_refused_on_the_page(new_page, viewport):
    first = new_page("shundian_jb", viewport=viewport)
    first.goto("/ledger/?state=in_progress")
    # An entry's own link (its number in the table, "第N号 · …" on a phone card), not a quality
    # hint above the list, whose text also starts with 第N号 but changes with every save.
    entry = re.compile(r"^\s*(\d+|第\d+号 · .+)\s*$")
    first.locator("a[href^='/ledger/'][href$='/']:visible").filter(has_text=entry).first.click()
    edit = first.url.split("#")[0].rstrip("/") + "/edit/"
    first.goto(edit)
    second = new_page("shundian_jb", viewport=DESKTOP)  # the same officer at a desktop
    second.goto(edit)
    second.get_by_label("整改措施").fill(f"由村两委本周内完成挂牌并拍照存档（{viewport['width']}）")
    second.get_by_role("button", name="保存").click()
    second.wait_for_url("**/ledger/*/")

    later = dt.date.today() + dt.timedelta(days=12)
    first.get_by_label("完成时限").fill(later.isoformat())
    first.get_by_role("button", name="保存").click()
    alert = first.locator(".alert-danger, .alert-error").first
    assert "未保存：您打开页面之后" in alert.inner_text()
    assert "shundian_jb" in alert.inner_text()
    assert first.get_by_label("完成时限").input_value() == later.isoformat()
    assert first.get_by_role("heading", name="已保存的内容与您填写的不同之处").is_visible()
    assert axe_violations(first) == []
    assert first.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(first, f"ledger-conflict-{viewport['width']}")
