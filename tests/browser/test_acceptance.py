"""总结验收 in a real browser, on the demo county: 顺店镇's report awaits the city's review;
the reviewer (shi_shenhe) returns it with a reason; 顺店镇's officer (shundian_jb) edits the
narrative and generates the report and ledger again, its head (shundian_fzr) signs, the
officer uploads the sealed scan (a renamed text file first, refused; then a PNG) and the
reviewer accepts. Screenshots go to artifacts/screenshots/acceptance-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re

from anju.rectification.services import CROSS_MAX
from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, PHONE, axe_violations, screenshot


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def accept_dialogs(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def scan_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (840, 1188), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((520, 840, 760, 1080), outline=(200, 0, 0), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sign_as_head(head, password: str = DEMO_PASSWORD) -> None:
    """签字确认 on the township page: the password typed again (issue #17 item 6)."""
    head.get_by_label("登录密码").fill(password)
    head.get_by_role("button", name="签字确认").click()
    head.wait_for_url("**/acceptance/")


def open_review(reviewer) -> str:
    reviewer.get_by_role("link", name="总结验收", exact=True).click()
    reviewer.wait_for_url("**/acceptance/")
    assert "各乡镇整改报告和整改台账" in reviewer.locator("h1").inner_text()
    row = reviewer.locator("table.acc-table tbody tr", has_text="顺店镇")
    link = row.get_by_role("link")
    href = link.get_attribute("href")
    link.click()
    reviewer.wait_for_url(f"**{href}")
    return href


def test_a_final_report_is_returned_regenerated_signed_uploaded_and_accepted(new_page, tmp_path):
    problems: dict[str, list] = {}
    reviewer = new_page("shi_shenhe", viewport=DESKTOP)
    accept_dialogs(reviewer)
    reviewer.get_by_role("link", name="总结验收", exact=True).click()
    reviewer.wait_for_url("**/acceptance/")
    table = reviewer.locator("table.acc-table").inner_text()
    for label in ("已通过", "待审核", "未提交"):
        assert label in table, label
    screenshot(reviewer, "acceptance-desktop-city")
    problems["city"] = axe_violations(reviewer)

    # The reviewer opens 顺店镇's and returns it: first without a reason (refused).
    first = open_review(reviewer)
    assert "待审核" in reviewer.content() and "整改报告 SHA-256" in reviewer.content()
    reviewer.get_by_role("button", name="退回", exact=True).click()
    assert "退回必须填写退回理由" in reviewer.locator("#id_reason_error").inner_text()
    reviewer.get_by_label("退回理由").fill("典型案例只有一个，请补充本镇整改销号的做法后重新报送")
    reviewer.get_by_role("button", name="退回", exact=True).click()
    reviewer.wait_for_url(f"**{first}")
    assert "已退回顺店镇" in reviewer.locator(".alert-success").inner_text()
    screenshot(reviewer, "acceptance-desktop-returned")

    # The officer sees why, edits the narrative and generates again (phone).
    officer = new_page("shundian_jb", viewport=PHONE)
    accept_dialogs(officer)
    officer.get_by_role("button", name="展开菜单").click()
    officer.locator("#mainnav").get_by_role("link", name="总结验收", exact=True).click()
    officer.wait_for_url("**/acceptance/")
    assert "典型案例只有一个" in officer.content()
    officer.get_by_label("典型案例（可不填）").fill(
        "甲村一户C级危房原未挂牌，入户核实后当周挂牌。\n乙村一户补助未足额发放，已补发差额并取得回执。"
    )
    screenshot(officer, "acceptance-phone-officer-form")
    assert fits_the_phone(officer)
    problems["township"] = axe_violations(officer)
    officer.get_by_role("button", name="生成并提交主要负责人签字").click()
    officer.wait_for_url("**/acceptance/")
    assert "请乡镇主要负责人审阅后在系统中签字" in officer.locator(".alert-success").inner_text()
    assert "待签字" in officer.content()

    # The head reads the draft, downloads it and signs (phone).
    head = new_page("shundian_fzr", viewport=PHONE)
    accept_dialogs(head)
    assert "整改报告和整改台账待您签字" in head.content()
    head.goto("/acceptance/")
    with head.expect_download() as download:
        head.get_by_role("button", name="下载整改报告（.docx）").click()
    assert download.value.suggested_filename == "顺店镇整改报告（待签字稿）.docx"
    screenshot(head, "acceptance-phone-head-sign")
    assert fits_the_phone(head)
    # One click is not a signature: a wrong password signs nothing.
    sign_as_head(head, password="Wrong@2022")
    assert "登录密码不正确，未签字" in head.locator(".alert-danger").inner_text()
    screenshot(head, "acceptance-phone-head-wrong-password")
    assert fits_the_phone(head)
    sign_as_head(head)
    assert "已签字" in head.locator(".alert-success").inner_text()
    assert "签字摘要" in head.content()

    # The officer uploads the sealed scan: a text file named .pdf is refused, the PNG taken.
    fake = tmp_path / "盖章扫描件.pdf"
    fake.write_text("不是PDF", encoding="utf-8")
    officer.goto("/acceptance/")
    officer.locator("#id_file").set_input_files(str(fake))
    officer.get_by_role("button", name="上传", exact=True).click()
    assert "不是 PDF、JPG 或 PNG 文件" in officer.locator("#id_file_error").inner_text()
    screenshot(officer, "acceptance-phone-upload-refused")
    real = tmp_path / "顺店镇整改报告（盖章）.png"
    real.write_bytes(scan_png())
    officer.locator("#id_file").set_input_files(str(real))
    officer.get_by_role("button", name="上传", exact=True).click()
    officer.wait_for_url(re.compile(r".*/acceptance/(\d+/)?$"))
    assert "已报市住建局审核" in officer.locator(".alert-success").inner_text()
    assert fits_the_phone(officer)
    screenshot(officer, "acceptance-phone-uploaded")

    # The reviewer accepts the new one.
    reviewer.goto("/")
    second = open_review(reviewer)
    assert second != first and "退回后重新生成" in reviewer.content()
    screenshot(reviewer, "acceptance-desktop-review")
    problems["detail"] = axe_violations(reviewer)
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.wait_for_url(f"**{second}")
    assert "已审核通过顺店镇" in reviewer.locator(".alert-success").inner_text()
    reviewer.goto("/acceptance/")
    row = reviewer.locator("table.acc-table tbody tr", has_text="顺店镇")
    assert "已通过" in row.inner_text()
    reviewer.set_viewport_size(PHONE)
    reviewer.reload()
    assert fits_the_phone(reviewer)
    screenshot(reviewer, "acceptance-phone-city")
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_change_after_acceptance_is_reopened_generated_and_signed_again(new_page, tmp_path):
    """火龙镇's report was accepted; its officer then takes the follow-up visit's draft onto
    the ledger (新增 1). The reviewer sees 签字后台账已变更 and reopens it with a reason; the
    officer generates again, the head signs again, the scan goes up, the reviewer accepts;
    the history keeps both signatures (issue #17 item 4)."""
    problems: dict[str, list] = {}
    officer = new_page("huolong_jb", viewport=DESKTOP)
    accept_dialogs(officer)
    officer.goto("/ledger/drafts/")
    card = officer.locator("li.card", has_text="总结验收后回访发现")
    card.get_by_role("link", name="补全内容").click()
    officer.get_by_label("整改措施").fill(
        "由镇村建所入户复核房屋安全等级，新出现的危房纳入当年改造计划"
    )
    deadline = officer.get_by_label("完成时限")
    # the round's last day: the field's max reaches a 跨期 deadline a year beyond the end
    last_day = dt.date.fromisoformat(deadline.get_attribute("max")) - CROSS_MAX
    deadline.fill(last_day.isoformat())
    officer.get_by_role("button", name="保存草稿").click()
    officer.goto("/ledger/drafts/")
    card = officer.locator("li.card", has_text="总结验收后回访发现")
    card.get_by_role("button", name="纳入台账").click()
    officer.wait_for_load_state()
    officer.goto("/acceptance/")
    assert "须由市住建局重新打开这一份" in officer.content()

    reviewer = new_page("shi_shenhe", viewport=DESKTOP)
    accept_dialogs(reviewer)
    reviewer.goto("/acceptance/")
    row = reviewer.locator("table.acc-table tbody tr", has_text="火龙镇")
    assert "签字后台账已变更" in row.inner_text()
    row.get_by_role("link", name="重新打开").click()
    first = re.search(r"/acceptance/\d+/", reviewer.url).group(0)
    assert "签字后台账已变更" in reviewer.content() and "请在下方" in reviewer.content()
    screenshot(reviewer, "acceptance-desktop-reopen")
    problems["reopen"] = axe_violations(reviewer)
    reviewer.get_by_role("button", name="重新打开，要求乡镇重新上报").click()
    assert "重新打开必须填写理由" in reviewer.locator("#id_reason_error").inner_text()
    reviewer.get_by_label("重新打开理由").fill(
        "验收后回访新发现 1 个问题已列入台账，请重新生成、签字并上传"
    )
    reviewer.get_by_role("button", name="重新打开，要求乡镇重新上报").click()
    reviewer.wait_for_url(f"**{first}")
    assert "已重新打开火龙镇" in reviewer.locator(".alert-success").inner_text()
    assert "已重新打开" in reviewer.locator("dl").inner_text()

    # The officer (phone) reads why and generates again.
    officer.set_viewport_size(PHONE)
    officer.goto("/acceptance/")
    assert "重新打开理由：验收后回访新发现" in officer.content()
    screenshot(officer, "acceptance-phone-reopened-officer")
    assert fits_the_phone(officer)
    problems["township"] = axe_violations(officer)
    officer.get_by_role("button", name="生成并提交主要负责人签字").click()
    officer.wait_for_url("**/acceptance/")
    assert "请乡镇主要负责人审阅后在系统中签字" in officer.locator(".alert-success").inner_text()

    head = new_page("huolong_fzr", viewport=DESKTOP)  # the signing form on a desktop
    accept_dialogs(head)
    head.goto("/acceptance/")
    head.get_by_label("登录密码").scroll_into_view_if_needed()
    screenshot(head, "acceptance-desktop-head-sign-password")
    problems["sign"] = axe_violations(head)
    sign_as_head(head)
    assert "已签字" in head.locator(".alert-success").inner_text()

    real = tmp_path / "火龙镇整改报告（重新盖章）.png"
    real.write_bytes(scan_png())
    officer.goto("/acceptance/")
    officer.locator("#id_file").set_input_files(str(real))
    officer.get_by_role("button", name="上传", exact=True).click()
    officer.wait_for_url(re.compile(r".*/acceptance/(\d+/)?$"))
    assert "已报市住建局审核" in officer.locator(".alert-success").inner_text()

    reviewer.goto("/acceptance/")
    row = reviewer.locator("table.acc-table tbody tr", has_text="火龙镇")
    row.get_by_role("link", name="审核").click()
    assert "验收后重新打开，重新生成" in reviewer.content()
    reviewer.get_by_role("button", name="审核通过").click()
    assert "已审核通过火龙镇" in reviewer.locator(".alert-success").inner_text()
    versions = reviewer.locator("#versions-title + ul").inner_text()
    assert "已重新打开" in versions and "重新打开理由：验收后回访新发现" in versions

    # The township's history: every signed version (the demo's returned one, the reopened
    # one, the new one), the reopened one with its reason.
    officer.goto("/acceptance/")
    history = officer.locator("#history-title + ul").inner_text()
    assert history.count("签字 · 台账") == 3 and "重新打开后重新生成" in history
    assert "重新打开：验收后回访新发现" in history
    screenshot(officer, "acceptance-phone-history-two-signatures")
    assert fits_the_phone(officer)
    officer.set_viewport_size(DESKTOP)
    officer.reload()
    screenshot(officer, "acceptance-desktop-history-two-signatures")
    assert {k: v for k, v in problems.items() if v} == {}
