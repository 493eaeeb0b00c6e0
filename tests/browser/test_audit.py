"""The audit administrator's anchors page: the signed head to print (SECURITY.md row 11)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_audit_admin_prints_the_anchors_page(new_page, viewport):
    page = new_page("shi_shenji", viewport=viewport)
    page.goto("/audit/")
    page.get_by_role("link", name="审计链锚点（链头签名，打印存档）").click()
    page.wait_for_url("**/audit/anchors/")
    assert page.get_by_role("heading", name="审计链锚点").is_visible()
    # the demo wrote audit rows today: the first of them anchored the day
    assert "每日" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"audit-anchors-{viewport['width']}")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印本页").is_visible()
    screenshot(page, f"audit-anchors-{viewport['width']}-print")
