"""Attack of #16: writing into a closed round through the old URL of one of its ledger
entries, without choosing that round in the selector (the session is on the current round).

BROKEN on main (found by the attack, not fixed in time): the read-only rule of a closed round
is enforced only while the round is chosen in the selector (``campaigns/selection.py``); the
edit view takes the POST and rewrites last round's 整改措施. The test is a strict xfail so it
turns red the day the hole is closed, to be unmarked then."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.rectification.models import LedgerEntry
from tests.campaigns.test_selector import past_entry, past_round  # noqa: F401 - fixtures
from tests.html_forms import form_of

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(strict=True, reason="a closed round is read-only only while chosen (#16)")
def test_an_old_edit_url_of_a_closed_rounds_entry_changes_nothing(
    past_round,  # noqa: F811
    past_entry,  # noqa: F811
    officer_a,
    as_user,
):
    client = as_user(officer_a)
    url = reverse("rectification:entry_edit", args=[past_entry.pk])
    page = client.get(url)
    if page.status_code == 200:
        data = form_of(page.content.decode(), url, url)
    else:  # no form shown: a hand-made POST
        data = {"description": past_entry.description, "deadline": str(past_entry.deadline)}
    data["measures"] = "今年悄悄改写去年的整改措施"
    client.post(url, data)
    note = reverse("rectification:note_add", args=[past_entry.pk])
    client.post(note, {"text": "今年补记去年的进展"})
    assert LedgerEntry.objects.get(pk=past_entry.pk).measures == past_entry.measures
