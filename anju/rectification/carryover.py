"""The ledger's part of carrying a closing round's open work into the next round
(``campaigns/carryover.py``): entries not yet 已销号 move with their notes, evidence and
history, numbered next in their township's ledger of the new round, remembering their origin."""

from __future__ import annotations

from django.db.models import F

from anju.campaigns.carryover import Carrier, register
from anju.rectification.models import EntryTransition, LedgerEntry, State
from anju.rectification.workflow import next_number


def open_entries(source):
    return LedgerEntry.objects.filter(campaign=source).exclude(state=State.CLOSED)


def count(source) -> int:
    return open_entries(source).count()


def move(*, actor, source, target) -> int:
    entries = open_entries(source).order_by(
        "township__code", F("number").asc(nulls_last=True), "pk"
    )
    moved = 0
    for entry in entries.select_related("carried_from"):
        old = entry.label
        if entry.carried_from_id is None:  # the first origin stays through later carry-overs
            entry.carried_from, entry.carried_number = source, entry.number
        entry.campaign = target
        if entry.number is not None:
            entry.number = next_number(entry)
        entry.save()
        EntryTransition.objects.create(
            entry=entry,
            name="carry",
            from_state=entry.state,
            to_state=entry.state,
            actor=actor,
            reason=f"“{source.name}”结束，{old}转入“{target.name}”{entry.label}。",
        )
        moved += 1
    return moved


register(Carrier(key="ledger", label="未销号的台账条目", count=count, move=move, order=1))
