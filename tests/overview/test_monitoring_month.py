"""The overview's 动态监测 figures (issue #18 step 4): per township, the households new on
this month's department lists, assessed in time, waiting and overdue, by the round's days
(lists by the 5th, assessments by the 20th). "Today" is the planted 2022-06-20."""

from __future__ import annotations

import re

import pytest

from tests.monitoring.lists import command, family, fpjc_book
from tests.overview.conftest import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(planted, tmp_path):
    """April's list holds household 2 (never assessed: May's, due 5月20日 — overdue); May's
    adds household 1 (not in the registry) and 李四 (assessed 2022-01-10): June's."""
    li_si = family(3, village="甲一村")
    for row in li_si:
        if row["与户主关系"] == "户主":
            row["证件号码"], row["姓名"] = planted.households["李四"].id_number, "李四"
    april = family(2, village="甲一村")
    may = april + family(1, village="甲一村") + li_si
    for rows, day in ((april, "2022年4月30日"), (may, "2022年5月31日")):
        path = fpjc_book(tmp_path / f"{day}.xlsx", rows, titles=("监测对象", f"数据截至：{day}"))
        assert command("import_list", "--source", "fpjc", str(path))[0] == 0
    from anju.overview import services

    with at(TODAY):
        return services.refresh(campaign=planted.campaign)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_county_shows_each_townships_month(as_user, city_reviewer, listed, today):
    page = text(as_user(city_reviewer).get("/overview/"))
    assert "动态监测（2022年6月）" in page
    assert "部门名单6月5日前报送，名单新增农户6月20日前完成住房安全鉴定" in page
    # 乡镇 | 新增 | 按时鉴定 | 待鉴定 | 逾期未鉴定
    assert "火龙镇 2 1 1 1" in page and "合计 2 1 1 1" in page
    assert "顺店镇 0 0 0 0" not in page  # only the townships with something to show


def test_the_township_reads_its_own_month(as_user, officer_a, officer_b, listed, today):
    page = text(as_user(officer_a).get("/overview/"))
    assert "本月部门名单新增农户 2 户，按时完成鉴定 1 户，待鉴定（6月20日前）1 户" in page
    assert "逾期未鉴定 1 户" in page
    other = text(as_user(officer_b).get("/overview/"))
    assert "本月部门名单新增农户 0 户" in other and "逾期未鉴定 0 户" in other
