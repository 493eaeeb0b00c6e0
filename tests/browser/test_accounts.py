"""A new account from end to end (三权分立, issue #13): the system administrator creates it,
the security administrator grants a role and issues the first password, and its owner is
made to change that password before anything else."""

from __future__ import annotations

import re

from tests.browser.conftest import PHONE, axe_violations, screenshot

NEW_PASSWORD = "Xin#Mima2022"


def test_a_new_account_gets_its_first_password_from_the_security_admin(new_page):
    admin = new_page("shi_admin")
    admin.goto("/admin/accounts/user/add/")
    assert admin.locator("input[name=password1]").count() == 0  # the admin issues none
    admin.locator("input[name=username]").fill("shundian_xin")
    admin.locator("input[name=full_name]").fill("陈新人")
    admin.locator("input[name=_save]").click()
    admin.wait_for_url(re.compile(r"/admin/accounts/user/\d+/change/"))
    pk = re.search(r"/user/(\d+)/", admin.url).group(1)

    security = new_page("shi_anquan", viewport=PHONE)
    security.goto(f"/account/security/{pk}/")
    assert "未签发" in security.locator("dl").inner_text()
    security.locator("#g-role").select_option("township_head")
    security.locator("#g-unit").select_option(label="411081101 顺店镇")
    security.get_by_role("button", name="保存授权").click()
    security.get_by_label("签发初始密码的说明").fill("新任乡镇负责人，本人到场领取")
    security.get_by_role("button", name="签发初始密码").click()
    issued = security.locator("[data-issued-password]").inner_text().strip()
    assert len(issued) == 14
    assert security.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(security, "phone-security-issued-password")
    security.set_viewport_size({"width": 1366, "height": 900})
    screenshot(security, "security-issued-password")
    assert axe_violations(security) == []

    owner = new_page()
    owner.goto("/account/login/")
    owner.get_by_label("用户名").fill("shundian_xin")
    owner.get_by_label("密码").fill(issued)
    owner.get_by_role("button", name="登录").click()
    owner.wait_for_url("**/account/password/")
    owner.goto("/households/")
    assert owner.url.endswith("/account/password/?next=/households/")
    owner.get_by_label("旧密码").fill(issued)
    owner.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    owner.get_by_label("新密码确认").fill(NEW_PASSWORD)
    owner.get_by_role("button", name="保存新密码").click()
    owner.wait_for_url("**/households/")
    assert owner.locator("h1").count() >= 1
    # any user may enrol a second factor of their own (asked at every login once enrolled)
    owner.set_viewport_size(PHONE)
    owner.goto("/account/otp/setup/")
    assert "每次登录都须输入验证器上的验证码" in owner.locator("main").inner_text()
    screenshot(owner, "phone-otp-setup-voluntary")
