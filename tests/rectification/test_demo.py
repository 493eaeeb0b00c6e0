"""The ledger's demo step (anju.rectification.demo), after the demo county is built."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command

from anju.rectification import quality
from anju.rectification.models import LedgerEntry, State

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_shows_every_state_and_the_quality_faults(capsys):
    from anju.core.management.commands.demo import DemoContext

    call_command("demo", "--households", "400", "--villages-per-township", "3")
    ctx = DemoContext(households=400, seed=2022, villages_per_township=3, say=lambda m: None)
    step = importlib.import_module("anju.rectification.demo")
    step.build(ctx)
    entries = LedgerEntry.objects.filter(township__code__in=["411081100", "411081101"])
    states = set(entries.values_list("state", flat=True))
    assert {State.PENDING, State.IN_PROGRESS, State.AWAITING, State.CLOSED} <= states
    assert entries.filter(state=State.DRAFT).exists()
    codes = {i.code for i in quality.check_entries(LedgerEntry.objects.all())}
    assert {"measure_vague", "measure_copied"} <= codes
    count = LedgerEntry.objects.count()
    step.build(ctx)  # twice changes nothing
    assert LedgerEntry.objects.count() == count
