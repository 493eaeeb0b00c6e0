"""The household list: filters, search, keyset paging, masking and scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from anju.registry import selectors
from anju.registry.models import Household
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db

LIST = "/households/"


def names(response) -> list[str]:
    """Head names in the list's table, in page order."""
    html = response.content.decode()
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<a href="/households/\d+/">([^<]+)</a>', table)


@pytest.fixture
def county_households(village_a, village_a2, village_b):
    return {
        "a1": make_household(village_a, head_name="王大山", grade="D", groups=1 | 2),
        "a2": make_household(
            village_a2,
            head_name="李小河",
            grade="B",
            plaque_posted=True,
            plaque_grade="B",
            groups=4,
        ),
        "a3": make_household(
            village_a,
            head_name="王二山",
            is_alleviated=False,
            enjoys_policy=False,
            renovation={"method": "原址重建", "started_on": dt.date(2022, 3, 1)},
        ),
        "a4": make_household(
            village_a,
            head_name="赵四",
            grade="C",
            plaque_posted=False,
            renovation={"method": "加固维修", "accepted_on": dt.date(2022, 6, 1)},
        ),
        "b1": make_household(village_b, head_name="王顺店", grade="D"),
    }


def test_sec_09_each_role_lists_exactly_its_scope(
    as_user, county_households, city_reviewer, officer_a, officer_b, worker_a, head_a
):
    expected = {
        city_reviewer: {"王大山", "李小河", "王二山", "赵四", "王顺店"},
        officer_a: {"王大山", "李小河", "王二山", "赵四"},
        head_a: {"王大山", "李小河", "王二山", "赵四"},
        officer_b: {"王顺店"},
        worker_a: {"王大山", "王二山", "赵四"},
    }
    for user, shown in expected.items():
        response = as_user(user).get(LIST)
        assert response.status_code == 200
        assert set(names(response)) == shown, user.username
        assert f"符合条件的农户共 {len(shown)} 户" in response.content.decode()


def test_roles_outside_the_business_get_no_list(as_user, inspector, security_admin, audit_admin):
    for user in (inspector, security_admin, audit_admin):
        assert as_user(user).get(LIST).status_code == 403


def test_list_shows_masked_ids_and_never_full_ones(as_user, village_a, officer_a, worker_a):
    raw = fake_id(501)
    make_household(village_a, id_number=raw, phone="13912345678")
    for user in (officer_a, worker_a):
        html = as_user(user).get(LIST).content.decode()
        assert f"{raw[:6]}********{raw[-4:]}" in html
        assert raw not in html and "13912345678" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"grade": "D"}, {"王大山"}),
        ({"grade": "C"}, {"赵四"}),
        ({"grade": "none"}, {"王二山"}),
        ({"group": "2"}, {"王大山"}),
        ({"group": "4"}, {"李小河"}),
        ({"plaque": "yes"}, {"李小河"}),
        ({"plaque": "no"}, {"王大山", "王二山", "赵四"}),
        ({"renovation": "none"}, {"王大山", "李小河"}),
        ({"renovation": "ongoing"}, {"王二山"}),
        ({"renovation": "accepted"}, {"赵四"}),
        ({"campaign": "on"}, {"王大山", "李小河", "赵四"}),
        ({"q": "王"}, {"王大山", "王二山"}),
        ({"q": "山"}, {"王大山", "王二山"}),
        ({"q": "王", "grade": "D"}, {"王大山"}),
        # two or more characters (PostgreSQL narrows by the names' bigram index first)
        ({"q": "大山"}, {"王大山"}),
        ({"q": "王二山"}, {"王二山"}),
        ({"q": " 二山 "}, {"王二山"}),
        ({"q": "王山"}, set()),  # all bigrams must be in the name, in order: LIKE decides
        ({"q": "山王"}, set()),
        ({"q": "赵四"}, {"赵四"}),
    ],
)
def test_filters_and_name_search(as_user, county_households, officer_a, query, expected):
    response = as_user(officer_a).get(LIST, query)
    assert set(names(response)) == expected


def test_village_filter(as_user, county_households, officer_a, village_a2):
    response = as_user(officer_a).get(LIST, {"village": village_a2.pk})
    assert names(response) == ["李小河"]


def test_city_roles_filter_by_township_then_village(
    as_user, county_households, city_reviewer, township_b, village_b, village_a
):
    client = as_user(city_reviewer)
    assert names(client.get(LIST, {"township": township_b.pk})) == ["王顺店"]
    html = client.get(LIST, {"township": township_b.pk}).content.decode()
    assert f'value="{village_b.pk}"' in html and f'value="{village_a.pk}"' not in html
    response = client.get(LIST, {"township": township_b.pk, "village": village_b.pk, "grade": "D"})
    assert names(response) == ["王顺店"]


def test_search_by_full_id_number_is_exact(as_user, village_a, village_b, officer_a):
    raw = fake_id(777)
    target = make_household(village_a, head_name="精确", id_number=raw)
    make_household(village_a, head_name="旁人")
    other_township = fake_id(778)
    make_household(village_b, head_name="外乡", id_number=other_township)
    client = as_user(officer_a)
    spaced = f"{raw[:6]} {raw[6:14]} {raw[14:]}".lower()
    response = client.get(LIST, {"q": spaced, "grade": "", "after": "5"}, follow=True)
    final_url, status = response.redirect_chain[-1]
    assert status == 302 and "idh=" in final_url
    assert raw not in final_url and raw[6:14] not in final_url and "after" not in final_url
    html = response.content.decode()
    assert names(response) == [target.head_name]
    assert f"按身份证号 {target.id_number_masked} 精确查找" in html
    assert raw not in html
    missing = client.get(LIST, {"q": other_township}, follow=True)
    assert names(missing) == []
    assert "没有找到（或不在您的管辖范围内）" in missing.content.decode()


def test_sec_09_tampered_filters_never_widen_scope(
    as_user, county_households, officer_a, worker_a, township_b, village_b, village_a2
):
    response = as_user(officer_a).get(LIST, {"township": township_b.pk, "village": village_b.pk})
    html = response.content.decode()
    assert "王顺店" not in html
    assert "以下筛选条件无效，已忽略" in html
    assert set(names(response)) == {"王大山", "李小河", "王二山", "赵四"}
    worker = as_user(worker_a).get(LIST, {"village": village_a2.pk, "after": "x", "before": "-5"})
    assert "李小河" not in worker.content.decode()
    assert set(names(worker)) == {"王大山", "王二山", "赵四"}


def test_keyset_pages_forward_and_back(as_user, village_a, officer_a):
    size = selectors.PAGE_SIZE
    made = [make_household(village_a, head_name=f"户{i:03d}") for i in range(2 * size + 5)]
    newest_first = [h.head_name for h in reversed(made)]
    client = as_user(officer_a)
    first = client.get(LIST)
    assert names(first) == newest_first[:size]
    html = first.content.decode()
    assert "下一页" in html and 'rel="prev"' not in html
    after = re.search(r"after=(\d+)", html).group(1)
    second = client.get(LIST, {"after": after})
    assert names(second) == newest_first[size : 2 * size]
    after = re.search(r"after=(\d+)", second.content.decode()).group(1)
    third = client.get(LIST, {"after": after})
    assert names(third) == newest_first[2 * size :]
    assert 'rel="next"' not in third.content.decode()
    before = re.search(r"before=(\d+)", third.content.decode()).group(1)
    back = client.get(LIST, {"before": before})
    assert names(back) == newest_first[size : 2 * size]
    before = re.search(r"before=(\d+)", back.content.decode()).group(1)
    assert names(client.get(LIST, {"before": before})) == newest_first[:size]


def test_paging_keeps_the_filters(as_user, village_a, officer_a):
    for i in range(selectors.PAGE_SIZE + 3):
        make_household(village_a, head_name=f"甲{i:02d}", grade="C")
    make_household(village_a, head_name="不在内", grade="A")
    html = as_user(officer_a).get(LIST, {"grade": "C"}).content.decode()
    link = re.search(r'href="\?([^"]*after=\d+)"', html).group(1).replace("&amp;", "&")
    assert "grade=C" in link
    rest = as_user(officer_a).get(f"{LIST}?{link}")
    assert len(names(rest)) == 3 and "不在内" not in rest.content.decode()


def test_count_is_capped(village_a):
    for _ in range(5):
        make_household(village_a)
    qs = Household.objects.all()
    assert selectors.capped_count(qs, cap=3) == (3, True)
    assert selectors.capped_count(qs, cap=10) == (5, False)


def test_list_has_cards_for_phones_and_a_table_for_desks(as_user, county_households, officer_a):
    html = as_user(officer_a).get(LIST).content.decode()
    assert "household-cards" in html and "d-md-none" in html
    assert "table-responsive d-none d-md-block" in html


def test_navigation_and_home_panels(as_user, county_households, officer_a, worker_a, city_admin):
    officer_home = as_user(officer_a).get("/").content.decode()
    assert "农户档案" in officer_home and 'href="/households/"' in officer_home
    assert re.search(r'stat-number">4<.*?户（辖区内）', officer_home, re.S)
    assert re.search(r'stat-number">3<.*?户在“回头看”范围', officer_home, re.S)
    worker_home = as_user(worker_a).get("/").content.decode()
    assert re.search(r'stat-number">3<.*?户（辖区内）', worker_home, re.S)
    assert "新增农户" in worker_home
    admin = as_user(city_admin).get(LIST).content.decode()
    assert "新增农户" not in admin  # the city admin reads only


def test_county_wide_totals_only_when_the_count_is_cheap(
    as_user, county_households, city_reviewer, officer_a, township_a, village_b
):
    reviewer = as_user(city_reviewer)
    # Everything fits on one page: the total is known without counting.
    assert "符合条件的农户共 2 户" in reviewer.get(LIST, {"grade": "D"}).content.decode()
    for _ in range(selectors.PAGE_SIZE):
        make_household(village_b, grade="D")
    html = reviewer.get(LIST, {"grade": "D"}).content.decode()
    assert "选定乡镇后显示符合条件的户数" in html
    html = reviewer.get(LIST, {"grade": "D", "township": township_a.pk}).content.decode()
    assert "符合条件的农户共 1 户" in html
    html = as_user(officer_a).get(LIST, {"grade": "D"}).content.decode()
    assert "符合条件的农户共 1 户" in html
    html = as_user(city_reviewer).get(LIST).content.decode()
    assert "符合条件的农户共 25 户" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_indexes_every_bigram_of_the_name():
    with connection.cursor() as cursor:
        cursor.execute("SELECT anju_bigrams('王建国'), anju_bigrams('赵'), anju_bigrams('')")
        assert cursor.fetchone() == (["建国", "王建"], [], [])
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'household_name_bigrams'")
        assert "gin (anju_bigrams((head_name)::text))" in cursor.fetchone()[0]
