"""Notices (通报) in a real browser, on the demo county: the city reviewer (shi_shenhe) opens
the proposals — nothing ticked — ticks three townships and gets a draft naming exactly those
three (issue #17 item 5). Screenshots: artifacts/screenshots/notices-*.png."""

from __future__ import annotations

import re

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot


def test_exactly_the_ticked_townships_are_drafted(new_page):
    page = new_page("shi_shenhe", viewport=PHONE)
    page.goto("/notices/")
    page.get_by_role("link", name="按建议名单起草通报").click()
    page.wait_for_url("**/notices/propose/")
    boxes = page.locator('input[name="pick"]')
    assert boxes.count() > 3
    assert page.locator('input[name="pick"]:checked').count() == 0
    # Only published spot-check results are evidence: no batch still 核查中 is cited.
    assert "核查中" not in " ".join(page.locator("ul.list-group").all_inner_texts())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "notices-phone-propose")
    problems = axe_violations(page)

    page.set_viewport_size(DESKTOP)
    picked = []
    for i in (0, 1, boxes.count() - 1):
        box = boxes.nth(i)
        box.check()
        label = page.locator(f'label[for="{box.get_attribute("id")}"]').inner_text()
        picked.append(label.strip())
    assert page.locator('input[name="pick"]:checked').count() == 3
    screenshot(page, "notices-desktop-propose-ticked")
    page.get_by_role("button", name="用所选乡镇生成通报草稿").click()
    page.wait_for_url(re.compile(r".*/notices/\d+/edit/$"))
    named = [t.strip() for t in page.locator("fieldset legend").all_inner_texts()]
    assert sorted(named) == sorted(picked)
    screenshot(page, "notices-desktop-draft-three")
    assert problems == []
