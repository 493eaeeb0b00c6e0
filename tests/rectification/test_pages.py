"""The ledger pages: the list with its filters and counts, an entry, and scope on every URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.rectification import services
from anju.rectification.models import LedgerEntry

pytestmark = pytest.mark.django_db

LIST = reverse("rectification:ledger_list")


@pytest.fixture
def entries(ledger_campaign, make_entry, officer_b, township_b, village_a2, households_a):
    a1 = make_entry(households=[households_a[0]])
    a2 = make_entry(
        nature="共性问题",
        village=None,
        description="3户补助发放超过验收后30日",
        measures="6月15日前补发到3户一卡通账户",
        households=households_a,
    )
    a3 = make_entry(village=village_a2, description="王五户未验收", measures="加强管理")
    b1 = make_entry(township=township_b, village=None, actor=officer_b, description="顺店镇的问题")
    return a1, a2, a3, b1


def test_the_officer_sees_the_township_ledger_with_counts_and_lights(as_user, officer_a, entries):
    a1, a2, a3, b1 = entries
    services.transition(actor=officer_a, entry=a1, name="start")
    response = as_user(officer_a).get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "张三户C级危房未挂牌" in body and "顺店镇的问题" not in body
    counts = {code: n for code, _, n in response.context["state_counts"]}
    assert counts == {"pending": 2, "in_progress": 1, "awaiting": 0, "closed": 0}
    assert "整改措施空泛" in body  # a3's "加强管理", shown before the city sees it
    assert "第3号" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nature=共性问题", ["3户补助发放超过验收后30日"]),
        ("state=in_progress", ["张三户C级危房未挂牌"]),
        ("aspect=9", None),  # an unknown value is ignored
        ("q=王五", ["3户补助发放超过验收后30日", "王五户未验收"]),
        ("q=李四", ["3户补助发放超过验收后30日"]),
        ("light=red", []),
        ("light=yellow", []),
    ],
)
def test_filters(as_user, officer_a, entries, query, expected):
    services.transition(actor=officer_a, entry=entries[0], name="start")
    response = as_user(officer_a).get(f"{LIST}?{query}")
    shown = [e.description for e in response.context["page"]]
    if expected is None:
        assert len(shown) == 3
    else:
        assert shown == expected


def test_the_overdue_light_filter(as_user, officer_a, entries):
    LedgerEntry.objects.filter(pk=entries[1].pk).update(
        deadline=dt.date.today() - dt.timedelta(days=1)
    )
    LedgerEntry.objects.filter(pk=entries[2].pk).update(
        deadline=dt.date.today() + dt.timedelta(days=2)
    )
    client = as_user(officer_a)
    red = client.get(f"{LIST}?light=red").context["page"]
    yellow = client.get(f"{LIST}?light=yellow").context["page"]
    assert [e.pk for e in red] == [entries[1].pk]
    assert [e.pk for e in yellow] == [entries[2].pk]
    assert client.get(LIST).context["light_counts"] == {"red": 1, "yellow": 1, "green": 1}


def test_the_village_filter(as_user, officer_a, entries, village_a2):
    response = as_user(officer_a).get(f"{LIST}?village={village_a2.pk}")
    assert [e.description for e in response.context["page"]] == ["王五户未验收"]


def test_the_city_sees_every_township_and_filters_by_township(
    as_user, city_reviewer, entries, township_b
):
    client = as_user(city_reviewer)
    all_rows = client.get(LIST).context["page"]
    assert len(all_rows) == 4
    body = client.get(f"{LIST}?township={township_b.pk}").content.decode()
    assert "顺店镇的问题" in body and "张三户C级危房未挂牌" not in body


def test_a_village_worker_sees_only_entries_of_their_village(as_user, worker_a, entries):
    a1, a2, a3, b1 = entries
    client = as_user(worker_a)
    shown = [e.pk for e in client.get(LIST).context["page"]]
    assert shown == [a1.pk]
    assert client.get(reverse("rectification:entry_detail", args=[a3.pk])).status_code == 404
    assert client.get(reverse("rectification:entry_detail", args=[a2.pk])).status_code == 404


def test_the_entry_page_shows_every_field_households_and_history(
    as_user, officer_a, entries, households_a
):
    a1 = entries[0]
    services.add_note(actor=officer_a, entry=a1, text="已联系制牌厂家")
    services.transition(actor=officer_a, entry=a1, name="start")
    response = as_user(officer_a).get(reverse("rectification:entry_detail", args=[a1.pk]))
    body = response.content.decode()
    for text in (
        "第1号",
        "农村危房改造",
        "个性问题",
        "由村两委于本周五前完成挂牌并拍照存档",
        "火龙镇人民政府",
        "已联系制牌厂家",
        "待整改 → 整改中",
        "提交核验",
        households_a[0].id_number_masked,
        reverse("registry:household_detail", args=[households_a[0].pk]),
    ):
        assert text in body, text
    assert households_a[0].id_number not in body


def test_buttons_follow_the_role(as_user, officer_a, head_a, entries):
    a1 = entries[0]
    url = reverse("rectification:entry_detail", args=[a1.pk])
    officer = [t.name for t in as_user(officer_a).get(url).context["transitions"]]
    head = [t.name for t in as_user(head_a).get(url).context["transitions"]]
    assert officer == ["start", "submit"] and head == []


def urls_of(entry, evidence_pk):
    pk = entry.pk
    return [
        ("get", reverse("rectification:entry_detail", args=[pk]), {}),
        ("get", reverse("rectification:entry_edit", args=[pk]), {}),
        ("post", reverse("rectification:entry_edit", args=[pk]), {"nature": "个性问题"}),
        ("post", reverse("rectification:entry_transition", args=[pk, "start"]), {}),
        ("post", reverse("rectification:entry_transition", args=[pk, "submit"]), {}),
        ("post", reverse("rectification:note_add", args=[pk]), {"text": "x"}),
        ("get", reverse("rectification:evidence_upload", args=[pk]), {}),
        ("post", reverse("rectification:evidence_upload", args=[pk]), {}),
        ("get", reverse("rectification:evidence_file", args=[pk, evidence_pk]), {}),
        ("post", reverse("rectification:draft_discard", args=[pk]), {}),
        ("post", reverse("rectification:draft_join", args=[pk]), {"into": pk}),
    ]


def test_another_township_gets_404_on_every_url_of_an_entry(
    as_user, officer_a, officer_b, entries, real_photo
):
    from anju.rectification import evidence

    a1 = entries[0]
    checked = evidence.check(real_photo())
    item = services.store_checked_evidence(actor=officer_a, entry=a1, checked=checked)
    client = as_user(officer_b)
    for method, url, data in urls_of(a1, item.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    a1.refresh_from_db()
    assert a1.state == "pending" and a1.notes.count() == 0 and a1.evidence.count() == 1


def test_another_township_cannot_export_or_see_counts_of_a(as_user, officer_b, entries, township_a):
    client = as_user(officer_b)
    for name in ("export_official", "export_internal"):
        response = client.post(reverse(f"rectification:{name}"), {"township": township_a.pk})
        assert response.status_code == 404
    assert client.post(reverse("rectification:export_county")).status_code == 403
    body = client.get(f"{LIST}?township={township_a.pk}").content.decode()
    assert "张三户" not in body


def test_anonymous_users_are_sent_to_login(client, entries):
    response = client.get(reverse("rectification:entry_detail", args=[entries[0].pk]))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_roles_without_business_data_are_refused(as_user, inspector, security_admin, entries):
    for user in (inspector, security_admin):
        assert as_user(user).get(LIST).status_code == 403


def test_a_search_by_household_keeps_the_household_count(as_user, officer_a, entries):
    response = as_user(officer_a).get(f"{LIST}?q=李四")
    [row] = response.context["page"]
    assert row.household_count == 3
