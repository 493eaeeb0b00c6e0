"""Heads pressing "审批并报送" at the same moment, in threads on a server database: the
township's chain never forks and a report is never sent twice. (On SQLite writes are
serialised by IMMEDIATE transactions; the conditional updates are covered in
test_submissions.py.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from anju.audit.models import AuditEvent
from anju.reporting import integrity, services
from anju.reporting.models import Status, WeeklySubmission
from tests.reporting.conftest import at

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_approvals_at_once_keep_one_chain_and_send_each_report_once(
    campaign, schedule, township_a, officer_a, head_a
):
    with at("2022-06-10 10:00"):
        one = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=1)
        two = services.prepare(actor=officer_a, campaign=campaign, township=township_a, week=2)
        targets = [one.pk, two.pk, one.pk]
        start = threading.Barrier(len(targets))
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def work(pk: int) -> None:
            try:
                start.wait()
                services.approve(actor=head_a, submission=WeeklySubmission.objects.get(pk=pk))
                outcomes.append("sent")
            except services.ReportingError as exc:
                outcomes.append(str(exc))
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(pk,)) for pk in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert outcomes.count("sent") == 2
    sent = WeeklySubmission.objects.filter(status=Status.SUBMITTED).order_by("seq")
    assert [s.seq for s in sent] == [1, 2]
    assert sent[1].prev_hash == sent[0].content_hash
    assert AuditEvent.objects.filter(event="submit").count() == 2
    assert integrity.verify() == []
