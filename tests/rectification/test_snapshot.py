from __future__ import annotations

import pytest

from anju.rectification.models import LedgerEntry
from anju.rectification.snapshot import content_hash, differences, ledger_snapshot, official_rows

pytestmark = pytest.mark.django_db


def test_snapshot_hash_and_differences(make_entry):
    a, b = make_entry(), make_entry(description="李四户补助未发放")
    before = ledger_snapshot(LedgerEntry.objects.all())
    assert [row["number"] for row in before] == [1, 2]
    assert content_hash(before) == content_hash(ledger_snapshot(LedgerEntry.objects.all()))
    LedgerEntry.objects.filter(pk=b.pk).update(measures="改为下周三前补发到一卡通")
    c = make_entry(description="王五户未验收")
    after = ledger_snapshot(LedgerEntry.objects.all())
    assert content_hash(after) != content_hash(before)
    assert content_hash(after, previous="x") != content_hash(after)
    diff = differences(before, after)
    assert [r["id"] for r in diff["added"]] == [c.pk]
    assert diff["changed"][0]["id"] == b.pk and "measures" in diff["changed"][0]["fields"]
    rows = official_rows(after)
    assert [r.description for r in rows][0] == a.description and len(rows) == 3
