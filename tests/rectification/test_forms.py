"""The entry form: Chinese messages next to each field, the household picker, edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anju.audit.models import AuditEvent
from anju.rectification.models import LedgerEntry, State
from tests.rectification.conftest import entry_form_data

pytestmark = pytest.mark.django_db

NEW = reverse("rectification:entry_create")


def post_new(client, **overrides):
    return client.post(NEW, entry_form_data(**overrides))


def test_the_officer_writes_an_entry(as_user, officer_a, ledger_campaign, households_a, village_a):
    response = post_new(as_user(officer_a), households=[households_a[0].pk], village=village_a.pk)
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rectification:entry_detail", args=[entry.pk])
    assert (entry.number, entry.state, entry.source) == (1, State.PENDING, "self")
    assert entry.responsible_unit == "火龙镇人民政府"
    assert entry.responsible_leader == "副镇长 刘某" and entry.cause == "鉴定后未及时制牌"
    assert list(entry.households.all()) == [households_a[0]]
    assert AuditEvent.objects.filter(event="create", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"measures": ""}, "measures", "请填写整改措施"),
        ({"deadline": ""}, "deadline", "请填写完成时限"),
        ({"deadline": "2022-06-31"}, "deadline", "不是一个真实的日期"),
        ({"deadline": "6月底"}, "deadline", "不是一个真实的日期"),
        (
            {"deadline": (dt.date.today() + dt.timedelta(days=200)).isoformat()},
            "deadline",
            "不在本轮",
        ),
        (
            {"deadline": (dt.date.today() - dt.timedelta(days=1)).isoformat()},
            "deadline",
            "早于今天",
        ),
        ({"nature": ""}, "nature", "请选择问题性质"),
        ({"nature": "一般问题"}, "nature", "只能从列表中选择"),
        ({"description": " "}, "description", "请填写问题表述"),
    ],
)
def test_each_problem_is_shown_next_to_its_field(
    as_user, officer_a, ledger_campaign, overrides, field, message
):
    response = post_new(as_user(officer_a), **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert LedgerEntry.objects.count() == 0


def test_a_deadline_in_chinese_or_full_width_is_read(as_user, officer_a, ledger_campaign):
    day = dt.date.today() + dt.timedelta(days=3)
    text = f"{day.year}年{day.month}月{day.day}日".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    post_new(as_user(officer_a), deadline=text)
    assert LedgerEntry.objects.get().deadline == day


def test_an_individual_problem_links_one_household(
    as_user, officer_a, ledger_campaign, households_a
):
    response = post_new(as_user(officer_a), households=[h.pk for h in households_a[:2]])
    assert "个性问题只涉及一户" in " ".join(response.context["form"].errors["households"])


def test_households_must_be_in_the_chosen_village(
    as_user, officer_a, ledger_campaign, households_a, village_a
):
    response = post_new(
        as_user(officer_a),
        nature="共性问题",
        village=village_a.pk,
        households=[h.pk for h in households_a],
    )
    assert "王五不在甲一村" in " ".join(response.context["form"].errors["households"])


def test_a_household_of_another_township_cannot_be_linked(
    as_user, officer_a, ledger_campaign, household_b
):
    response = post_new(as_user(officer_a), households=[household_b.pk])
    assert "不在您的管辖范围内" in " ".join(response.context["form"].errors["households"])
    assert LedgerEntry.objects.count() == 0


def test_the_household_finder_searches_by_name_and_by_id_within_the_township(
    as_user, officer_a, ledger_campaign, households_a, household_b
):
    client = as_user(officer_a)
    data = entry_form_data(action="find", find_q="李四", measures="")
    response = client.post(NEW, data)
    assert [h.head_name for h in response.context["results"]] == ["李四"]
    assert LedgerEntry.objects.count() == 0
    assert "请填写整改措施" not in response.content.decode()  # a search is not a save
    by_id = client.post(NEW, {**data, "find_q": households_a[2].id_number})
    assert [h.head_name for h in by_id.context["results"]] == ["王五"]
    assert households_a[2].id_number not in by_id.content.decode()
    other = client.post(NEW, {**data, "find_q": "赵六"})
    assert other.context["results"] == []
    kept = client.post(NEW, {**data, "households": [households_a[0].pk]})
    assert [h.head_name for h in kept.context["selected"]] == ["张三"]
    assert "张三" not in [h.head_name for h in kept.context["results"]]


def test_editing_an_entry(as_user, officer_a, make_entry, ledger_campaign):
    entry = make_entry()
    url = reverse("rectification:entry_edit", args=[entry.pk])
    client = as_user(officer_a)
    assert client.get(url).context["form"].initial["measures"] == entry.measures
    response = client.post(url, entry_form_data(measures="6月10日前完成张三户挂牌并拍照"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.measures == "6月10日前完成张三户挂牌并拍照"
    event = AuditEvent.objects.filter(event="update", object_id=str(entry.pk)).last()
    assert "measures" in event.detail["changes"]


def test_an_overdue_entry_can_still_be_edited_without_moving_its_deadline(
    as_user, officer_a, make_entry, ledger_campaign
):
    entry = make_entry()
    past = dt.date.today() - dt.timedelta(days=2)
    LedgerEntry.objects.filter(pk=entry.pk).update(deadline=past)
    url = reverse("rectification:entry_edit", args=[entry.pk])
    response = as_user(officer_a).post(
        url, entry_form_data(deadline=past.isoformat(), cause="补充原因")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.cause == "补充原因" and entry.deadline == past


def test_an_entry_awaiting_verification_cannot_be_edited(
    as_user, officer_a, make_entry, ledger_campaign, photo
):
    from anju.rectification import services

    entry = make_entry()
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    url = reverse("rectification:entry_edit", args=[entry.pk])
    response = as_user(officer_a).post(url, entry_form_data(measures="改了"), follow=True)
    assert "不能再修改" in response.content.decode()
    entry.refresh_from_db()
    assert entry.measures != "改了"


def test_only_the_township_officer_writes(
    as_user, head_a, worker_a, city_reviewer, ledger_campaign
):
    for user in (head_a, worker_a, city_reviewer):
        assert as_user(user).get(NEW).status_code == 403
        assert post_new(as_user(user)).status_code == 403
    assert LedgerEntry.objects.count() == 0


def test_a_progress_note_is_dated_and_checked(as_user, officer_a, make_entry, ledger_campaign):
    entry = make_entry()
    url = reverse("rectification:note_add", args=[entry.pk])
    client = as_user(officer_a)
    empty = client.post(url, {"text": " "})
    assert empty.status_code == 400 and "请填写进展情况" in empty.content.decode()
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    later = client.post(url, {"text": "已制牌", "on": future})
    assert "晚于今天" in later.content.decode()
    ok = client.post(url, {"text": "已联系制牌厂家", "on": dt.date.today().isoformat()})
    assert ok.status_code == 302
    assert list(entry.notes.values_list("text", flat=True)) == ["已联系制牌厂家"]


def test_a_village_worker_adds_notes_to_an_entry_of_their_village(
    as_user, worker_a, make_entry, ledger_campaign
):
    entry = make_entry()
    url = reverse("rectification:note_add", args=[entry.pk])
    assert as_user(worker_a).post(url, {"text": "已入户查看"}).status_code == 302
    assert entry.notes.get().author == worker_a


def test_the_village_follows_the_households_when_left_empty(
    as_user, officer_a, ledger_campaign, households_a, village_a
):
    client = as_user(officer_a)
    post_new(client, households=[households_a[0].pk])
    post_new(client, nature="共性问题", households=[h.pk for h in households_a])
    one, many = LedgerEntry.objects.order_by("number")
    assert one.village == village_a  # so the village's worker sees it
    assert many.village is None  # across villages
