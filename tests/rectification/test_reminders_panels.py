"""Daily reminders, the home panels, the menu entry and the household-page panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from anju.core.models import Reminder
from anju.rectification import services
from anju.rectification.models import LedgerEntry
from anju.rectification.reminders import send_ledger_reminders

pytestmark = pytest.mark.django_db


def test_due_soon_and_overdue_reminders_go_to_the_township_officers(
    make_entry, officer_a, officer_b, head_a, ledger_campaign
):
    today = dt.date.today()
    soon = make_entry(deadline=today + dt.timedelta(days=3))
    later = make_entry(deadline=today + dt.timedelta(days=4))
    late = make_entry(deadline=today + dt.timedelta(days=1))
    LedgerEntry.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=2))
    assert send_ledger_reminders(today=today) == {"due_soon": 1, "overdue": 1, "done": 0}
    titles = set(Reminder.objects.filter(user=officer_a).values_list("title", flat=True))
    assert titles == {
        f"整改台账第{late.number}号“张三户C级危房未挂牌”已逾期 2 天（完成时限 {today - dt.timedelta(days=2):%Y-%m-%d}）。",
        f"整改台账第{soon.number}号“张三户C级危房未挂牌”将在 3 天后到期（{today + dt.timedelta(days=3):%Y-%m-%d}）。",
    }
    assert not Reminder.objects.filter(user__in=[officer_b, head_a]).exists()
    assert later.pk not in [
        int(u.split("/")[-2]) for u in Reminder.objects.values_list("url", flat=True)
    ]
    # idempotent: a second run the same day sends nothing new
    assert send_ledger_reminders(today=today) == {"due_soon": 0, "overdue": 0, "done": 0}


def test_closed_entries_are_not_reminded(make_entry, officer_a, head_a, photo, ledger_campaign):
    entry = make_entry(deadline=dt.date.today() + dt.timedelta(days=1))
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    services.transition(actor=head_a, entry=entry, name="close")
    assert send_ledger_reminders(today=dt.date.today()) == {"due_soon": 0, "overdue": 0, "done": 0}


def test_a_reminder_is_done_once_the_entry_is_closed_or_its_deadline_moves(
    as_user, make_entry, officer_a, head_a, photo, ledger_campaign
):
    today = dt.date.today()
    late = make_entry(deadline=today + dt.timedelta(days=1))
    LedgerEntry.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=2))
    moved = make_entry(deadline=today + dt.timedelta(days=2))
    assert send_ledger_reminders(today=today) == {"due_soon": 1, "overdue": 1, "done": 0}
    assert "2<span" in as_user(officer_a).get("/").content.decode()  # two unread
    # The late entry is rectified, submitted and closed: its overdue reminder is done with,
    # and the head's 待核验 reminder too.
    services.add_evidence(actor=officer_a, entry=late, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=late, name="submit")
    assert Reminder.objects.get(user=head_a, kind="ledger_awaiting").done_at is None
    services.transition(actor=head_a, entry=late, name="close")
    overdue = Reminder.objects.get(kind="ledger_overdue")
    assert overdue.done_at is not None and overdue.read_at is None
    assert Reminder.objects.get(user=head_a, kind="ledger_awaiting").done_at is not None
    # The other entry's deadline moves: the next run marks the old reminder done and, when
    # the new deadline is near, announces it under a new key.
    LedgerEntry.objects.filter(pk=moved.pk).update(deadline=today + dt.timedelta(days=1))
    assert send_ledger_reminders(today=today) == {"due_soon": 1, "overdue": 0, "done": 1}
    due = Reminder.objects.filter(kind="ledger_due").order_by("pk")
    assert [r.done_at is not None for r in due] == [True, False]
    page = as_user(officer_a).get(reverse("core:reminders")).content.decode()
    assert page.count("已处理</span>") == 2
    unread = Reminder.objects.for_user(officer_a).unread()
    assert sorted(r.kind for r in unread) == ["ledger_closed", "ledger_due"]


def test_the_command(make_entry, officer_a, ledger_campaign, capsys):
    make_entry(deadline=dt.date.today() + dt.timedelta(days=2))
    call_command("ledger_reminders")
    assert "新发临期提醒 1 条" in capsys.readouterr().out


def test_the_officer_home_panel(as_user, officer_a, make_entry, ledger_campaign):
    make_entry(deadline=dt.date.today() + dt.timedelta(days=1))
    late = make_entry()
    LedgerEntry.objects.filter(pk=late.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    make_entry(draft=True, measures="", deadline=None)
    response = as_user(officer_a).get(reverse("core:home"))
    body = response.content.decode()
    ctx = {p.key: c for p, c in response.context["panels"]}["rectification.officer"]
    assert (ctx["red"], ctx["yellow"], ctx["drafts"], ctx["open"]) == (1, 1, 1, 2)
    assert "1 条草稿待纳入台账" in body and "条已逾期" in body


def test_the_verification_panel(
    as_user, head_a, city_reviewer, officer_a, make_entry, photo, ledger_campaign
):
    entry = make_entry()
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    for user in (head_a, city_reviewer):
        response = as_user(user).get(reverse("core:home"))
        ctx = {p.key: c for p, c in response.context["panels"]}["rectification.verify"]
        assert ctx["awaiting"] == 1
        assert "条已整改待核验" in response.content.decode()


def test_the_menu_entry_for_business_roles(
    as_user, officer_a, worker_a, city_reviewer, security_admin
):
    for user in (officer_a, worker_a, city_reviewer):
        assert "整改台账" in as_user(user).get(reverse("core:home")).content.decode()
    assert ">整改台账<" not in as_user(security_admin).get(reverse("core:home")).content.decode()


def test_the_household_page_lists_its_entries(
    as_user, officer_a, officer_b, make_entry, households_a, ledger_campaign
):
    entry = make_entry(households=[households_a[0]])
    url = reverse("registry:household_detail", args=[households_a[0].pk])
    body = as_user(officer_a).get(url).content.decode()
    assert reverse("rectification:entry_detail", args=[entry.pk]) in body
    assert "第1号" in body
    other = as_user(officer_a).get(reverse("registry:household_detail", args=[households_a[1].pk]))
    assert reverse("rectification:entry_detail", args=[entry.pk]) not in other.content.decode()
