"""Spot-checks in the browser: the reviewer draws a sample and assigns the inspector; the
inspector records a visit with a missed problem and a photo on a phone-width page; the
reviewer sees the result. Parameters fit the small browser demo (any few villages)."""

from __future__ import annotations

import io
import re

from PIL import Image

from tests.browser.conftest import PHONE, axe_violations, screenshot


def test_reviewer_draws_inspector_visits_on_a_phone(new_page, tmp_path):
    reviewer = new_page("shi_shenhe")
    reviewer.goto("/spot-checks/")
    assert "得分 = (台账已列问题数 + 1) ÷ (筛查应发现问题户数 + 1)" in reviewer.content()
    reviewer.get_by_label("抽查村数 K").fill("2")
    reviewer.get_by_label("每村抽查户数 N").fill("1")
    reviewer.get_by_label("不合格判定户数 d").fill("1")
    reviewer.get_by_label("随机种子").fill("2022")
    reviewer.get_by_role("button", name="抽取样本").click()
    reviewer.wait_for_url(re.compile(r"/spot-checks/samples/\d+/$"))
    sample_path = re.search(r"/spot-checks/samples/\d+/", reviewer.url).group(0)
    assert "随机种子 2022 已记录" in reviewer.locator("div[role=alert].alert-success").inner_text()
    assert "所得村与农户与本样本完全一致" in reviewer.content()
    selects = reviewer.locator("select[name^='inspector-']")
    assert selects.count() == 2
    for i in range(selects.count()):
        selects.nth(i).select_option(label="王抽查")
    reviewer.get_by_role("button", name="保存抽查人员分配").click()
    assert (
        "已保存抽查人员分配（调整 2 个村）"
        in reviewer.locator("div[role=alert].alert-success").inner_text()
    )
    assert axe_violations(reviewer) == []
    screenshot(reviewer, "inspections-sample-assigned")

    phone = new_page("shi_choucha", viewport=PHONE)
    phone.goto("/spot-checks/mine/")
    mine = phone.locator(f"main a[href^='{sample_path}households/']")
    assert mine.count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(phone) == []
    screenshot(phone, "inspections-phone-mine")
    mine.first.click()
    phone.wait_for_url(re.compile(r"/households/\d+/$"))
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="再登记一个问题").click()
    assert phone.locator("[data-problem]").count() == 3
    first = phone.locator("[data-problem]").first
    first.get_by_label("问题所属方面").select_option(label="住房安全性认定")
    first.get_by_label("问题表述").fill("C级危房未挂牌，乡镇台账未列")
    first.get_by_label("乡镇整改台账中").select_option(label="未列入台账（漏报）")
    photo = tmp_path / "plaque.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 90, 40)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    phone.get_by_label("现场照片").set_input_files(str(photo))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "inspections-phone-visit-form")
    phone.get_by_role("button", name="保存核查记录").click()
    phone.wait_for_url("**/spot-checks/mine/")
    assert "抽查记录" in phone.locator("div[role=alert].alert-success").inner_text()
    # What is left comes first; the checked household is folded under its village, last
    # (issue #17 item 7).
    links = phone.locator(f"main a[href^='{sample_path}households/']")
    assert "待核查" in links.first.inner_text()
    done = phone.locator("details[data-done]", has=phone.locator(f"a[href^='{sample_path}']"))
    assert done.count() == 1 and done.get_attribute("open") is None
    todo = phone.locator("[data-todo]", has=phone.locator(f"a[href^='{sample_path}']"))
    sections = phone.locator("main section")
    order = [sections.nth(i).get_attribute("data-group") for i in range(sections.count())]
    village_done = done.locator("xpath=ancestor::section").get_attribute("data-group")
    village_todo = todo.locator("xpath=ancestor::section").get_attribute("data-group")
    assert order.index(village_todo) < order.index(village_done)
    assert "已全部核查" in done.locator("xpath=ancestor::section").inner_text()
    screenshot(phone, "inspections-phone-mine-after")
    done.locator("summary").click()
    assert "1 个问题" in done.locator(f"a[href^='{sample_path}households/']").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "inspections-phone-mine-after-open")

    reviewer.goto(sample_path)
    row = reviewer.locator("#villages ~ form tbody tr").first
    assert "1/1" in row.inner_text()
    assert "不合格" in row.inner_text()  # d = 1: one missed problem fails the village
    assert "C级危房未挂牌" in reviewer.locator("#confirm ~ form").inner_text()
    screenshot(reviewer, "inspections-sample-verdict")
    visit_href = reviewer.locator(f"main a[href^='{sample_path}households/']").first.get_attribute(
        "href"
    )
    reviewer.goto(visit_href)
    assert reviewer.locator("img[alt^='现场照片']").count() == 1
    screenshot(reviewer, "inspections-visit-reviewer")
