"""Open work carried over from a closing round into the next (issue #16 item 5).

When the city administrator closes a round, what is still open in it — ledger entries not
yet 已销号 (drafts among them), findings not yet resolved — may be moved into another round
of the county that is still open (the next round, published or still a draft). The records
move with their history: an entry keeps its notes, evidence and transitions, gets the next
序号 of its township in the new round and remembers where it came from (``carried_from``,
``carried_number``: 原“…”第5号); a finding keeps its history and gets one line saying so.

The stage apps that own those records register a ``Carrier`` here (the campaigns app may not
import them: docs/ARCHITECTURE.md); ``offer`` counts what each would move, ``carry`` moves it
all in one transaction and records one TRANSITION event on the closing round with the counts
(each moved entry's own change is audited by its save, findings by one event per batch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Carrier:
    key: str
    label: str  # what is moved, counted: “未销号的台账条目”
    count: Callable  # count(source) -> int
    move: Callable  # move(actor=, source=, target=) -> int (how many moved)
    order: int = 0  # place in the offer and the summary
    detail: Callable | None = None  # detail(source) -> str, e.g. “其中跨期整改 2 条”


_carriers: dict[str, Carrier] = {}


def register(carrier: Carrier) -> None:
    _carriers[carrier.key] = carrier


def carriers() -> list[Carrier]:
    return sorted(_carriers.values(), key=lambda c: c.order)


class CarryError(Exception):
    """A carry-over the rounds or the user do not allow (Chinese message)."""


def offer(source) -> list[tuple[str, int, str]]:
    """What closing ``source`` would leave behind: (label, count, detail) of each kind with
    a non-zero count (detail: what the next round should know, e.g. the 跨期 entries)."""
    counted = [(c, c.count(source)) for c in carriers()]
    return [(c.label, n, c.detail(source) if c.detail else "") for c, n in counted if n]


def targets(source):
    """The rounds open work of ``source`` may go to: the county's other rounds still open
    (published or draft). The next one first — the earliest that starts after ``source`` —
    then the later ones, then any that start before it (offered, not proposed)."""
    from django.db.models import Case, IntegerField, Value, When

    from anju.campaigns.models import Campaign, Status

    later = Case(
        When(starts_on__gt=source.starts_on, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Campaign.objects.filter(county_id=source.county_id)
        .filter(status__in=[Status.DRAFT, Status.PUBLISHED])
        .exclude(pk=source.pk)
        .order_by(later, "starts_on", "id")
    )


def carry(*, actor, source, target) -> dict[str, int]:
    """Move everything open of ``source`` into ``target``; label → how many moved."""
    from anju.audit.events import Event
    from anju.audit.services import record

    if target is None or not targets(source).filter(pk=target.pk).exists():
        raise CarryError("只能转入本县（市、区）尚未结束的另一轮次（已发布或草稿）。")
    if source.is_draft:
        raise CarryError("草稿轮次没有可转入下一轮的内容。")
    with transaction.atomic():
        moved = {c.label: c.move(actor=actor, source=source, target=target) for c in carriers()}
        moved = {label: n for label, n in moved.items() if n}
        record(
            Event.TRANSITION,
            obj=source,
            detail={"event": "carry_over", "to": target.pk, "to_name": target.name, "moved": moved},
        )
    return moved


def summary(moved: dict[str, int]) -> str:
    """“3 条未销号的台账条目、2 条未处理的筛查问题” (or “没有需要转入的内容”)."""
    if not moved:
        return "没有需要转入的内容"
    return "、".join(f"{n} 条{label}" for label, n in moved.items())
