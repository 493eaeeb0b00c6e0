"""House visits in a real browser at phone width (390×844).

The demo village worker huolong_cun adds an in-scope household of their village (the small
demo may have none), opens it from the visit list, answers the checklist, attaches a camera
photo and has the householder sign on the screen. The first upload fails (the network is cut
with page.route): the typed answers survive a reload as a local draft, and the second upload
goes through. The township officer huolong_jb then accepts the plaque correction (the
registry changes) and puts the crack onto the ledger, and the coverage table moves.

Screenshots: artifacts/screenshots/visits-*.png. The visit form's page weight is printed
and written to artifacts/visits-page-weight.json.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import random
import re
import zoneinfo

from PIL import Image

from anju.registry import idcard
from tests.browser.conftest import PHONE, ROOT, axe_violations, screenshot

HOUSE = {"latitude": 34.1403, "longitude": 113.4716}
NEAR = {"latitude": 34.1405, "longitude": 113.4718, "accuracy": 15}  # ~30 m from the house


def camera_jpeg() -> bytes:
    """A 3000×2250 photo as a phone camera writes it (EXIF time and GPS)."""
    image = Image.new("RGB", (3000, 2250), (170, 150, 120))
    for x in range(0, 3000, 150):
        image.paste((110, 90, 70), (x, 0, x + 40, 2250))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    exif.get_ifd(0x8769)[36867] = "2022:06:05 10:20:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 8.0, 25.1), 3: "E", 4: (113.0, 28.0, 17.8)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def add_household(page) -> tuple[str, str]:
    """As the village worker: a new in-scope household without a plaque; (name, page URL)."""
    rng = random.SystemRandom()
    name = f"走访{rng.randrange(10000):04d}"
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    page.goto("/households/new/")
    page.get_by_label("户主姓名").fill(name)
    page.get_by_label("身份证号").fill(idcard.make("110105", born, rng.randrange(1000)))
    page.get_by_label("家庭人口").fill("3")
    page.get_by_label("是否脱贫户").select_option("true")
    page.get_by_label("是否享受政策").select_option("true")
    page.get_by_label("纬度").fill(str(HOUSE["latitude"]))
    page.get_by_label("经度").fill(str(HOUSE["longitude"]))
    page.get_by_label("是否挂牌").select_option("false")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/households/*/")
    return name, page.url


def coverage_numbers(page) -> tuple[int, int]:
    page.goto("/visits/coverage/")
    text = page.locator(".stat-number").nth(1).inner_text()
    visited, in_scope = (int(n) for n in text.split("/"))
    return visited, in_scope


def page_weight(page, url: str) -> dict:
    """Bytes of the visit form and everything it loads, raw and gzip-compressed."""
    bodies = {}

    def keep(response):
        if response.request.method == "GET" and response.status == 200:
            with contextlib.suppress(Exception):  # a redirect or aborted body has none
                bodies[response.url] = response.body()

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    rows = {u.split("/", 3)[-1]: (len(b), len(gzip.compress(b, 6))) for u, b in bodies.items()}
    html = next(v for k, v in rows.items() if k.startswith("visits/households/"))
    own = sum(v[0] for k, v in rows.items() if k.startswith(("static/visits/", "visits/")))
    return {
        "html_kb": round(html[0] / 1024, 1),
        "html_gzip_kb": round(html[1] / 1024, 1),
        "own_kb": round(own / 1024, 1),
        "total_kb": round(sum(v[0] for v in rows.values()) / 1024, 1),
        "total_gzip_kb": round(sum(v[1] for v in rows.values()) / 1024, 1),
        "files": {k: v[0] for k, v in rows.items()},
    }


def answer(page, code: str, value: str) -> None:
    index = ("是", "否", "不适用").index(value)
    page.locator(f'label[for="id_q_{code}_{index}"]').click()


def test_a_visit_on_the_phone_survives_a_failed_upload_and_reaches_the_ledger(new_page):
    problems = {}
    worker = new_page("huolong_cun", viewport=PHONE)
    worker.context.grant_permissions(["geolocation"])
    worker.context.set_geolocation(NEAR)
    name, household_url = add_household(worker)

    officer = new_page("huolong_jb", viewport=PHONE)
    officer.on("dialog", lambda dialog: dialog.accept())
    visited_before, in_scope = coverage_numbers(officer)

    # the worker's list: what is left to do first, the new household among it
    worker.goto("/visits/")
    worker.wait_for_url("**/visits/households/")
    assert fits_the_phone(worker)
    screenshot(worker, "visits-phone-worklist")
    problems["worklist"] = axe_violations(worker)
    form_url = worker.get_by_role("link", name=f"走访 {name}").get_attribute("href")
    weight = page_weight(worker, form_url)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "visits-page-weight.json").write_text(
        json.dumps(weight, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print("visit form page weight:", {k: v for k, v in weight.items() if k != "files"})
    assert weight["html_kb"] < 40 and weight["own_kb"] < 80

    # fill in the checklist standing in the yard (opening the form alone keeps no draft)
    assert "已定位" in worker.locator("[data-gps-status]").inner_text()
    assert worker.evaluate("Object.keys(localStorage)") == []
    answer(worker, "plaque", "是")  # the registry says 否: a correction
    answer(worker, "safe_now", "是")
    answer(worker, "new_damage", "是")  # a problem: a draft ledger entry
    worker.locator('input[name="n_new_damage"]').fill("东屋后墙新裂缝约2米，雨天渗水")
    worker.locator("#id_photo_front").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg()}
    )
    preview = worker.locator('[data-previews-for="photo_front"] figcaption')
    preview.wait_for()
    assert "→" in preview.inner_text()  # resized on the phone before upload
    pad = worker.locator("[data-signature]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    worker.mouse.move(box["x"] + 30, box["y"] + 60)
    worker.mouse.down()
    for step in range(1, 12):
        worker.mouse.move(box["x"] + 30 + step * 25, box["y"] + 60 + (step % 3) * 20)
    worker.mouse.up()
    assert worker.locator("[data-signature-status]").inner_text() == "已签字"
    assert fits_the_phone(worker)
    screenshot(worker, "visits-phone-form")
    problems["form"] = axe_violations(worker)

    # the upload fails: nothing typed is lost
    def cut(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    worker.route("**/visits/households/*/", cut)
    worker.get_by_role("button", name="提交走访记录").click()
    status = worker.locator("[data-visit-status]")
    status.get_by_text("上传失败").wait_for()
    assert "已保存在本机" in status.inner_text()
    screenshot(worker, "visits-phone-upload-failed")
    worker.reload()
    notice = worker.locator("[data-draft-notice]")
    notice.wait_for(state="visible")
    assert "已恢复本机保存的草稿" in notice.inner_text()
    assert worker.locator('input[name="q_new_damage"][value="是"]').is_checked()
    assert worker.locator('input[name="q_plaque"][value="是"]').is_checked()
    assert worker.locator('input[name="n_new_damage"]').input_value().startswith("东屋后墙")
    screenshot(worker, "visits-phone-draft-restored")

    # the network is back: attach the photo again and submit
    worker.unroute("**/visits/households/*/", cut)
    worker.locator("#id_photo_front").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg()}
    )
    worker.locator('[data-previews-for="photo_front"] figcaption').wait_for()
    worker.get_by_role("button", name="提交走访记录").click()
    worker.wait_for_url(re.compile(r"/visits/\d+/$"))
    message = worker.locator(".alert-success").inner_text()
    assert "走访记录已保存" in message and "1 项与档案不一致" in message
    assert "发现 1 个问题" in message
    assert (
        worker.evaluate("Object.keys(localStorage).filter(k => k.startsWith('anju-visit'))") == []
    )
    detail = worker.content()
    assert "拍摄 06-05 10:20" in detail  # the EXIF time survived the resize on the phone
    assert "户主签字" in detail
    assert fits_the_phone(worker)
    screenshot(worker, "visits-phone-visit-detail")
    problems["detail"] = axe_violations(worker)

    # the township officer: accept the correction and put the problem on the ledger
    officer.goto("/visits/review/")
    screenshot(officer, "visits-phone-review")
    problems["review"] = axe_violations(officer)
    officer.get_by_role("button", name=f"采纳，更正档案 {name} 是否挂牌").click()
    officer.locator(".alert-success").get_by_text("已采纳").wait_for()
    officer.get_by_role("link", name=f"审核：纳入台账或不纳入 {name}").click()
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    deadline = today + dt.timedelta(days=5)
    officer.get_by_label("整改措施").fill(
        f"由村两委于{deadline.month}月{deadline.day}日前组织对该户房屋重新鉴定，据结果加固维修"
    )
    officer.get_by_label("完成时限").fill(deadline.isoformat())
    screenshot(officer, "visits-phone-problem")
    problems["problem"] = axe_violations(officer)
    officer.get_by_role("button", name="纳入台账", exact=True).click()
    assert "已纳入整改台账" in officer.locator(".alert-success").inner_text()
    officer.goto(household_url)
    assert "是否挂牌" in officer.content()
    house = officer.locator("#house").inner_text()
    assert "是否挂牌\n是" in house or "是否挂牌\t是" in house

    # the paper form for villages still on paper: one A4 page per household
    paper = new_page("huolong_jb")
    paper.goto("/visits/print/?include_visited=on")
    sheets = paper.locator("article.sheet").count()
    assert sheets == in_scope
    paper.emulate_media(media="print")
    screenshot(paper, "visits-print-forms")
    pdf = ROOT / "artifacts" / "visits-print-forms.pdf"
    paper.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == sheets  # one page each

    visited_after, in_scope_after = coverage_numbers(officer)
    assert (visited_after, in_scope_after) == (visited_before + 1, in_scope)
    assert fits_the_phone(officer)
    screenshot(officer, "visits-phone-coverage")
    problems["coverage"] = axe_violations(officer)
    assert {k: v for k, v in problems.items() if v} == {}
