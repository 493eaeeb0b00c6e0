"""The household pages in a real browser at phone width: a village worker (huolong_cun) adds a
household, finds it, corrects a field after a validation error, and uploads a photo taken with
the phone's camera; a township officer unmasks the ID number. Screenshots go to
artifacts/screenshots/registry-*.png."""

from __future__ import annotations

import datetime as dt
import io
import random

from PIL import Image

from anju.registry import idcard
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot


def camera_jpeg() -> bytes:
    image = Image.new("RGB", (1200, 900), (150, 120, 90))
    for x in range(0, 1200, 60):
        image.paste((90, 70, 50), (x, 0, x + 20, 900))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    exif.get_ifd(0x8769)[36867] = "2022:05:20 09:41:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 8.0, 25.08), 3: "E", 4: (113.0, 28.0, 17.76)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def unique_id() -> str:
    rng = random.SystemRandom()
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    return idcard.make("110105", born, rng.randrange(1000))


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_village_worker_adds_finds_edits_and_photographs_a_household(new_page):
    page = new_page("huolong_cun", viewport=PHONE)
    problems = {}
    name = f"浏览{random.SystemRandom().randrange(10000):04d}"
    id_number = unique_id()

    page.get_by_role("button", name="展开菜单").click()
    page.locator("#mainnav").get_by_role("link", name="农户档案").click()
    page.wait_for_url("**/households/")
    assert page.locator("h1").inner_text() == "农户档案"

    # 新增农户 with one mistake first: the error is shown next to the field, in Chinese.
    page.get_by_role("link", name="新增农户").click()
    page.get_by_label("户主姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number.lower())
    page.get_by_label("联系电话").fill("1391234567")
    page.get_by_label("家庭人口").fill("4")
    page.get_by_label("低保户").check()
    page.get_by_label("是否脱贫户").select_option("true")
    page.get_by_label("是否享受政策").select_option("true")
    page.get_by_label("房屋结构").select_option("土木")
    page.get_by_label("房屋面积").fill("0")
    page.get_by_role("button", name="保存").click()
    assert "应为 11 位手机号" in page.locator("#id_phone_error").inner_text()
    assert "房屋面积应大于 0 平方米" in page.locator("#id_floor_area_error").inner_text()
    assert fits_the_phone(page)
    screenshot(page, "registry-phone-new-household-errors")
    problems["new-form"] = axe_violations(page)
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("房屋面积").fill("68.5")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/households/*/")
    assert "已新增农户" in page.locator(".alert-success").inner_text()
    assert page.locator("h1").inner_text() == name
    assert id_number not in page.content() and "13912345678" not in page.content()
    assert "显示完整身份证号/电话/账号" not in page.content()  # the village worker may not unmask
    household_url = page.url

    # Find it again from the list: by name, then by the full ID number.
    page.goto("/households/")
    page.get_by_label("户主姓名或身份证号").fill(name)
    page.get_by_role("button", name="查找").click()
    cards = page.locator(".household-cards li")
    assert cards.count() == 1 and name in cards.first.inner_text()
    assert fits_the_phone(page)
    screenshot(page, "registry-phone-list-search")
    problems["list"] = axe_violations(page)
    page.get_by_label("户主姓名或身份证号").fill(id_number)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**idh=*")
    assert id_number not in page.url and id_number not in page.content()
    assert page.locator(".household-cards li").count() == 1
    page.locator(".household-cards a").first.click()
    page.wait_for_url(household_url)

    # Edit the house section.
    page.locator("#house").get_by_role("link", name="编辑").click()
    page.get_by_label("建成年份").fill("1985")
    page.get_by_label("是否挂牌").select_option("false")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/households/*/#house")
    assert "已保存“住房与挂牌”" in page.locator(".alert-success").inner_text()
    assert "1985" in page.locator("#house").inner_text()

    # A photo from the phone's camera: EXIF time and place are read and shown.
    page.locator("#photos").get_by_role("link", name="上传照片").click()
    file_input = page.locator("input#id_photo")
    assert file_input.get_attribute("capture") == "environment"
    assert file_input.get_attribute("accept") == "image/jpeg,image/png"
    page.get_by_label("照片类别").select_option("before")
    page.get_by_label("说明").fill("东山墙裂缝")
    file_input.set_input_files(
        {"name": "IMG_20220520_094100.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg()}
    )
    page.locator("[data-photo-preview] img").wait_for()
    screenshot(page, "registry-phone-photo-form")
    problems["photo-form"] = axe_violations(page)
    page.get_by_role("button", name="上传").click()
    page.wait_for_url("**/households/*/#photos")
    assert "拍摄时间 2022-05-20 09:41" in page.locator(".alert-success").inner_text()
    caption = page.locator("#photos figcaption").first.inner_text()
    assert "拍摄 2022-05-20 09:41" in caption and "34.14030, 113.47160" in caption
    thumb = page.locator("#photos img").first
    thumb.wait_for()
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) > 0
    assert fits_the_phone(page)
    screenshot(page, "registry-phone-household")
    problems["household"] = axe_violations(page)

    # A non-image named .jpg is refused with a clear message.
    page.goto(household_url + "photos/new/")
    page.locator("input#id_photo").set_input_files(
        {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not a photo</html>"}
    )
    page.get_by_role("button", name="上传").click()
    assert "不是 JPEG 或 PNG 图片" in page.locator("#id_photo_error").inner_text()
    screenshot(page, "registry-phone-photo-refused")
    assert problems == {k: [] for k in problems}


def test_township_officer_filters_and_unmasks(new_page):
    page = new_page("huolong_jb", viewport=DESKTOP)
    page.goto("/households/")
    assert page.locator("h1").inner_text() == "农户档案"
    screenshot(page, "registry-desktop-list")
    assert axe_violations(page) == []
    if page.locator("table tbody a").count() == 0:  # no demo households: add one
        page.goto("/households/new/")
        page.get_by_label("户主姓名").fill("镇里新户")
        page.get_by_label("身份证号").fill(unique_id())
        page.get_by_label("家庭人口").fill("2")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/households/*/")
    else:
        page.locator("table tbody a").first.click()
    masked = page.locator("#pi-values .font-monospace").first.inner_text()
    assert "********" in masked
    page.get_by_role("button", name="显示完整身份证号/电话/账号").click()
    page.locator("[data-remask-after]").wait_for()
    full = page.locator("#pi-values dd").first.inner_text()
    assert "*" not in full and len(full) == 18 and full[-4:] == masked[-4:]
    assert "已记入审计日志" in page.locator("#pi-values").inner_text()
    screenshot(page, "registry-desktop-household-unmasked")
    assert axe_violations(page) == []
