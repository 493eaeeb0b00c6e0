"""The ledger entry's state machine: named transitions, who may take them, their guards.

    待整改 → 整改中 → 已整改待核验 → 已销号, with 退回 from verification back to 整改中;
    drafts (from house visits) are accepted onto the ledger or discarded.

``apply`` is the only way an entry's state changes; the table below is the workflow, taken by
``anju.core.transitions`` (a conditional UPDATE, so two people acting at once cannot both
succeed and the loser gets a clear message; an ``EntryTransition`` row and an audit record
for each move). Other stages add closing guards with ``add_close_guard`` (screening: a linked
finding that still fires blocks closing). Accepting a draft checks it is complete with the
``validate`` the caller passes in (``services.transition``): this module imports no services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError
from django.db.models import Max
from django.utils import timezone

from anju.accounts.roles import OFFICERS, Role
from anju.campaigns.guard import record_guard
from anju.core.transitions import Machine, Reason, Transition, table
from anju.rectification.models import EntryTransition, LedgerEntry, State

if TYPE_CHECKING:
    from anju.accounts.models import User


class TransitionError(Exception):
    """A transition refused, with a Chinese message for the user."""


VERIFIERS = frozenset({Role.TOWNSHIP_HEAD, Role.CITY_REVIEWER})

TRANSITIONS: dict[str, Transition] = table(
    Transition("accept", "纳入台账", (State.DRAFT,), State.PENDING, OFFICERS),
    Transition("start", "开始整改", (State.PENDING,), State.IN_PROGRESS, OFFICERS),
    Transition("submit", "提交核验", (State.PENDING, State.IN_PROGRESS), State.AWAITING, OFFICERS),
    Transition("close", "核验销号", (State.AWAITING,), State.CLOSED, VERIFIERS),
    Transition("return", "退回", (State.AWAITING,), State.IN_PROGRESS, VERIFIERS,
               reason=Reason("退回理由", "“退回”必须填写理由。", max_length=500)),
)  # fmt: skip
MACHINE = Machine(
    model=LedgerEntry,
    transitions=TRANSITIONS,
    noun="该条目",
    error=TransitionError,
    guard=record_guard,
    refused="{noun}当前为“{state}”，不能执行“{label}”。请刷新页面查看最新状态。",
)
STALE = MACHINE.stale_message

CloseGuard = Callable[[LedgerEntry], str | None]
Validate = Callable[..., dict[str, str]]
_close_guards: list[CloseGuard] = []


def add_close_guard(guard: CloseGuard) -> None:
    """``guard(entry)`` returns a Chinese reason why the entry cannot be closed, or None."""
    if guard not in _close_guards:
        _close_guards.append(guard)


def _guards(entry: LedgerEntry, t: Transition, validate: Validate) -> list[str]:
    problems: list[str] = []
    if t.name == "accept":
        errors = validate(
            campaign=entry.campaign,
            nature=entry.nature,
            description=entry.description,
            measures=entry.measures,
            deadline=entry.deadline,
            draft=False,
            today=timezone.localdate(),
            cross_period=entry.cross_period,
            cross_reason=entry.cross_reason,
        )
        return [f"请先完善再纳入台账：{message}" for message in errors.values()]
    if t.target in (State.AWAITING, State.CLOSED):
        if not entry.measures.strip():
            problems.append("整改措施为空，请先填写整改措施。")
        if not entry.evidence.exists():
            problems.append("尚未上传整改佐证材料（照片或文件），不能提交核验或销号。")
    if t.target == State.CLOSED:
        problems.extend(p for guard in _close_guards if (p := guard(entry)))
    return problems


def available(entry: LedgerEntry, user: User) -> list[Transition]:
    """The transitions this user could take now (guards are checked when applied)."""
    return MACHINE.available(entry, user)


def apply(
    entry: LedgerEntry,
    name: str,
    *,
    actor: User,
    validate: Validate,
    reason: str = "",
    expected: str | None = None,
) -> LedgerEntry:
    """Take transition ``name``. ``expected`` is the state the user saw on the page: when
    it has changed meanwhile (someone else acted, or the same button was pressed twice),
    the move is refused as stale rather than judged against a state the user never saw.
    ``validate`` is ``services.validate`` (whether a draft is complete enough to accept)."""
    t = MACHINE.check(entry, name, actor=actor, expected=expected)
    if errors := t.reason_errors(reason):
        raise TransitionError(errors["reason"])
    reason = reason.strip()
    problems = _guards(entry, t, validate)
    if problems:
        raise TransitionError("；".join(problems))
    for attempt in range(5):
        try:
            _move(entry, t, reason=reason, actor=actor)
            break
        except IntegrityError:  # two drafts accepted at once took the same 序号
            if attempt == 4:
                raise
    return entry


def next_number(entry: LedgerEntry) -> int:
    """The township's next 序号 on the ledger of the entry's round."""
    top = LedgerEntry.objects.filter(campaign_id=entry.campaign_id, township_id=entry.township_id)
    return (top.aggregate(m=Max("number"))["m"] or 0) + 1


def _move(entry: LedgerEntry, t: Transition, *, actor: User, reason: str) -> None:
    now = timezone.now()
    numbered = t.name == "accept" and entry.number is None

    def values() -> dict[str, Any]:
        fields: dict[str, Any] = {"closed_at": now if t.target == State.CLOSED else None}
        if numbered:
            fields["number"] = next_number(entry)
        return fields

    def detail(moved: LedgerEntry) -> dict[str, Any]:
        d = {"transition": t.name, "from": was, "to": t.target, "reason": reason}
        return {**d, "number": moved.number} if numbered else d

    def history(moved: LedgerEntry, from_state: str) -> EntryTransition:
        return EntryTransition.objects.create(
            entry=moved,
            name=t.name,
            from_state=from_state,
            to_state=t.target,
            actor=actor,
            reason=reason,
        )

    was = entry.state
    MACHINE.move(
        entry,
        t.name,
        values=values,
        detail=detail,
        history=history,
        then=lambda moved, row: _notify(moved, t, row, reason),
        at=now,
    )


RESOLVES = {
    "submit": ("ledger_returned",),
    "return": ("ledger_awaiting",),
    "close": ("ledger_awaiting", "ledger_returned", "ledger_due", "ledger_overdue"),
}


def _notify(entry: LedgerEntry, t: Transition, row: EntryTransition, reason: str) -> None:
    """In-app reminders: the head learns an entry awaits verification, the officer that
    one was returned or closed."""
    from django.urls import reverse

    from anju.core.reminders import remind, resolve, users_of

    # What the move answers is done with: the head's 待核验 once verified or returned, the
    # officer's 被退回 once resubmitted, and every due/overdue reminder once closed.
    answered = RESOLVES.get(t.name)
    if answered:
        resolve(prefixes=[f"ledger:{entry.pk}:"], kinds=answered)
    url = reverse("rectification:entry_detail", args=[entry.pk])
    number = f"第{entry.number}号" if entry.number else "草稿"
    title = entry.description[:40]
    if t.name == "submit":
        users, kind, level = (
            users_of(entry.township, [Role.TOWNSHIP_HEAD]),
            "ledger_awaiting",
            "info",
        )
        text = f"整改台账{number}“{title}”已整改，待核验销号。"
    elif t.name == "return":
        users, kind, level = users_of(entry.township, OFFICERS), "ledger_returned", "warning"
        text = f"整改台账{number}“{title}”被退回：{reason[:60]}"
    elif t.name == "close":
        users, kind, level = users_of(entry.township, OFFICERS), "ledger_closed", "info"
        text = f"整改台账{number}“{title}”已核验销号。"
    else:
        return
    remind(users, kind=kind, title=text, url=url, key=f"ledger:{entry.pk}:{row.pk}", level=level)
