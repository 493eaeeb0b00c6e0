"""Weekly reporting in a real browser, on the demo county: 火龙镇's officer (huolong_jb) submits
this week's ledger, its head (huolong_fzr) approves it, the city reviewer (shi_shenhe) sees it
in the grid and returns it with a reason; the officer submits again, the head approves, the
reviewer accepts. Screenshots go to artifacts/screenshots/reporting-*.png (desktop and 390 px)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, PHONE, axe_violations, screenshot

BEIJING = ZoneInfo("Asia/Shanghai")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def accept_dialogs(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def submission_id(page) -> str:
    match = re.search(r"/reports/(\d+)/$", page.url)
    assert match, page.url
    return match.group(1)


def officer_submits(new_page, name: str) -> str:
    page = new_page("huolong_jb", viewport=PHONE)
    page.get_by_role("button", name="展开菜单").click()
    page.locator("#mainnav").get_by_role("link", name="周报", exact=True).click()
    page.wait_for_url("**/reports/")
    assert "火龙镇 · 周报" in page.locator("h1").inner_text()
    screenshot(page, f"reporting-phone-township-{name}")
    assert fits_the_phone(page)
    page.get_by_role("button", name=re.compile("(生成本周周报|重新生成)并提交审批")).first.click()
    page.wait_for_url(re.compile(r".*/reports/\d+/$"))
    assert "已提交乡镇主要负责人审批" in page.locator(".alert-success").inner_text()
    assert "待审批" in page.content()
    return submission_id(page)


def head_approves(new_page, pk: str, name: str, problems: dict) -> None:
    page = new_page("huolong_fzr", viewport=PHONE)
    accept_dialogs(page)
    # The home page tells the head what awaits approval.
    assert "份周报待您审批" in page.content()
    page.goto(f"/reports/{pk}/")
    assert fits_the_phone(page)
    screenshot(page, f"reporting-phone-head-{name}")
    problems[f"head-{name}"] = axe_violations(page)
    # Approving asks for the password again (issue #17 item 6): a wrong one sends nothing.
    page.get_by_label("登录密码").fill("Wrong@2022")
    page.get_by_role("button", name="审批并报送").click()
    page.wait_for_url(f"**/reports/{pk}/")
    assert "登录密码不正确，未审批报送" in page.locator(".alert-danger").inner_text()
    page.get_by_label("登录密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="审批并报送").click()
    page.wait_for_url(f"**/reports/{pk}/")
    assert "已报送市住建局" in page.locator(".alert-success").inner_text()
    assert "内容哈希" in page.content()


def head_sends_back(new_page, pk: str, problems: dict) -> None:
    """退回经办人 on a phone: first without a reason (refused at the field), then with one."""
    page = new_page("huolong_fzr", viewport=PHONE)
    page.goto(f"/reports/{pk}/")
    page.get_by_role("button", name="退回经办人").click()
    page.wait_for_url(f"**/reports/{pk}/send-back/")
    assert "退回经办人必须填写理由" in page.locator("#id_reason_error").inner_text()
    page.get_by_label("退回经办人理由").fill("第1条整改措施只写了“加强管理”，请写明具体措施")
    page.get_by_role("button", name="退回经办人").click()
    page.wait_for_url(f"**/reports/{pk}/")
    assert "已将第" in page.locator(".alert-success").inner_text()
    assert "乡镇主要负责人已退回经办人" in page.content()
    assert page.get_by_role("button", name="审批并报送").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "reporting-phone-head-sent-back")
    problems["head-sent-back"] = axe_violations(page)


def officer_regenerates(new_page, pk: str) -> None:
    page = new_page("huolong_jb", viewport=DESKTOP)
    page.goto("/reports/")
    box = page.locator("section", has_text="被乡镇主要负责人退回经办人的周报")
    assert "请写明具体措施" in box.inner_text()
    screenshot(page, "reporting-desktop-township-sent-back")
    box.get_by_role("link", name=re.compile(r"第\d+周周报")).click()
    page.wait_for_url(f"**/reports/{pk}/")
    page.get_by_role("button", name="按当前台账重新生成").click()
    page.wait_for_url(f"**/reports/{pk}/")
    assert "已按当前台账重新生成" in page.locator(".alert-success").inner_text()
    assert "此前曾被退回经办人" in page.content()


def test_a_week_is_submitted_returned_resubmitted_and_accepted(new_page):
    problems: dict[str, list] = {}
    first = officer_submits(new_page, "1-submit")
    # The head sends it back to the officer first; the officer regenerates it.
    head_sends_back(new_page, first, problems)
    officer_regenerates(new_page, first)
    head_approves(new_page, first, "1-approve", problems)

    # The reviewer sees 火龙镇's report in the grid, on a desktop and on a phone.
    reviewer = new_page("shi_shenhe", viewport=DESKTOP)
    accept_dialogs(reviewer)
    reviewer.get_by_role("link", name="周报", exact=True).click()
    reviewer.wait_for_url("**/reports/")
    assert reviewer.locator("h1").inner_text() == "周报报送情况"
    row = reviewer.locator("table.rep-grid tbody tr", has_text="火龙镇")
    cell = row.locator(f'a[href="/reports/{first}/"]')
    assert re.search("按时报送|逾期报送", cell.inner_text())
    for label in ("按时报送", "逾期报送", "未报送", "已退回"):
        assert label in reviewer.locator("table.rep-grid").inner_text(), label
    screenshot(reviewer, "reporting-desktop-grid")
    problems["grid"] = axe_violations(reviewer)
    reviewer.set_viewport_size(PHONE)
    reviewer.reload()
    assert fits_the_phone(reviewer)  # the grid scrolls inside its own box…
    # …and opens on this week's column.
    assert reviewer.evaluate("document.querySelector('[data-rep-scroll-to]').scrollLeft") > 0
    screenshot(reviewer, "reporting-phone-grid")
    reviewer.set_viewport_size(DESKTOP)

    # It opens the snapshot and returns it: first without a reason (refused, next to the field).
    cell.click()
    reviewer.wait_for_url(f"**/reports/{first}/")
    assert "整改台账（报送时冻结）" in reviewer.content()
    tomorrow = dt.datetime.now(BEIJING).date() + dt.timedelta(days=1)
    reviewer.get_by_label("重新报送截止时间").fill(f"{tomorrow:%Y-%m-%d}T17:00")
    reviewer.get_by_role("button", name="退回", exact=True).click()
    assert "退回必须填写退回理由" in reviewer.locator("#id_reason_error").inner_text()
    screenshot(reviewer, "reporting-desktop-return-error")
    reviewer.get_by_label("退回理由").fill(
        "第1号整改措施只写了“加强管理”，请写明具体措施和完成时限"
    )
    reviewer.get_by_label("重新报送截止时间").fill(f"{tomorrow:%Y-%m-%d}T17:00")
    reviewer.get_by_role("button", name="退回", exact=True).click()
    reviewer.wait_for_url(f"**/reports/{first}/")
    assert "已退回火龙镇" in reviewer.locator(".alert-success").inner_text()
    assert "市住建局已退回" in reviewer.content()

    # The officer sees why and by when, and submits the week again; the head approves.
    second = officer_submits(new_page, "2-resubmit")
    assert second != first
    head_approves(new_page, second, "2-approve", problems)

    # The reviewer accepts the resubmission.
    reviewer.goto(f"/reports/{second}/")
    assert "退回后重新报送" in reviewer.content()
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.wait_for_url(f"**/reports/{second}/")
    assert "已审核通过火龙镇" in reviewer.locator(".alert-success").inner_text()
    screenshot(reviewer, "reporting-desktop-accepted")
    reviewer.goto("/reports/")
    row = reviewer.locator("table.rep-grid tbody tr", has_text="火龙镇")
    assert "已通过" in row.locator(f'a[href="/reports/{second}/"]').inner_text()

    # The schedule, the work plans and a comparison of two weeks, as the city sees them.
    reviewer.get_by_role("link", name="报送安排").click()
    reviewer.wait_for_url("**/reports/schedule/")
    assert "排查整改阶段" in reviewer.content() and "第1周" in reviewer.content()
    screenshot(reviewer, "reporting-desktop-schedule")
    reviewer.get_by_role("link", name="工作方案").click()
    reviewer.wait_for_url("**/reports/work-plans/")
    assert "未上传" in reviewer.content() and "顺店镇" in reviewer.content()
    screenshot(reviewer, "reporting-desktop-work-plans")
    problems["work-plans"] = axe_violations(reviewer)
    reviewer.get_by_role("link", name="两周对比").click()
    reviewer.get_by_label("乡镇").select_option(label="火龙镇")
    reviewer.get_by_label("对比周次").select_option(label="第1周")
    reviewer.get_by_label("与").select_option(label="第2周")
    reviewer.get_by_role("button", name="对比").click()
    reviewer.wait_for_url("**/reports/compare/?*")
    assert "火龙镇：第1周 → 第2周" in reviewer.content()
    screenshot(reviewer, "reporting-desktop-compare")

    # The officer's page shows the history of the township's reports.
    officer = new_page("huolong_jb", viewport=PHONE)
    officer.goto("/reports/")
    history = officer.locator("section", has_text="报送记录").inner_text()
    assert "已通过" in history and "已退回" in history
    screenshot(officer, "reporting-phone-township-history")
    assert fits_the_phone(officer)
    officer.goto("/reports/schedule/")
    assert fits_the_phone(officer)
    screenshot(officer, "reporting-phone-schedule")
    assert {k: v for k, v in problems.items() if v} == {}
