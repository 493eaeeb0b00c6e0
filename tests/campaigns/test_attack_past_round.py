"""Attack of #16: writing into a closed round through the old URL of one of its records,
without choosing that round in the selector (the session is on the current round).

Found by the attack (b1df2d3): the read-only rule of a closed round lived only in the round
selector's middleware, so the edit view took the POST and rewrote last round's 整改措施.
Now every write service refuses a closed or archived round itself
(``campaigns/guard.py``); these tests go through the pages of each stage."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign, Status
from anju.notices import services as notices
from anju.notices.models import Notice
from anju.rectification.models import Evidence, LedgerEntry, ProgressNote
from tests.campaigns.test_selector import past_entry, past_round  # noqa: F401 - fixtures
from tests.html_forms import form_of
from tests.rectification.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

REFUSED = "已结束，只能查看，不能修改"


def _refused(response, campaign) -> None:
    page = response.content.decode()
    assert response.status_code == 403
    assert f"“{campaign.name}”{REFUSED}" in page, page[:500]


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
    _refused(client.post(url, data), past_round)
    note = reverse("rectification:note_add", args=[past_entry.pk])
    _refused(client.post(note, {"text": "今年补记去年的进展"}), past_round)
    assert LedgerEntry.objects.get(pk=past_entry.pk).measures == past_entry.measures
    assert not ProgressNote.objects.filter(entry=past_entry).exists()
    refusals = AuditEvent.objects.filter(
        event=Event.PERMISSION_DENIED, object_id=str(past_round.pk)
    )
    assert refusals.count() == 2
    assert refusals.first().detail["reason"] == "round read-only"


def test_a_closed_rounds_entry_takes_no_evidence_and_no_transition(
    past_round,  # noqa: F811
    past_entry,  # noqa: F811
    officer_a,
    as_user,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(officer_a)
    photo = SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")
    upload = reverse("rectification:evidence_upload", args=[past_entry.pk])
    _refused(client.post(upload, {"file": photo, "note": "整改后"}), past_round)
    assert not Evidence.objects.filter(entry=past_entry).exists()

    start = reverse("rectification:entry_transition", args=[past_entry.pk, "start"])
    _refused(client.post(start, {"state": past_entry.state}), past_round)
    assert LedgerEntry.objects.get(pk=past_entry.pk).state == past_entry.state


def test_an_archived_rounds_notice_draft_is_neither_issued_nor_discarded(
    past_round,  # noqa: F811
    city_reviewer,
    as_user,
):
    notice = Notice.objects.create(
        campaign=past_round,
        created_by=city_reviewer,
        **notices.defaults(past_round, praise=False, criticism=True),
    )
    Campaign.objects.filter(pk=past_round.pk).update(status=Status.ARCHIVED)
    past_round.refresh_from_db()
    client = as_user(city_reviewer)
    response = client.post(reverse("notices:discard", args=[notice.pk]))
    assert response.status_code == 403
    assert f"“{past_round.name}”已归档，只能查看，不能修改" in response.content.decode()
    client.post(reverse("notices:issue", args=[notice.pk]))
    assert Notice.objects.get(pk=notice.pk).status == Notice.Status.DRAFT


def test_the_api_writes_nothing(past_entry, officer_a, client):  # noqa: F811
    """The JSON API is read-only: a write method is refused before anything is looked up."""
    from anju.api.tokens import create_token

    _, token = create_token(user=officer_a, name="测试", days=30)
    url = reverse("api:ledger_entry", args=[past_entry.pk])
    for method in (client.post, client.put, client.patch, client.delete):
        response = method(url, {}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 405
