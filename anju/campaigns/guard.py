"""A closed or archived round is read-only — checked where data is written, not where it is
shown (issue #16, the attack of b1df2d3).

The round selector (``selection.py``) refuses a write while a past round is chosen, but an
old URL of a past round's record (a bookmarked ``/ledger/<pk>/edit/``) reaches the view with
the current round chosen. So every write service of a stage app — ledger entries and their
notes, evidence and transitions, weekly reports and work plans, finals, visits and their
corrections, spot-checks, notices, findings — first calls ``ensure_writable`` with the round
the record belongs to. The round's status is read from the database at that moment (an
object loaded before the round was closed does not let a write through).

``RoundReadOnly`` is a ``PermissionDenied``: a view that does not catch it answers 403 with
the page ``campaigns/read_only.html`` naming the round (``RoundSelectionMiddleware``), and a
``permission_denied`` audit record says what was refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class RoundReadOnly(PermissionDenied):
    """A write into a round that is closed or archived (Chinese message naming it)."""

    def __init__(self, campaign):
        self.campaign = campaign
        super().__init__(refusal(campaign))


def refusal(campaign) -> str:
    """“2023年度第二轮”已结束，只能查看，不能修改。"""
    return f"“{campaign.name}”{campaign.get_status_display()}，只能查看，不能修改。"


def ensure_writable(campaign) -> None:
    """Raise ``RoundReadOnly`` when ``campaign`` (a round or its pk; None: nothing to
    check) is closed or archived, as the database says now."""
    from anju.campaigns.models import Campaign

    if campaign is None:
        return
    pk = campaign if isinstance(campaign, int) else campaign.pk
    current = Campaign.objects.filter(pk=pk).only("name", "status").first()
    if current is not None and current.is_read_only:
        raise RoundReadOnly(current)


def record_guard(record) -> None:
    """``ensure_writable`` of the round ``record`` belongs to (its ``campaign_id``): the
    ``guard`` of a stage's transition table (``core.transitions.Machine``)."""
    ensure_writable(record.campaign_id)


def is_writable(campaign) -> bool:
    """Whether records of ``campaign`` may still change (for pages hiding their buttons)."""
    return campaign is None or not campaign.is_read_only
