"""An error in the middle of the registry import's write — after a first chunk of
households, assessments and renovations is in, while a later chunk writes, or while its
audit rows are written — leaves nothing half-written: no household, assessment,
renovation or audit row of the batch, the batch failed with its message, and the audit
chain still whole. Written before #20 moves the write (and the audit rows) to PostgreSQL's
COPY, which must keep the same all-or-nothing."""

from __future__ import annotations

import pytest

from anju.audit.models import AuditEvent
from anju.registry.io import writer
from anju.registry.models import Assessment, Household, ImportBatch, Renovation
from tests.registry.test_import_helpers import row, run, write_xlsx

pytestmark = pytest.mark.django_db


def _rows(village, n: int) -> list[dict]:
    return [row(village, i, 鉴定等级="D" if i % 2 else "C") for i in range(1, n + 1)]


@pytest.mark.parametrize("where", ["audit_first_chunk", "write_second_chunk", "audit_last"])
def test_an_error_midway_writes_nothing(where, tmp_path, village_a, monkeypatch):
    path = write_xlsx(tmp_path / "农户.xlsx", _rows(village_a, 7))
    monkeypatch.setattr(writer, "CHUNK", 3)  # three chunks of creates
    audits = AuditEvent.objects.count()
    flushes = {"n": 0}
    real_record, real_insert = writer.record_many, writer.Table.insert

    def record_many(events):
        flushes["n"] += 1
        if where == "audit_first_chunk" or (where == "audit_last" and flushes["n"] == 3):
            raise RuntimeError("killed while writing audit rows")
        return real_record(events)

    def insert(self, rows):
        if where == "write_second_chunk" and flushes["n"] == 1:
            raise RuntimeError("killed while writing the second chunk")
        return real_insert(self, rows)

    monkeypatch.setattr(writer, "record_many", record_many)
    monkeypatch.setattr(writer.Table, "insert", insert)

    batch = run(path)

    assert batch.status == ImportBatch.Status.FAILED, batch.message
    assert "未写入任何数据" in batch.message
    assert (Household.objects.count(), Assessment.objects.count()) == (0, 0)
    assert Renovation.objects.count() == 0
    written = AuditEvent.objects.exclude(event="import").count()
    assert written == audits, "audit rows of a failed import were kept"
    ImportBatch.objects.get(pk=batch.pk)  # the batch itself is kept, failed


def test_the_same_file_imports_whole_afterwards(tmp_path, village_a, monkeypatch):
    path = write_xlsx(tmp_path / "农户.xlsx", _rows(village_a, 7))
    monkeypatch.setattr(writer, "CHUNK", 3)
    batch = run(path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert Household.objects.count() == 7
    assert AuditEvent.objects.filter(event="create", object_type="registry.household").count() == 7
