"""The real server's access log after searches by ID number and phone (issue #13, major 8;
SECURITY.md row 16): gunicorn started as `make run` starts it (the project's
gunicorn.conf.py), its access log grepped for full ID numbers and mobiles."""

from __future__ import annotations

import datetime as dt
import re

from anju.registry import idcard
from tests.browser.conftest import DESKTOP, PHONE, screenshot

FULL_ID = re.compile(r"(?<![0-9*])\d{17}[\dXx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9*])1[3-9]\d{9}(?!\d)")


def test_sec_16_searches_leave_no_id_or_phone_in_the_access_log(new_page, access_log):
    an_id = idcard.make("411081", dt.date(1958, 3, 14), 321)
    a_phone = "13698765432"
    page = new_page("huolong_jb", viewport=PHONE)

    page.goto("/households/")
    page.get_by_label("户主姓名或身份证号").fill(an_id)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**idh=*")
    page.get_by_label("户主姓名或身份证号").fill(a_phone)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**qk=*")
    assert a_phone not in page.url and a_phone not in page.content()
    assert "按“136****5432”查找" in page.locator("main").inner_text()
    screenshot(page, "phone-households-sealed-search")

    page.goto("/ledger/")
    page.get_by_label("关键词（问题、措施、户主姓名或序号）").fill(a_phone)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**qk=*")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "ledger-sealed-search")
    page.set_viewport_size(PHONE)

    page.goto("/visits/households/")
    page.get_by_label("户主姓名").fill(an_id)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**qk=*")
    screenshot(page, "phone-worklist-sealed-search")

    # typed into the address bar: redirected, and the one line that held it is masked
    page.goto(f"/households/?q={an_id}")
    page.wait_for_url("**idh=*")
    page.goto(f"/ledger/?q={a_phone}")
    page.wait_for_url("**qk=*")

    log = access_log.read_text()
    assert "POST /households/" in log and "GET /ledger/?qk=" in log
    assert FULL_ID.findall(log) == [] and MOBILE.findall(log) == []
    assert f"{an_id[:6]}********{an_id[-4:]}" in log
    assert f"{a_phone[:3]}****{a_phone[-4:]}" in log
