"""Every page fits a phone (#17 item 9): each demo role walks the site at 390 px — every
menu entry and every link a page offers, one example of each URL pattern — and no page may
be wider than the screen (document.documentElement.scrollWidth <= 390). Wide content
(tables, tab rows) scrolls inside its own box, which says so. The pages named in the issue
are photographed: artifacts/screenshots/phone-*.png."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot

ROLES = (
    "shi_admin",
    "shi_shenhe",
    "shi_choucha",
    "shi_anquan",
    "shi_shenji",
    "huolong_jb",
    "huolong_fzr",
    "huolong_cun",
)
# Not pages: leaving, files, the static tree, the admin (Django's own pages).
SKIP = re.compile(
    r"^/(static|media|admin)/|/logout/|/(download|export|file|files|photo|photos|scan|evidence)/"
    r"|\.(xlsx|docx|pdf|csv|zip|png|jpe?g)$"
)
PER_ROLE = 90  # URL patterns walked per role at most (the demo offers fewer)
WIDEST = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed') {
      let inside = el.parentElement;  // skip what sits inside a scrolling box
      let clipped = false;
      while (inside) {
        const o = getComputedStyle(inside).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
        inside = inside.parentElement;
      }
      if (!clipped) out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 5);
}"""


def pattern(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        if SKIP.search(path):
            continue
        found.append(href)
    return found


def walk(page, start: str = "/") -> tuple[dict[str, int], dict[str, list], int]:
    """Breadth-first over the links of each page; returns the width of each page seen, the
    elements sticking out of those too wide, and how many pages were opened."""
    queue, seen_patterns, widths, culprits = [start], set(), {}, {}
    opened = 0
    while queue and len(seen_patterns) < PER_ROLE:
        href = queue.pop(0)
        key = pattern(urlsplit(href).path)
        if key is None or key in seen_patterns:
            continue
        seen_patterns.add(key)
        try:
            response = page.goto(href)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        opened += 1
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        widths[href] = width
        if width > PHONE["width"]:
            culprits[href] = page.evaluate(WIDEST)
        queue.extend(links(page))
    return widths, culprits, opened


def test_every_page_fits_a_phone_for_every_role(new_page):
    too_wide = {}
    total = 0
    measured = {}
    for username in ROLES:
        page = new_page(username, viewport=PHONE)
        widths, culprits, opened = walk(page)
        measured[username] = widths
        total += opened
        assert opened >= 3, (username, widths)
        for href, width in widths.items():
            if width > PHONE["width"]:
                too_wide[f"{username} {href}"] = (width, culprits.get(href))
    # What was measured, for the record: artifacts/phone-widths.json (role → page → px).
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "phone-widths.json").write_text(
        json.dumps(measured, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert total >= 100, total
    assert not too_wide, "\n".join(
        f"{k}: {w} px, sticking out: {c}" for k, (w, c) in too_wide.items()
    )


def test_the_pages_named_in_the_issue_on_a_phone_and_a_desktop(new_page):
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        # 筛查规则目录: no wider than the screen; its tables scroll in their own box.
        page = new_page("shi_shenhe", viewport=viewport)
        page.goto("/screening/rules/")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"phone-widths-{name}-rules")

        # 整改台账: every status tab is on the screen (they wrap, nothing is cut).
        page = new_page("huolong_jb", viewport=viewport)
        page.goto("/ledger/")
        tabs = page.locator(".state-tabs .nav-link")
        assert tabs.count() >= 4
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], i
        screenshot(page, f"phone-widths-{name}-ledger")

        # The head's weekly report: the frozen ledger comes first, each entry with its
        # 整改措施 and 完成时限 on the screen, then 审批并报送.
        page = new_page("shundian_fzr", viewport=viewport)
        page.goto("/reminders/")
        page.get_by_role("link", name=re.compile("待您审批")).first.click()
        page.wait_for_url(re.compile(r".*/reports/\d+/$"))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        ledger = page.locator("table.rep-ledger")
        approve = page.get_by_role("button", name="审批并报送")
        assert ledger.bounding_box()["y"] < approve.bounding_box()["y"]
        first = ledger.locator("tbody tr").first
        for column in ("整改措施", "完成时限"):
            cell = first.locator(f'td[data-label="{column}"]')
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= viewport["width"], column
            if viewport is PHONE:
                assert column in cell.evaluate("el => getComputedStyle(el, '::before').content"), (
                    column
                )
        screenshot(page, f"phone-widths-{name}-weekly-report")
