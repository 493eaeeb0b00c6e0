"""One grade for a house (#17 item 3), on a phone and a desktop: the household list, the
household's header, the worklist and the visit form show the current grade (RULES.md
A1-04), labelled, with the grade before the renovation beside it; the method question is
asked against that earlier grade. Screenshots: artifacts/screenshots/grades-*.png."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_one_grade_from_the_list_to_the_visit_form(new_page, viewport):
    phone = viewport is PHONE
    page = new_page("huolong_jb", viewport=viewport)
    page.goto("/households/?renovation=accepted&campaign=on")  # on the worklist too
    rows = page.locator(".household-cards li" if phone else "table tbody tr")
    regraded = rows.filter(has_text="改造前").first
    text = regraded.inner_text()
    assert re.search(r"[AB]级\s*改造前 [CD]级", text), text
    if phone:
        assert "当前等级" in text
    else:
        assert page.get_by_role("columnheader", name="当前等级").is_visible()
    screenshot(page, f"grades-list-{viewport['width']}")
    regraded.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household = page.url.rstrip("/").rsplit("/", 1)[1]
    header = page.locator("h1").locator("..").inner_text()
    now, before = re.search(r"当前等级\s*([AB])级\s*改造前 ([CD])级", header).groups()
    assert axe_violations(page) == []
    screenshot(page, f"grades-household-{viewport['width']}")

    page.goto("/visits/households/")
    assert f"当前{now}级（改造前{before}级）" in page.locator(".worklist").inner_text()
    page.goto(f"/visits/households/{household}/")
    intro = page.locator("main p").first.inner_text()
    assert f"当前等级 {now}级（验收后等级；改造前 {before}级）" in intro
    form = page.locator("main").inner_text()
    assert "牌子上的等级与档案中的当前等级一致吗？" in form
    assert re.search(rf"档案：改造前鉴定等级 {before}级 · \S+", form)
    assert not re.search(rf"档案：{now}级 · ", form)  # "B级 · 原址重建" is gone
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"grades-visit-form-{viewport['width']}")
