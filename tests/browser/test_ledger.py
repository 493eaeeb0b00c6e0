"""The ledger in the browser: the township officer writes an entry, notes progress, uploads
evidence and submits it; the township head closes it. Desktop and phone screenshots of
each page (artifacts/screenshots/ledger-*.png), axe-core on each page, no sideways
scrolling at phone width."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from tests.browser.conftest import PHONE, axe_violations, screenshot

DESCRIPTION = "浏览器测试：某户C级危房未挂牌"
MEASURES = "由村两委于本周五前完成挂牌并拍照存档"


def jpeg(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 60, 40)).save(out, "JPEG")
    path = tmp_path / "挂牌后.jpg"
    path.write_bytes(out.getvalue())
    return path


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def check(page, name, problems):
    screenshot(page, name)
    found = axe_violations(page)
    if found:
        problems[name] = found


def test_an_entry_from_writing_to_closing(new_page, tmp_path):
    problems: dict = {}
    page = new_page("huolong_jb")
    page.goto("/households/")
    household = page.locator("table tbody tr td a").first.inner_text()
    page.goto("/ledger/")
    check(page, "ledger-list-empty-desktop", problems)
    page.get_by_role("link", name="新增条目").click()
    page.wait_for_url("**/ledger/new/")

    # a save without a measure shows the message next to the field
    page.get_by_label("个性问题").check()
    page.get_by_label("问题表述").fill(DESCRIPTION)
    page.get_by_role("button", name="保存").click()
    assert "请填写整改措施" in page.locator("#id_measures_error").inner_text()
    check(page, "ledger-form-errors-desktop", problems)

    page.get_by_label("整改措施").fill(MEASURES)
    deadline = dt.date.today() + dt.timedelta(days=5)
    page.get_by_label("完成时限").fill(deadline.isoformat())
    page.get_by_label("责任领导").fill("副镇长 刘某")
    page.get_by_label("产生原因及分析").fill("鉴定后未及时制牌")
    finder = page.get_by_label("按户主姓名或身份证号查找（本乡镇内）")
    finder.fill(household)
    finder.press("Enter")  # Enter in the finder searches (ledger.js), it does not save
    page.locator("input[id^='hr-']").first.check()
    check(page, "ledger-form-desktop", problems)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/ledger/*/")
    assert "已写入整改台账第" in page.locator(".alert-success").inner_text()
    entry_url = page.url

    page.get_by_label("进展情况").fill("已联系制牌厂家，本周四送牌")
    page.get_by_role("button", name="添加进展").click()
    page.wait_for_url("**/ledger/*/#notes")
    assert "已联系制牌厂家" in page.locator("#notes").inner_text()

    page.get_by_role("link", name="上传佐证").click()
    page.get_by_label("佐证文件").set_input_files(str(jpeg(tmp_path)))
    page.get_by_label("说明").fill("挂牌后照片")
    check(page, "ledger-evidence-desktop", problems)
    page.get_by_role("button", name="上传").click()
    page.wait_for_url("**/ledger/*/#evidence")
    assert "已上传佐证照片" in page.locator(".alert-success").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="提交核验").click()
    assert "已提交核验" in page.locator(".alert-success").inner_text()
    check(page, "ledger-entry-awaiting-desktop", problems)

    # the same pages at phone width
    phone = new_page("huolong_jb", viewport=PHONE)
    for url, shot in [
        ("/ledger/", "ledger-list-phone"),
        (entry_url, "ledger-entry-awaiting-phone"),
        ("/ledger/new/", "ledger-form-phone"),
    ]:
        phone.goto(url)
        no_sideways_scroll(phone)
        check(phone, shot, problems)
    phone.goto(entry_url)
    phone.get_by_role("link", name="上传佐证").click()
    no_sideways_scroll(phone)
    check(phone, "ledger-evidence-phone", problems)

    # the township head verifies and closes it
    head = new_page("huolong_fzr")
    head.goto("/")
    panel = head.locator("#panel-verify").locator("..")
    assert "条已整改待核验" in panel.inner_text(), head.locator("main").inner_text()
    head.goto(entry_url)
    head.on("dialog", lambda dialog: dialog.accept())
    with head.expect_navigation():
        head.get_by_role("button", name="核验销号").click()
    assert "已核验销号" in head.locator(".alert-success").inner_text()
    check(head, "ledger-entry-closed-desktop", problems)
    assert household in head.locator("#households-h ~ ul").inner_text()
    head.goto("/ledger/")
    assert DESCRIPTION in head.content()
    check(head, "ledger-list-desktop", problems)
    head_phone = new_page("huolong_fzr", viewport=PHONE)
    head_phone.goto(entry_url)
    no_sideways_scroll(head_phone)
    check(head_phone, "ledger-entry-closed-phone", problems)
    assert problems == {}


def test_the_city_reviewer_sees_the_county_quality_and_downloads(new_page):
    page = new_page("shi_shenhe")
    page.goto("/ledger/quality/")
    assert page.locator("h1").inner_text().startswith("台账质量检查")
    screenshot(page, "ledger-quality-city-desktop")
    assert axe_violations(page) == []
    phone = new_page("shi_shenhe", viewport=PHONE)
    phone.goto("/ledger/quality/")
    no_sideways_scroll(phone)
    screenshot(phone, "ledger-quality-city-phone")
    assert axe_violations(phone) == []
    page.goto("/ledger/")
    with page.expect_download() as download:
        page.get_by_role("button", name="全县汇总（各乡镇 .xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
