"""State changes written once: a stage's workflow as a table, and the one way to take a step.

A stage writes its workflow as data — a ``Machine`` holding a table of ``Transition``s
(name, label, from which states, to which, who, whether a reason is required, the audit
event) — in the style of ``rectification/workflow.py``:

    MACHINE = Machine(
        model=LedgerEntry, noun="该条目", error=TransitionError,
        transitions=table(
            Transition("start", "开始整改", (State.PENDING,), State.IN_PROGRESS, OFFICERS),
            …
        ),
    )

``check`` reads the record again, asks the machine's ``guard`` (``campaigns.guard``: a
closed round is read-only) and refuses a step the record's current state does not allow, in
Chinese, naming the state. ``move`` takes the step with a conditional UPDATE
(``… WHERE state = the state it was decided on``), so when two people act at once exactly one
succeeds and the other is told the record changed meanwhile (``stale``); in the same
transaction it writes the stage's history row, if it keeps one, and the audit record.
What a stage's step needs besides — its guards, its reminders — stays with the stage.

A step taken with a reason (退回, 重新打开…) says so in its row, ``reason=Reason(label,
missing)``: the one place for the field's label and the message when it is left empty, read
by the service (``Transition.reason_errors``) and by the page's form (``reason_field`` on a
``ReasonForm``), so the two cannot drift; ``take_with_reason`` is the page's view of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from anju.accounts.roles import actor_name
from anju.audit.events import Event
from anju.audit.services import record
from anju.core import versions
from anju.core.versions import VersionedFormMixin

REFUSED = "{noun}当前为“{state}”，不能{label}。请刷新页面查看最新状态。"
STALE = "{noun}刚被他人处理，状态已变化。请刷新页面后重试。"


@dataclass(frozen=True)
class Reason:
    """What a step asks for when it needs a reason: the field's label, the message when it
    is left empty (shown by the form and raised by the service alike), its longest length."""

    label: str
    missing: str
    max_length: int = 1000


@dataclass(frozen=True)
class Transition:
    """One named step. ``roles`` empty: who may take it is decided by the pages alone.
    ``reason``: the step needs one (``Reason``). ``refused``: this step's own message when
    the state does not allow it (else the machine's), with {noun}, {state} and {label}."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str] = frozenset()
    reason: Reason | None = None
    event: str = Event.TRANSITION
    refused: str = ""

    @property
    def needs_reason(self) -> bool:
        return self.reason is not None

    def reason_errors(self, text: str) -> dict[str, str]:
        """``{"reason": message}`` when this step needs a reason and ``text`` is blank."""
        if self.reason is not None and not (text or "").strip():
            return {"reason": self.reason.missing}
        return {}


def table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


def reason_field(t: Transition, help_text: str) -> forms.CharField:
    """The form field of step ``t``'s reason: its label and messages from the table."""
    reason = t.reason
    if reason is None:
        raise ValueError(f"“{t.label}”不需要理由。")
    return forms.CharField(
        label=reason.label,
        max_length=reason.max_length,
        error_messages={
            "required": reason.missing,
            "max_length": f"{reason.label}不能超过 {reason.max_length} 字。",
        },
        help_text=help_text,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class ReasonForm(VersionedFormMixin, forms.Form):
    """A step's page form: ``reason = reason_field(TRANSITIONS[name], help_text)``, and what
    else the step asks (a new due time). ``apply_errors`` shows the service's field errors."""

    def apply_errors(self, errors: Mapping[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


def take_with_reason(
    request,
    form: ReasonForm,
    record,
    *,
    what: str,
    take: Callable[[Mapping[str, Any]], Any],
    page: Callable[..., HttpResponse],
    back: str,
    error: type[Exception],
    done: str,
) -> HttpResponseBase:
    """A step asked for with its page's ``ReasonForm``: ``take(cleaned_data)`` runs under
    ``versions.editing(record, …)``, the version the page was opened on. A stale page, or the
    service's field errors, show ``page(form)`` again (``status=409`` for the stale one);
    the service's refusal (``error``) and the success (``done``) go back to ``back``."""
    if form.is_valid():
        try:
            with versions.editing(record, form.submitted_version(), what=what):
                take(form.cleaned_data)
        except versions.StaleEdit as exc:
            # The record moved on; its page may no longer offer this step (a report another
            # reviewer returned first shows no return form), so the message cannot promise
            # the form is still there: it says what happened and gives the typed reason back.
            if exc.current is not None:
                form.use_version(versions.version_of(exc.current))
            typed = str(form.cleaned_data.get("reason") or "").strip()
            kept = f"您填写的理由未保存：“{typed}”。" if typed else ""
            messages.error(request, versions.message(exc) + kept)
            return page(form, status=versions.CONFLICT)
        except ValidationError as exc:
            form.apply_errors({k: " ".join(v) for k, v in exc.message_dict.items()})
        except error as exc:
            messages.error(request, str(exc))
            return redirect(back)
        else:
            messages.success(request, done)
            return redirect(back)
    return page(form)


def by(who: str, actor, at: dt.datetime) -> dict[str, Any]:
    """The ``<who>_by``, ``<who>_by_name`` and ``<who>_at`` fields of a step an actor took."""
    return {f"{who}_by": actor, f"{who}_by_name": actor_name(actor), f"{who}_at": at}


Detail = Mapping[str, Any] | Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    transitions: dict[str, Transition]
    noun: str
    error: type[Exception]
    field: str = "state"
    stale: str = ""
    refused: str = REFUSED
    guard: Callable[[Any], None] | None = None  # raises when the record may not change now

    @property
    def stale_message(self) -> str:
        return self.stale or STALE.format(noun=self.noun)

    def __getitem__(self, name: str) -> Transition:
        t = self.transitions.get(name)
        if t is None:
            raise self.error("未知的操作。")
        return t

    def __contains__(self, name: object) -> bool:
        return name in self.transitions

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def available(self, obj, user) -> list[Transition]:
        """The steps this user could take now (their guards are checked when taken)."""
        state = self.state(obj)
        return [t for t in self.transitions.values() if state in t.sources and user.role in t.roles]

    def check(self, obj, name: str, *, actor=None, expected: str | None = None) -> Transition:
        """Read ``obj`` again and refuse step ``name`` unless its state allows it.

        ``actor``: also refuse a role the table does not name. ``expected``: the state the
        user saw on the page; when it has changed meanwhile (someone else acted, or the same
        button was pressed twice) the step is refused as stale rather than judged against a
        state the user never saw."""
        t = self[name]
        if actor is not None and actor.role not in t.roles:
            raise self.error(f"您的角色不能执行“{t.label}”。")
        obj.refresh_from_db()
        if self.guard is not None:
            self.guard(obj)
        state = self.state(obj)
        if expected is not None and state != expected:
            raise self.error(self.stale_message)
        if state not in t.sources:
            display = getattr(obj, f"get_{self.field}_display")()
            message = t.refused or self.refused
            raise self.error(message.format(noun=self.noun, state=display, label=t.label))
        return t

    def move(
        self,
        obj,
        name: str,
        *,
        values: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
        where: Mapping[str, Any] | None = None,
        detail: Detail | None = None,
        history: Callable[[Any, str], Any] | None = None,
        then: Callable[[Any, Any], None] | None = None,
        stale: str = "",
        at: dt.datetime | None = None,
    ) -> Any:
        """Take step ``name`` from the state ``obj`` holds now, in one transaction:

        the conditional UPDATE of the state, ``updated_at`` (``at``) and ``values`` (or what
        ``values()`` returns, computed inside the transaction) where the state is still the
        one ``obj`` holds and ``where`` holds; else ``stale`` (the machine's stale message).
        Then ``obj`` is read again, ``history(obj, was)`` writes the stage's history row,
        the audit record is written (``detail``, or ``detail(obj)``), and ``then(obj, row)``
        does what else belongs in the transaction. Returns the history row."""
        t = self[name]
        was = self.state(obj)
        if was not in t.sources:
            raise self.error(stale or self.stale_message)
        with transaction.atomic():
            fields = dict(values() if callable(values) else values or {})
            fields.setdefault("updated_at", at or timezone.now())
            moved = self.model._default_manager.filter(
                pk=obj.pk, **{self.field: was}, **(where or {})
            ).update(**{self.field: t.target}, **fields)
            if not moved:
                raise self.error(stale or self.stale_message)
            obj.refresh_from_db()
            row = history(obj, was) if history is not None else None
            record(t.event, obj=obj, detail=dict(detail(obj) if callable(detail) else detail or {}))
            if then is not None:
                then(obj, row)
        return row
