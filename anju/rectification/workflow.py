"""The ledger entry's state machine: named transitions, who may take them, their guards.

    待整改 → 整改中 → 已整改待核验 → 已销号, with 退回 from verification back to 整改中;
    drafts (from house visits) are accepted onto the ledger or discarded.

``apply`` is the only way an entry's state changes. It re-checks the state with a
conditional UPDATE (… WHERE state = expected), so two people acting at once cannot both
succeed; the loser gets a clear message. Each move writes an ``EntryTransition`` row and
an audit record. Other stages add closing guards with ``add_close_guard`` (screening: a
linked finding that still fires blocks closing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.roles import Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable
from anju.rectification.models import EntryTransition, LedgerEntry, State


class TransitionError(Exception):
    """A transition refused, with a Chinese message for the user."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


OFFICERS = frozenset({Role.TOWNSHIP_OFFICER})
VERIFIERS = frozenset({Role.TOWNSHIP_HEAD, Role.CITY_REVIEWER})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("accept", "纳入台账", (State.DRAFT,), State.PENDING, OFFICERS),
        Transition("start", "开始整改", (State.PENDING,), State.IN_PROGRESS, OFFICERS),
        Transition(
            "submit", "提交核验", (State.PENDING, State.IN_PROGRESS), State.AWAITING, OFFICERS
        ),
        Transition("close", "核验销号", (State.AWAITING,), State.CLOSED, VERIFIERS),
        Transition(
            "return", "退回", (State.AWAITING,), State.IN_PROGRESS, VERIFIERS, needs_reason=True
        ),
    )
}

CloseGuard = Callable[[LedgerEntry], str | None]
_close_guards: list[CloseGuard] = []


def add_close_guard(guard: CloseGuard) -> None:
    """``guard(entry)`` returns a Chinese reason why the entry cannot be closed, or None."""
    if guard not in _close_guards:
        _close_guards.append(guard)


def _guards(entry: LedgerEntry, t: Transition) -> list[str]:
    problems = []
    if t.name == "accept":
        from anju.rectification.services import validate

        errors = validate(
            campaign=entry.campaign,
            nature=entry.nature,
            description=entry.description,
            measures=entry.measures,
            deadline=entry.deadline,
            draft=False,
            today=timezone.localdate(),
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


def available(entry: LedgerEntry, user) -> list[Transition]:
    """The transitions this user could take now (guards are checked when applied)."""
    return [t for t in TRANSITIONS.values() if entry.state in t.sources and user.role in t.roles]


STALE = "该条目刚被他人处理，状态已变化。请刷新页面后重试。"


def apply(
    entry: LedgerEntry, name: str, *, actor, reason: str = "", expected: str | None = None
) -> LedgerEntry:
    """Take transition ``name``. ``expected`` is the state the user saw on the page: when
    it has changed meanwhile (someone else acted, or the same button was pressed twice),
    the move is refused as stale rather than judged against a state the user never saw."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise TransitionError("未知的操作。")
    if actor.role not in t.roles:
        raise TransitionError(f"您的角色不能执行“{t.label}”。")
    entry.refresh_from_db()
    ensure_writable(entry.campaign_id)
    if expected is not None and entry.state != expected:
        raise TransitionError(STALE)
    if entry.state not in t.sources:
        raise TransitionError(
            f"该条目当前为“{entry.get_state_display()}”，不能执行“{t.label}”。请刷新页面查看最新状态。"
        )
    reason = reason.strip()
    if t.needs_reason and not reason:
        raise TransitionError(f"“{t.label}”必须填写理由。")
    problems = _guards(entry, t)
    if problems:
        raise TransitionError("；".join(problems))
    for attempt in range(5):
        try:
            _move(entry, t, actor=actor, reason=reason)
            break
        except IntegrityError:  # two drafts accepted at once took the same 序号
            if attempt == 4:
                raise
    entry.refresh_from_db()
    return entry


def _next_number(entry: LedgerEntry) -> int:
    from django.db.models import Max

    top = LedgerEntry.objects.filter(campaign_id=entry.campaign_id, township_id=entry.township_id)
    return (top.aggregate(m=Max("number"))["m"] or 0) + 1


def _move(entry: LedgerEntry, t: Transition, *, actor, reason: str) -> None:
    now = timezone.now()
    fields = {"state": t.target, "updated_at": now}
    fields["closed_at"] = now if t.target == State.CLOSED else None
    with transaction.atomic():
        if t.name == "accept" and entry.number is None:
            fields["number"] = _next_number(entry)
        changed = LedgerEntry.objects.filter(pk=entry.pk, state=entry.state).update(**fields)
        if changed == 0:
            raise TransitionError(STALE)
        row = EntryTransition.objects.create(
            entry=entry,
            name=t.name,
            from_state=entry.state,
            to_state=t.target,
            actor=actor,
            reason=reason,
        )
        detail = {"transition": t.name, "from": entry.state, "to": t.target, "reason": reason}
        if "number" in fields:
            detail["number"] = fields["number"]
        record(Event.TRANSITION, obj=entry, detail=detail)
        _notify(entry, t, row, reason)


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
