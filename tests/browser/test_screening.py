"""Screening in a real browser: the 火龙镇 officer adds a household and sees its finding at
once on the household page (re-screened on save), confirms it there, dismisses another
one at phone width after being told a reason is required; the city reviewer overturns the
dismissal; the city admin previews a parameter change and runs a township. Every page is
screenshotted (artifacts/screenshots/screening-*.png) and checked with axe-core."""

from __future__ import annotations

import datetime as dt
import random
import re

from anju.registry import idcard
from tests.browser.conftest import PHONE, axe_violations, screenshot


def unique_id() -> str:
    rng = random.SystemRandom()
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    return idcard.make("110105", born, rng.randrange(1000))


def add_household(page, name: str) -> str:
    """新增农户 through the registry's page; returns the household page's path."""
    page.goto("/households/new/")
    page.get_by_label("行政村").select_option(index=1)
    page.get_by_label("户主姓名").fill(name)
    page.get_by_label("身份证号").fill(unique_id())
    page.get_by_label("家庭人口").fill("3")
    page.get_by_label("是否脱贫户").select_option("true")
    page.get_by_label("是否享受政策").select_option("true")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/households/\d+/$"))
    return page.url


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_officer_confirms_and_dismisses_and_the_reviewer_overturns(new_page):
    tag = f"{random.SystemRandom().randrange(10000):04d}"
    problems = {}
    page = new_page("huolong_jb")

    # A new household without a safety assessment: its finding is there as soon as it is saved.
    first = add_household(page, f"筛甲{tag}")
    panel = page.locator("#findings")
    assert "A1-01 未进行住房安全性鉴定" in panel.inner_text()
    screenshot(page, "screening-household-panel")
    problems["household"] = axe_violations(page)
    panel.get_by_role("button", name="确认问题 A1-01").click()
    page.wait_for_url(first + "*")
    assert "已确认问题" in page.locator(".alert-success").inner_text()
    assert "已确认" in page.locator("#findings").inner_text()

    # A second one is dismissed at phone width from its finding page.
    add_household(page, f"筛乙{tag}")
    phone = new_page("huolong_jb", viewport=PHONE)
    phone.goto(page.url)
    phone.locator("#findings").get_by_role("link", name=re.compile("A1-01")).click()
    phone.wait_for_url("**/screening/findings/*/")
    finding_url = phone.url
    assert fits_the_phone(phone)
    screenshot(phone, "screening-phone-finding")
    problems["finding"] = axe_violations(phone)
    phone.get_by_role("button", name="排除（不是问题）").click()
    assert "请填写排除理由。" in phone.locator(".invalid-feedback").inner_text()
    screenshot(phone, "screening-phone-dismiss-needs-reason")
    phone.get_by_label("排除理由").fill("该户已迁出本村，房屋由亲属居住，另行鉴定")
    phone.get_by_role("button", name="排除（不是问题）").click()
    phone.wait_for_url(finding_url)
    assert "已排除" in phone.locator("h1 + div").inner_text()
    assert "该户已迁出本村" in phone.content()
    screenshot(phone, "screening-phone-dismissed")

    # The officer's list at phone width.
    phone.goto("/screening/?status=open")
    assert fits_the_phone(phone)
    screenshot(phone, "screening-phone-list")
    problems["list-phone"] = axe_violations(phone)

    # The city reviewer sees the dismissal with its reason and overturns it.
    reviewer = new_page("shi_shenhe")
    reviewer.goto("/screening/dismissals/")
    item = reviewer.locator("li.list-group-item", has_text=f"筛乙{tag}")
    assert "该户已迁出本村" in item.inner_text()
    item.locator("summary", has_text="审核").click()
    screenshot(reviewer, "screening-dismissals")
    problems["dismissals"] = axe_violations(reviewer)
    item.get_by_label("推翻理由").fill("户籍仍在本村，请入户核实后再定")
    item.get_by_role("button", name="推翻排除（退回乡镇）").click()
    reviewer.wait_for_url("**/screening/dismissals/*")
    assert "已推翻排除" in reviewer.locator(".alert-success").inner_text()
    phone.goto(finding_url)
    assert "待确认" in phone.locator("h1 + div").inner_text()
    assert "推翻排除" in phone.content()

    assert {k: v for k, v in problems.items() if v} == {}


def test_city_pages_compare_rules_preview_and_run(new_page):
    problems = {}
    reviewer = new_page("shi_shenhe")
    reviewer.goto("/screening/compare/")
    assert "每百户问题数" in reviewer.content()
    screenshot(reviewer, "screening-compare")
    problems["compare"] = axe_violations(reviewer)
    reviewer.get_by_role("link", name="火龙镇").click()
    reviewer.wait_for_url("**/screening/compare/?township=411081100")
    screenshot(reviewer, "screening-compare-villages")

    admin = new_page("shi_admin")
    admin.goto("/screening/rules/")
    assert "共 35 条规则" in admin.content()  # RULES.md's 29 and 动态监测比对 M-01…M-06
    screenshot(admin, "screening-rules")
    problems["rules"] = axe_violations(admin)
    admin.get_by_role("link", name="设置 A2-01").click()
    admin.get_by_label("鉴定后纳入改造期限（天）").fill("-3")
    admin.get_by_role("button", name="预览命中数").click()
    admin.locator("#preview .alert-warning").wait_for()
    assert "不能为负数" in admin.locator("#preview").inner_text()
    admin.get_by_label("鉴定后纳入改造期限（天）").fill("30")
    admin.get_by_role("button", name="预览命中数").click()
    admin.locator("#preview .alert-info").wait_for()
    assert "全县将有" in admin.locator("#preview").inner_text()
    screenshot(admin, "screening-rule-preview")
    problems["rule-edit"] = axe_violations(admin)

    admin.goto("/screening/runs/")
    admin.get_by_label("筛查范围").select_option("411081100")
    admin.get_by_role("button", name="开始筛查").click()
    admin.wait_for_url("**/screening/runs/*/")
    admin.locator("#run-progress .badge", has_text="已完成").wait_for()
    assert admin.locator("progress").get_attribute("value") == "100"
    screenshot(admin, "screening-run-done")
    problems["run"] = axe_violations(admin)

    phone = new_page("shi_shenhe", viewport=PHONE)
    phone.goto("/screening/compare/")
    screenshot(phone, "screening-phone-compare")
    assert phone.evaluate("document.body.scrollWidth") <= PHONE["width"]
    assert {k: v for k, v in problems.items() if v} == {}
