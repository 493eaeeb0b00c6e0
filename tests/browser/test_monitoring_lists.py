"""The list-import page in a real browser (issue #18 part 1): the city's reviewer uploads a
防返贫监测 export with a bad ID number and sees the preview name the row and the column,
nothing written; then on a phone uploads a 民政 list, sees it pass the check, confirms it,
and reads what changed since the demo's 民政 version; the overview shows each township's
month of 动态监测 (step 4). Phone and desktop screenshots
(artifacts/screenshots/monitoring-lists-*.png), axe-core on each page."""

from __future__ import annotations

import re

import openpyxl

from tests.browser.conftest import PHONE, axe_violations, screenshot
from tests.monitoring.lists import family, fpjc_book, head_id


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def minzheng_book(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["禹州市农村低保、特困人员花名册"])
    sheet.append(["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "救助类别", "状态"])
    for n in range(1, 4):
        category = "农村特困人员（分散供养）" if n == 3 else "农村最低生活保障对象"
        sheet.append([n, "火龙镇", "演示村", f"民户{n}", head_id(900 + n), 2, category, None])
    book.save(path)
    return path


def test_a_list_is_previewed_with_its_errors_then_checked_confirmed_and_compared(
    new_page, tmp_path
):
    problems = {}
    desktop = new_page("shi_shenhe")
    desktop.goto("/monitoring/lists/")
    assert "导入记录与版本" in desktop.locator("main").inner_text()
    problems["lists"] = axe_violations(desktop)
    rows = family(1) + family(2)
    rows[1]["证件号码"] = rows[1]["证件号码"][:17] + "  "  # 17 characters and trailing spaces
    rows[2]["消除监测时间"] = "无"  # a "nothing" word in an optional column is no error
    bad = fpjc_book(tmp_path / "防返贫监测对象（11月）.xlsx", rows)
    desktop.get_by_label("防返贫监测对象名单（全国防返贫监测信息系统导出）").check()
    desktop.get_by_label("名单文件").set_input_files(str(bad))
    desktop.get_by_role("button", name="上传并检查").click()
    desktop.wait_for_url(re.compile(r".*/monitoring/lists/\d+/$"))
    page = desktop.locator("main").inner_text()
    assert "有错误，未写入" in page and "第 5 行" in page and "H 列（证件号码）" in page
    assert "消除监测时间" not in page and "确认导入" not in page
    screenshot(desktop, "monitoring-lists-errors-desktop")
    problems["errors"] = axe_violations(desktop)

    phone = new_page("shi_shenhe", viewport=PHONE)
    phone.goto("/monitoring/lists/")
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-lists-phone")
    phone.get_by_label("民政救助对象名单（低保、特困、低保边缘）").check()
    phone.get_by_label("名单文件").set_input_files(str(minzheng_book(tmp_path / "民政.xlsx")))
    phone.get_by_role("button", name="上传并检查").click()
    phone.wait_for_url(re.compile(r".*/monitoring/lists/\d+/$"))
    assert "检查通过，待确认" in phone.locator("main").inner_text()
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-lists-checked-phone")
    problems["checked"] = axe_violations(phone)
    phone.get_by_role("button", name="确认导入").click()
    phone.wait_for_url(re.compile(r".*/monitoring/lists/\d+/(\?.*)?$"))
    page = phone.locator("main").inner_text()
    assert "已导入：3 户" in page and "当前版本" in page
    assert re.search(r"与上一版（\d{4}-\d\d-\d\d 导入）相比", page)
    removed = re.search(r"减少（(\d+) 户）", page)
    assert removed and int(removed.group(1)) > 0  # the demo's 民政 households left out
    assert fits_the_phone(phone)
    screenshot(phone, "monitoring-lists-changes-phone")
    problems["changes"] = axe_violations(phone)
    desktop.goto(phone.url)
    screenshot(desktop, "monitoring-lists-changes-desktop")

    # the overview's month of 动态监测 per township (step 4)
    for page, name in ((phone, "phone"), (desktop, "desktop")):
        page.goto("/overview/")
        section = page.locator("section[aria-labelledby=monitoring-title]")
        assert re.search(r"动态监测（\d{4}年\d{1,2}月）", section.inner_text())
        assert "逾期未鉴定" in section.inner_text() and "合计" in section.inner_text()
        section.scroll_into_view_if_needed()
        screenshot(page, f"monitoring-overview-{name}")
    assert fits_the_phone(phone)
    overdue = phone.locator("section[aria-labelledby=monitoring-title] th", has_text="逾期未鉴定")
    assert overdue.bounding_box()["x"] + overdue.bounding_box()["width"] <= PHONE["width"]
    problems["overview"] = axe_violations(phone)
    assert problems == {k: [] for k in problems}
