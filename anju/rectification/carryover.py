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
        if entry.cross_period and entry.deadline and entry.deadline <= target.ends_on:
            # its 完成时限 now lies within the round it is in: no longer 跨期 (audited)
            entry.cross_period, entry.cross_reason = False, ""
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


def detail(source) -> str:
    """The 跨期 entries (完成时限 after the round's end), listed for the next round."""
    cross = open_entries(source).filter(cross_period=True)
    n = cross.count()
    if not n:
        return ""
    names = "、".join(
        f"{e.township.name}{e.label}" for e in cross.select_related("township").order_by("pk")[:10]
    )
    return f"其中跨期整改 {n} 条（{names}{'等' if n > 10 else ''}），完成时限在本轮结束之后，须转入下一轮"


register(
    Carrier(key="ledger", label="未销号的台账条目", count=count, move=move, order=1, detail=detail)
)
