"""SECURITY.md rows 10 and 24 for weekly reports, through the pages: each report event writes
one complete audit row, and a timestamp sent by the client is never stored."""

from __future__ import annotations

import pytest

from anju.audit.models import AuditEvent
from anju.reporting.models import Status, WeeklySubmission
from tests.conftest import PASSWORD
from tests.reporting.conftest import at, bj
from tests.test_security_rows import assert_complete

pytestmark = pytest.mark.django_db


def prepare(client):
    client.post("/reports/prepare/", {"week": "1"})
    return WeeklySubmission.objects.latest("id")


@pytest.mark.parametrize("event", ["submit", "return", "accept"])
def test_sec_10_each_report_event_writes_one_complete_audit_row(
    as_user, schedule, officer_a, head_a, city_reviewer, entry, event
):
    entry()
    officer, head, reviewer = as_user(officer_a), as_user(head_a), as_user(city_reviewer)
    with at("2022-06-03 10:00"):
        submission = prepare(officer)
        if event != "submit":
            head.post(f"/reports/{submission.pk}/approve/", {"reauth": PASSWORD})
        before = AuditEvent.objects.filter(event=event).count()
        last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        if event == "submit":
            head.post(f"/reports/{submission.pk}/approve/", {"reauth": PASSWORD})
        elif event == "return":
            reviewer.post(
                f"/reports/{submission.pk}/return/",
                {"reason": "措施不具体", "new_due_at": "2022-06-06T17:00"},
            )
        else:
            reviewer.post(f"/reports/{submission.pk}/accept/")
    assert AuditEvent.objects.filter(event=event).count() == before + 1
    row = AuditEvent.objects.get(event=event, id__gt=last_id)
    assert_complete(row)
    assert row.object_id == str(submission.pk)


def test_sec_24_a_client_supplied_timestamp_is_ignored(as_user, schedule, officer_a, head_a, entry):
    entry()
    forged = {"submitted_at": "2022-06-01 08:00", "prepared_at": "2022-06-01 08:00"}
    forged_approval = {**forged, "reauth": PASSWORD}
    with at("2022-06-03 10:00"):
        as_user(officer_a).post("/reports/prepare/", {"week": "1", **forged})
    submission = WeeklySubmission.objects.get()
    with at("2022-06-03 18:30"):  # late: a forged earlier time would make it on time
        as_user(head_a).post(f"/reports/{submission.pk}/approve/", forged_approval)
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert submission.prepared_at == bj("2022-06-03 10:00")
    assert submission.submitted_at == bj("2022-06-03 18:30")
    assert submission.on_time is False
