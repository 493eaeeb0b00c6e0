"""When a township's final materials (整改报告 and 整改台账) came, against the round's phases
(issue #16 item 6, docs/adr/0017): the township submits by signing (the head's signature,
server time). A final signed before 总结验收 begins is flagged 提前 (not refused: a township
that finished early may submit, the city sees it was before the phase); one signed after
the phase's last day — or none signed by then — is flagged 逾期 and feeds 通报 proposals
like late weekly reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anju.acceptance.models import FinalSubmission
from anju.reporting import weeks as cal
from anju.reporting.models import Schedule

if TYPE_CHECKING:
    from anju.campaigns.models import Campaign

EARLY, ON_TIME, LATE, MISSING = "early", "on_time", "late", "missing"
LABELS = {EARLY: "提前报送", ON_TIME: "按时报送", LATE: "逾期报送", MISSING: "逾期未报送"}


@dataclass(frozen=True)
class FinalTiming:
    state: str
    signed_at: dt.datetime | None
    opens_at: dt.datetime
    due_at: dt.datetime

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def late_by(self) -> str:
        from anju.reporting import board

        if self.state != LATE or self.signed_at is None:
            return ""
        return board.span_text(self.signed_at - self.due_at)


def window(schedule: Schedule) -> tuple[dt.datetime, dt.datetime]:
    """总结验收 opens at midnight after 排查整改's last day and closes at midnight after its
    own last day (Beijing time)."""
    one = dt.timedelta(days=1)
    opens = cal.at_local(schedule.rectify_ends_on + one, dt.time(0, 0))
    return opens, cal.at_local(schedule.accept_ends_on + one, dt.time(0, 0))


def timings(
    campaign: Campaign, township_ids: Collection[int], now: dt.datetime
) -> dict[int, FinalTiming]:
    """Township id → the timing of its first signed final (none: not yet due, nothing)."""
    schedule = Schedule.objects.filter(campaign=campaign).first()
    if schedule is None:
        return {}
    opens, due = window(schedule)
    first_signed: dict[int, dt.datetime | None] = {}
    signed = (
        FinalSubmission.objects.filter(
            campaign=campaign, township_id__in=township_ids, signed_at__isnull=False
        )
        .order_by("township_id", "signed_at")
        .values_list("township_id", "signed_at")
    )
    for township_id, at in signed:
        first_signed.setdefault(township_id, at)
    result: dict[int, FinalTiming] = {}
    for township_id in township_ids:
        at = first_signed.get(township_id)
        if at is None:
            if now >= due:
                result[township_id] = FinalTiming(MISSING, None, opens, due)
            continue
        state = EARLY if at < opens else LATE if at >= due else ON_TIME
        result[township_id] = FinalTiming(state, at, opens, due)
    return result
