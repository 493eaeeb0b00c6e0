"""Every demo role logs in, visits every page in its navigation, at desktop and phone width;
each page is screenshotted and audited with axe-core (no serious or critical violation)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, axe_violations, screenshot

ROLES = [
    "shi_admin",
    "shi_shenhe",
    "shi_choucha",
    "shi_anquan",
    "shi_shenji",
    "huolong_jb",
    "huolong_fzr",
    "huolong_cun",
]


def test_login_page_is_chinese_accessible_and_refuses_a_wrong_password(new_page):
    page = new_page()
    page.goto("/account/login/")
    assert page.title().startswith("登录")
    assert axe_violations(page) == []
    screenshot(page, "login")
    login_button = page.get_by_role("button", name="登录")
    page.get_by_label("用户名").fill("huolong_jb")
    page.get_by_label("密码").fill("not-the-password")
    login_button.click()
    assert "用户名或密码不正确" in page.locator(".alert-danger").inner_text()


@pytest.mark.parametrize("username", ROLES)
def test_each_role_visits_its_pages(new_page, username):
    page = new_page(username)
    links = page.locator("#mainnav .nav-link")
    urls = ["/"] + [links.nth(i).get_attribute("href") for i in range(links.count())]
    problems = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("h1").count() >= 1, url
        name = f"{username}{url.replace('/', '_').rstrip('_') or '_home'}"
        screenshot(page, name)
        found = axe_violations(page)
        if found:
            problems[url] = found
    assert problems == {}


def test_phone_width_home_with_collapsed_menu(new_page):
    page = new_page("huolong_jb", viewport=PHONE)
    menu = page.get_by_role("button", name="展开菜单")
    assert menu.is_visible()
    menu.click()
    page.locator("#mainnav.show").wait_for()
    screenshot(page, "phone-huolong_jb-home-menu")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []


def test_logout_returns_to_login(new_page):
    page = new_page("huolong_jb")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/account/login/")
    page.goto("/")
    assert "/account/login/" in page.url
