"""The export guard: reasons, roles, rate limit, audit with hash, formula safety (rows 18–19)."""

from __future__ import annotations

import hashlib

import pytest
from django.test import RequestFactory

from anju.audit.context import acting_as
from anju.audit.models import AuditEvent
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.workbooks import formula_safe

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("payload", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_neutralised(payload):
    assert formula_safe(payload) == "'" + payload
    assert formula_safe("正常文本") == "正常文本"
    assert formula_safe(12) == 12


def test_unmasked_exports_need_the_role_and_a_reason(worker_a, officer_a):
    with pytest.raises(ExportRefused, match="不能导出未脱敏"):
        authorize_export(request_for(worker_a), rows=3, unmasked=True, reason="x")
    with pytest.raises(ExportRefused, match="导出理由"):
        authorize_export(request_for(officer_a), rows=3, unmasked=True)
    authorize_export(request_for(officer_a), rows=3, unmasked=True, reason="与民政核对")


def test_bulk_exports_need_a_reason(officer_a):
    with pytest.raises(ExportRefused):
        authorize_export(request_for(officer_a), rows=501, unmasked=False)
    authorize_export(request_for(officer_a), rows=500, unmasked=False)


def test_sec_19_the_sixth_export_in_a_minute_is_refused_with_429(officer_a):
    with acting_as(officer_a):
        for _ in range(5):
            authorize_export(request_for(officer_a), rows=1, unmasked=False)
            record_export(what="x", filters={}, rows=1, content=b"abc", unmasked=False)
        with pytest.raises(ExportRefused) as refused:
            authorize_export(request_for(officer_a), rows=1, unmasked=False)
    assert refused.value.status == 429


def test_the_export_record_holds_rows_and_the_file_hash(officer_a):
    with acting_as(officer_a):
        record_export(
            what="registry.household",
            filters={"village": "1"},
            rows=7,
            content=b"file",
            unmasked=False,
        )
    event = AuditEvent.objects.get(event="export")
    assert event.detail["rows"] == 7
    assert event.detail["sha256"] == hashlib.sha256(b"file").hexdigest()
    assert event.username == "p_officer_a"
