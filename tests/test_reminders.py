from __future__ import annotations

import pytest

from anju.core.models import Reminder
from anju.core.reminders import remind

pytestmark = pytest.mark.django_db


def test_reminders_are_sent_once_per_key_and_shown_to_their_owner(as_user, officer_a, officer_b):
    assert (
        remind([officer_a], kind="due_soon", title="第3周周报明天到期", url="/", key="week3") == 1
    )
    assert (
        remind([officer_a], kind="due_soon", title="第3周周报明天到期", url="/", key="week3") == 0
    )
    page = as_user(officer_a).get("/reminders/").content.decode()
    assert "第3周周报明天到期" in page
    assert "第3周周报明天到期" not in as_user(officer_b).get("/reminders/").content.decode()
    home = as_user(officer_a).get("/").content.decode()
    assert "条未读" in home


def test_opening_marks_read_and_others_cannot_open_it(as_user, officer_a, officer_b):
    remind([officer_a], kind="returned", title="周报被退回", url="/units/", key="r1")
    reminder = Reminder.objects.get()
    assert as_user(officer_b).get(f"/reminders/{reminder.pk}/")["Location"] == "/reminders/"
    reminder.refresh_from_db()
    assert reminder.read_at is None
    assert as_user(officer_a).get(f"/reminders/{reminder.pk}/")["Location"] == "/units/"
    reminder.refresh_from_db()
    assert reminder.read_at is not None
