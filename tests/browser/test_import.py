"""A township officer imports a messy workbook on a phone: the check names every problem by
row and column, then the valid rows are imported (DESIGN.md §5, issue #3 "Done when")."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl

from anju.registry import idcard
from tests.browser.conftest import PHONE, axe_violations, screenshot

# Demo villages are numbered from 200 under each township (anju/units/demo.py).
HUOLONG_VILLAGE = "411081100200"
SHUNDIAN_VILLAGE = "411081101200"


def fake_id(n: int) -> str:
    return idcard.make("411081", dt.date(1933, 3, 3), 900 + n)


def messy_workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "火龙镇"
    sheet.append(
        [
            "乡镇",
            "村名",
            "姓名",
            "身份证号码",
            "电话",
            "人口数",
            "鉴定日期",
            "鉴定等级",
            "补助金额",
            "备注",
        ]
    )
    sheet.append(
        [
            "火龙镇",
            HUOLONG_VILLAGE,
            "孙 有福",
            fake_id(1).lower(),
            "138 0000 1111",
            "３",
            "2022年5月20日",
            "C级",
            "2万元",
            "",
        ]
    )
    sheet.append(
        ["火龙镇", HUOLONG_VILLAGE, "孙有田", fake_id(2), "", "二十五", "2022.5.21", "D", "", ""]
    )
    sheet.append(["顺店镇", SHUNDIAN_VILLAGE, "钱多多", fake_id(3), "", 2, "", "", "", ""])
    sheet.append(
        [
            "火龙",
            HUOLONG_VILLAGE,
            "孙有粮",
            fake_id(4),
            "13800002222",
            4,
            44701,
            "Ｄ",
            "35,000元",
            "老户",
        ]
    )
    book.save(path)
    return path


def test_an_officer_imports_a_messy_workbook_on_a_phone(new_page, tmp_path):
    page = new_page("huolong_jb", viewport=PHONE)
    page.goto("/households/import/")
    assert axe_violations(page) == []
    screenshot(page, "import-upload-phone")
    page.get_by_label("农户住房信息表").set_input_files(
        str(messy_workbook(tmp_path / "火龙镇农户.xlsx"))
    )
    page.get_by_label("先检查，不写入").check()
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/households/import/\d+/$"))
    page.get_by_text("检查完毕（未写入）：2 行有错误").wait_for()
    problems = page.locator("main").inner_text()
    assert "第 3 行 F 列（人口数）" in problems and "“二十五”" in problems
    assert "第 4 行 A 列（乡镇）" in problems and "只能导入本乡镇（火龙镇）" in problems
    assert "第 1 行 J 列（备注）" in problems
    screenshot(page, "import-check-phone")
    assert axe_violations(page) == []

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="只导入无误的行（2 行）").click()
    page.get_by_text("已导入：新增 2 户").wait_for()
    screenshot(page, "import-done-phone")

    page.goto("/households/import/history/")
    assert "火龙镇农户.xlsx" in page.locator("main").inner_text()


def test_an_officer_exports_the_township_in_the_template(new_page, tmp_path):
    page = new_page("huolong_jb", viewport=PHONE)
    page.goto("/households/export/")
    assert axe_violations(page) == []
    screenshot(page, "export-phone")
    page.get_by_label("导出理由").fill("入户核对后再导入")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(1, 1).value == "*乡镇"
    townships = {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)}
    assert townships == {"火龙镇"}
    ids = [sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)]
    assert all("********" in i for i in ids), "masked unless the full numbers are asked for"


def test_the_reviewer_sees_the_import_in_the_history(new_page):
    page = new_page("shi_shenhe")
    page.goto("/households/import/history/")
    assert page.get_by_role("heading", name="导入记录").is_visible()


def export_shaped_workbook(path):
    """Two rows as a national export writes them: debt columns filled for everyone, the
    system's words for the method, and one row with works dates but no method."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["乡镇", "村", "户主", "身份证号", "家庭人口", "对象类别", "是否脱贫户", "是否享受政策"]
        + ["鉴定日期", "鉴定等级", "改造方式", "开工日期", "是否举债", "自筹资金", "其他住房补助"]
    )
    common = ["火龙镇", HUOLONG_VILLAGE]
    sheet.append(
        [*common, "周安全", fake_id(11), 2, "建档立卡贫困户", "是", "是"]
        + ["2021-04-01", "A", "", "", "否", 0, "无"]
    )
    sheet.append(
        [*common, "周待改", fake_id(12), 3, "农村低保户", "是", "是"]
        + ["2022-01-10", "D", "", "2022-03-01", "否", 0, ""]
    )
    book.save(path)
    return path


def test_renovation_facts_without_a_method_ask_for_it_on_the_page(new_page, tmp_path):
    page = new_page("huolong_jb")
    page.goto("/households/import/")
    page.get_by_label("农户住房信息表").set_input_files(
        str(export_shaped_workbook(tmp_path / "国家系统导出.xlsx"))
    )
    page.get_by_label("先检查，不写入").check()
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/households/import/\d+/$"))
    text = page.locator("main").inner_text()
    assert "填写了“开工日期”等改造信息，但未填改造方式" in text
    assert "是否举债" not in text  # 否 and 0 on every row are no notice
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入：新增 2 户").wait_for()

    page.goto("/households/?q=周待改")
    page.get_by_role("link", name="周待改").first.click()
    page.get_by_role("link", name="补填改造方式").wait_for()
    assert "填写改造方式后才算已安排危房改造" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "household-no-method-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "household-no-method-phone")
    page.get_by_role("link", name="补填改造方式").click()
    page.locator("#id_method").select_option("原址重建")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/#renovation$"))
    assert "补填改造方式" not in page.locator("main").inner_text()
    page.locator("#finances").scroll_into_view_if_needed()
    finances = page.locator("#finances").inner_text()
    assert "是否举债" in finances and "否" in finances
    screenshot(page, "household-renovated-phone")
