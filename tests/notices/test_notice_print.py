"""An issued 通报 as printed (GB/T 9704): the red 版头 — 发文机关标志 and separator line — on
page 1 with the 发文字号 centred under it (not under the title), the title below, and the
版记 (抄送, 印发机关和印发日期 between its lines) on the bottom edge of the last page."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.notices import services
from anju.notices.models import Kind
from tests.documents.pdf import pages, red_rows, rows, to_pdf

pytestmark = pytest.mark.django_db
LEFT, WIDTH, BOTTOM = 28.0, 156.0, 262.0


@pytest.fixture
def issued(city_reviewer, planted, today, township_a, township_b):
    notice = services.create_draft(
        actor=city_reviewer,
        campaign=planted.campaign,
        picks=[(township_a.code, Kind.CRITICISM), (township_b.code, Kind.PRAISE)],
    )
    notice.document_number = "禹建〔2022〕45号"
    notice.day = dt.date(2022, 6, 20)
    notice.save()
    return services.issue(actor=city_reviewer, notice=notice)


def test_the_masthead_is_on_page_1_and_the_imprint_at_the_foot_of_the_last(issued, tmp_path):
    pdf = to_pdf(services.render(issued), "notice.docx", tmp_path)
    laid_out = pages(pdf)
    first = rows(laid_out[0])
    assert first[0].text == "禹州市住房和城乡建设局文件"
    number = next(ln for ln in first if ln.text == "禹建〔2022〕45号")
    title = next(ln for ln in first if ln.text.startswith("关于禹州市农村危房改造"))
    assert number.y1 < title.y0  # the number sits in the 版头, above the title
    assert abs((number.x0 + number.x1) / 2 - (LEFT + WIDTH / 2)) < 2
    red = red_rows(pdf, page=1)
    rule = min(y for y, (x0, x1) in red.items() if x1 - x0 > WIDTH - 2) / 10
    assert number.y1 < rule < title.y0
    last = rows(laid_out[-1])
    printed = next(ln for ln in last if ln.text.endswith("印发"))
    assert printed.text == "禹州市住房和城乡建设局办公室2022年6月20日印发"
    assert abs(printed.y1 - BOTTOM) < 2.5
    copied = next(ln for ln in last if ln.text.startswith("抄送："))
    assert copied.text == "抄送：许昌市住房和城乡建设局。" and copied.y1 < printed.y0
    text = "\n".join(ln.text for page in laid_out for ln in page.lines)
    assert "火龙镇：" in text and "顺店镇：" in text
