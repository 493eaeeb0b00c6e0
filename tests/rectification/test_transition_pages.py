"""The state machine through the pages: buttons, reasons, double submits, drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core.models import Reminder
from anju.rectification import evidence, services
from anju.rectification.models import EntryTransition, LedgerEntry, Source, State

pytestmark = pytest.mark.django_db


def do(client, entry, name, state, **data):
    url = reverse("rectification:entry_transition", args=[entry.pk, name])
    return client.post(url, {"state": state, **data}, follow=True)


def attach(entry, user, real_photo):
    checked = evidence.check(real_photo())
    return services.store_checked_evidence(actor=user, entry=entry, checked=checked)


def test_the_whole_path_through_the_pages(
    as_user, officer_a, head_a, make_entry, ledger_campaign, real_photo
):
    entry = make_entry()
    officer, head = as_user(officer_a), as_user(head_a)
    assert "已开始整改" in do(officer, entry, "start", "pending").content.decode()
    refused = do(officer, entry, "submit", "in_progress").content.decode()
    assert "尚未上传整改佐证" in refused
    attach(entry, officer_a, real_photo)
    assert "已提交核验" in do(officer, entry, "submit", "in_progress").content.decode()
    assert Reminder.objects.filter(user=head_a, kind="ledger_awaiting").exists()
    no_reason = do(head, entry, "return", "awaiting").content.decode()
    assert "必须填写理由" in no_reason
    do(head, entry, "return", "awaiting", reason="照片看不清挂牌等级")
    assert Reminder.objects.filter(user=officer_a, kind="ledger_returned").exists()
    do(officer, entry, "submit", "in_progress")
    closed = do(head, entry, "close", "awaiting").content.decode()
    assert "已核验销号" in closed
    entry.refresh_from_db()
    assert entry.state == State.CLOSED
    names = list(EntryTransition.objects.filter(entry=entry).values_list("name", flat=True))
    assert names == ["start", "submit", "return", "submit", "close"]


def test_a_double_submit_answers_that_someone_else_just_acted(
    as_user, officer_a, head_a, city_reviewer, make_entry, ledger_campaign, real_photo
):
    entry = make_entry()
    attach(entry, officer_a, real_photo)
    officer = as_user(officer_a)
    first = do(officer, entry, "submit", "pending")
    second = do(officer, entry, "submit", "pending")
    assert "已提交核验" in first.content.decode()
    assert "刚被他人处理" in second.content.decode()
    # the head and the city reviewer both press 核验销号 on the page they opened
    head, reviewer = as_user(head_a), as_user(city_reviewer)
    do(head, entry, "close", "awaiting")
    late = do(reviewer, entry, "close", "awaiting").content.decode()
    assert "刚被他人处理" in late
    assert EntryTransition.objects.filter(entry=entry, name="submit").count() == 1
    assert EntryTransition.objects.filter(entry=entry, name="close").count() == 1


def test_roles_cannot_press_buttons_they_do_not_have(
    as_user, officer_a, head_a, worker_a, make_entry, ledger_campaign
):
    entry = make_entry()
    assert "角色" in do(as_user(head_a), entry, "start", "pending").content.decode()
    url = reverse("rectification:entry_transition", args=[entry.pk, "start"])
    assert as_user(worker_a).post(url, {"state": "pending"}).status_code == 403
    assert as_user(officer_a).get(url).status_code == 405
    unknown = reverse("rectification:entry_transition", args=[entry.pk, "delete"])
    assert as_user(officer_a).post(unknown).status_code == 404
    entry.refresh_from_db()
    assert entry.state == State.PENDING


def test_a_city_reviewer_verifies_any_township(
    as_user, officer_a, city_reviewer, make_entry, ledger_campaign, real_photo
):
    entry = make_entry()
    attach(entry, officer_a, real_photo)
    do(as_user(officer_a), entry, "submit", "pending")
    do(as_user(city_reviewer), entry, "close", "awaiting")
    entry.refresh_from_db()
    assert entry.state == State.CLOSED


# --- drafts ------------------------------------------------------------------------------------
@pytest.fixture
def draft(make_entry):
    return make_entry(
        draft=True,
        measures="",
        deadline=None,
        source=Source.VISIT,
        description="入户发现李四户屋面漏雨",
    )


def test_drafts_are_listed_apart_and_accepted_after_completion(
    as_user, officer_a, draft, make_entry, ledger_campaign
):
    make_entry()
    client = as_user(officer_a)
    assert draft.number is None
    ledger = client.get(reverse("rectification:ledger_list"))
    assert draft.description not in ledger.content.decode()
    assert ledger.context["drafts"] == 1
    drafts = client.get(reverse("rectification:draft_list"))
    assert [d.pk for d in drafts.context["drafts"]] == [draft.pk]
    refused = do(client, draft, "accept", "draft").content.decode()
    assert "请先完善再纳入台账" in refused and "请填写整改措施" in refused
    from tests.rectification.conftest import entry_form_data

    edit = reverse("rectification:entry_edit", args=[draft.pk])
    saved = client.post(
        edit, entry_form_data(description=draft.description, measures="6月12日前完成李四户屋面维修")
    )
    assert saved.status_code == 302
    do(client, draft, "accept", "draft")
    draft.refresh_from_db()
    assert (draft.state, draft.number) == (State.PENDING, 2)


def test_a_draft_may_be_saved_incomplete(as_user, officer_a, draft, ledger_campaign):
    from tests.rectification.conftest import entry_form_data

    edit = reverse("rectification:entry_edit", args=[draft.pk])
    response = as_user(officer_a).post(
        edit, entry_form_data(description=draft.description, measures="", deadline="")
    )
    assert response.status_code == 302


def test_a_draft_is_discarded_or_joined(
    as_user, officer_a, draft, make_entry, households_a, ledger_campaign
):
    client = as_user(officer_a)
    target = make_entry(households=[households_a[0]])
    other = make_entry(
        draft=True,
        measures="",
        deadline=None,
        source=Source.VISIT,
        households=[households_a[1]],
        description="李四户同样未挂牌",
    )
    joined = client.post(
        reverse("rectification:draft_join", args=[other.pk]), {"into": target.pk}, follow=True
    )
    assert "已把草稿并入第1号" in joined.content.decode()
    target.refresh_from_db()
    assert target.nature == "共性问题"
    assert set(target.households.all()) == {households_a[0], households_a[1]}
    assert not LedgerEntry.objects.filter(pk=other.pk).exists()
    discarded = client.post(reverse("rectification:draft_discard", args=[draft.pk]), follow=True)
    assert "已放弃该草稿" in discarded.content.decode()
    assert not LedgerEntry.objects.filter(pk=draft.pk).exists()
    not_draft = client.post(reverse("rectification:draft_discard", args=[target.pk]), follow=True)
    assert "只有草稿可以放弃" in not_draft.content.decode()


def test_a_joined_draft_brings_its_notes_and_evidence(
    officer_a, make_entry, photo, ledger_campaign
):
    target = make_entry()
    draft = make_entry(draft=True, measures="", deadline=None, source=Source.VISIT)
    services.add_note(actor=officer_a, entry=draft, text="入户时拍照")
    services.add_evidence(actor=officer_a, entry=draft, upload=photo(), content_type="image/jpeg")
    services.join_draft(actor=officer_a, draft=draft, into=target)
    assert target.notes.get().text == "入户时拍照"
    assert target.evidence.count() == 1
