"""Screening use cases: runs over a scope, re-screening households, a finding's decisions.

A run is processed in chunks, one per township (or the village, or the households of one
township): each chunk is one transaction that takes the township's lock, evaluates every
enabled rule, stages the hits and synchronises the findings. Two runs over the same
township therefore take turns chunk by chunk and each sees the other's committed result;
runs over different townships proceed side by side on PostgreSQL. On SQLite transactions
are IMMEDIATE, so a chunk holds the database's write lock for its (short) duration.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from anju.audit.context import current_actor
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.campaigns.guard import RoundReadOnly, ensure_writable
from anju.campaigns.models import Campaign
from anju.core import transitions
from anju.core.transitions import Reason, Transition
from anju.registry.models import Household
from anju.screening import engine, listed, params, rules, sync
from anju.screening.models import Finding, FindingEvent, Hit, Run, Status
from anju.screening.rules.base import Params, Rule
from anju.screening.signals import finding_confirmed
from anju.units.models import Level, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from anju.accounts.models import User

log = logging.getLogger(__name__)
SCREEN_LOCK = 7_236_101  # PostgreSQL advisory-lock class for screening chunks
COUNT_FIELDS = ("households", "hits", "opened", "changed", "reopened", "resolved")


class ActionError(Exception):
    """A decision that cannot be made (state changed meanwhile, missing reason)."""


@dataclass
class Chunk:
    township_id: int | None
    village_id: int | None = None
    household_ids: list[int] | None = field(default=None)
    # A whole county at once (PostgreSQL): every township's lock, one query per rule.
    township_ids: list[int] | None = field(default=None)

    def locks(self) -> list[int]:
        if self.township_ids is not None:
            return sorted(self.township_ids)
        assert self.township_id is not None  # a chunk names its township or its townships
        return [self.township_id]

    def finding_scope(self) -> Q:
        """The findings of this chunk's households (by the household's unit today, so a
        household moved between townships is settled by the run over its new township)."""
        if self.household_ids is not None:
            return Q(household_id__in=self.household_ids)
        if self.township_ids is not None:
            households = Household.objects.filter(township_id__in=self.township_ids)
            return Q(household_id__in=households.values("id"))
        households = Household.objects.filter(township_id=self.township_id)
        if self.village_id is not None:
            households = households.filter(village_id=self.village_id)
        return Q(household_id__in=households.values("id"))


# --- runs ---------------------------------------------------------------------------------
def today() -> dt.date:
    return timezone.localdate()


KINDS: dict[str, str] = {
    Level.COUNTY: Run.Kind.COUNTY,
    Level.TOWNSHIP: Run.Kind.TOWNSHIP,
    Level.VILLAGE: Run.Kind.VILLAGE,
}
NO_ROUND = "目前没有进行中的“回头看”轮次，不能发起筛查；请待本轮发布后再试。"


def kind_for(unit: Unit) -> str:
    return KINDS[unit.level]


def create_run(
    *,
    unit: Unit,
    user: User | None = None,
    user_id: int | None = None,
    as_of: dt.date | None = None,
    campaign: Campaign | None = None,
) -> Run:
    campaign = campaign or Campaign.objects.current(county=unit)
    if campaign is None:  # a run belongs to a round (before: an IntegrityError, a 500 page)
        raise PermissionDenied(NO_ROUND)
    return Run.objects.create(
        kind=kind_for(unit),
        unit=unit,
        campaign=campaign,
        as_of=as_of or today(),
        user_id=user.pk if user is not None else user_id,
    )


def start_run(
    *,
    unit: Unit,
    user: User | None = None,
    user_id: int | None = None,
    as_of: dt.date | None = None,
) -> Run:
    """Queue a run in the background (the progress page follows it)."""
    from anju.screening.tasks import run_screening

    run = create_run(unit=unit, user=user, user_id=user_id, as_of=as_of)
    transaction.on_commit(lambda: run_screening.enqueue(run.pk))
    return run


def screen_households(
    household_ids: Iterable[int], *, as_of: dt.date | None = None, user_id: int | None = None
) -> Run:
    """Re-screen a few households at once (after an edit), synchronously."""
    ids = sorted({int(i) for i in household_ids})
    campaign = Campaign.objects.current()
    fields = {
        "kind": Run.Kind.HOUSEHOLDS,
        "household_ids": ids,
        "campaign": campaign,
        "as_of": as_of or today(),
        "user_id": user_id if user_id is not None else current_actor().user_id,
        "started_at": timezone.now(),
        "rules": params.snapshot(campaign),
    }
    try:
        # One transaction, one commit (on PostgreSQL each commit waits for the disk: three
        # of them were a third of a save's re-screen).
        with transaction.atomic():
            # run here and now: nobody else may claim it
            run = Run.objects.create(status=Run.Status.RUNNING, **fields)
            return _process(run)
    except Exception as exc:  # the run rolled back; keep a record that it failed
        Run.objects.create(
            status=Run.Status.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            **fields,
        )
        raise


def rescreen_townships_of(household_ids: Iterable[int], *, batch: int = 10_000) -> list[Run]:
    """Queue a township run for every township holding one of many changed households
    (a large import), instead of carrying every id in one task."""
    ids = sorted({int(i) for i in household_ids})
    townships: set[int] = set()
    for start in range(0, len(ids), batch):
        part = ids[start : start + batch]
        townships.update(
            Household.objects.filter(id__in=part).values_list("township_id", flat=True).distinct()
        )
    user_id = current_actor().user_id
    runs = []
    for unit in Unit.objects.filter(pk__in=townships).order_by("code"):
        runs.append(start_run(unit=unit, user_id=user_id))
    return runs


def chunks_for(run: Run) -> list[Chunk]:
    if run.kind == Run.Kind.HOUSEHOLDS:
        by_township: dict[int, list[int]] = {}
        rows = Household.objects.filter(id__in=run.household_ids).values_list("township_id", "id")
        for township_id, household_id in rows.order_by("township_id", "id"):
            by_township.setdefault(township_id, []).append(household_id)
        return [Chunk(t, household_ids=ids) for t, ids in by_township.items()]
    if run.kind == Run.Kind.VILLAGE:
        assert run.unit is not None  # a village run names its village
        return [Chunk(run.unit.parent_id, village_id=run.unit_id)]
    if run.kind == Run.Kind.TOWNSHIP:
        return [Chunk(run.unit_id)]
    townships = Unit.objects.townships().filter(parent_id=run.unit_id).order_by("code")
    ids = list(townships.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        # Township by township, PostgreSQL hash-joins each rule's assessments and
        # renovations in full 26 times over (a county at 10⁶ took 220 s; at once ~40 s).
        return [Chunk(None, township_ids=ids)]
    return [Chunk(pk) for pk in ids]


def _lock(township_id: int, *, generic_plans: bool = False) -> None:
    if connection.vendor == "postgresql":
        sql = "SELECT pg_advisory_xact_lock(%s, %s)"
        if generic_plans and engine.generic_plans_sql():  # one round trip for both
            sql += "; " + engine.generic_plans_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [SCREEN_LOCK, township_id % 2**31])
    # SQLite: the transaction is IMMEDIATE and already holds the write lock.


RuleSet = list[tuple[Rule, Params]]  # the enabled rules with this round's parameters


def _screen_chunk(run: Run, chunk: Chunk, rule_set: RuleSet, disabled: list[str]) -> dict[str, int]:
    with transaction.atomic():
        for township_id in chunk.locks():
            # a save's prepared rule queries: planned once per connection (ADR 0007)
            _lock(township_id, generic_plans=chunk.household_ids is not None)
        staged = 0
        if chunk.household_ids is not None:  # a save: compiled queries, re-run
            # (the households of a chunk are of its township: no need to filter by it)
            count, found = engine.households_and_hits(
                rule_set, run.campaign, chunk.household_ids, run.as_of
            )
            if not sync.would_change(found, chunk.household_ids, run.campaign_id):
                # the usual save: every finding of these households already says so
                return {**dict.fromkeys(COUNT_FIELDS, 0), "hits": len(found), "households": count}
            staged = sync.stage(run.pk, found)
            counts = sync.apply(
                run=run, scope=chunk.finding_scope(), disabled=disabled, staged=staged
            )
            return {**counts, "households": count}
        engine.whole_results()  # each rule's rows stream from a cursor, all of them
        households = engine.households_in_scope(
            run.campaign, township_id=chunk.township_id, village_id=chunk.village_id
        )
        if chunk.township_ids is not None:
            households = households.filter(township_id__in=chunk.township_ids)
        count = households.count()
        if count:
            for rule, values in rule_set:
                staged += sync.stage(run.pk, engine.evaluate(rule, households, values, run.as_of))
        if staged >= 5000 and connection.vendor == "postgresql":
            # The staging table was analysed empty: with its real size the planner
            # hash-joins hits and findings instead of probing row by row.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + connection.ops.quote_name(Hit._meta.db_table))
        counts = sync.apply(run=run, scope=chunk.finding_scope(), disabled=disabled, staged=staged)
        counts["households"] = count
    return counts


def execute_run(run_id: int) -> Run:
    """Process a queued run to the end (the task and the command call this)."""
    run = Run.objects.select_related("campaign", "unit").get(pk=run_id)
    try:
        # a run queued before its round was closed: the worker takes it after the close
        ensure_writable(run.campaign_id)
    except RoundReadOnly as exc:
        return _refuse_run(run, exc)
    claimed = Run.objects.filter(pk=run_id, status=Run.Status.PENDING).update(
        status=Run.Status.RUNNING, started_at=timezone.now(), rules=params.snapshot(run.campaign)
    )
    if not claimed:  # another worker has it, or it has finished
        run.refresh_from_db()
        return run
    return _process(run)


def _refuse_run(run: Run, exc: RoundReadOnly) -> Run:
    """A pending run of a closed round fails with the refusal (naming the round), audited;
    no finding is touched."""
    failed = Run.objects.filter(pk=run.pk, status=Run.Status.PENDING).update(
        status=Run.Status.FAILED, error=str(exc.args[0]), finished_at=timezone.now()
    )
    if failed:
        record(
            Event.PERMISSION_DENIED,
            outcome=Outcome.DENIED,
            obj=exc.campaign,
            detail={"run": run.pk, "reason": "round read-only"},
        )
    run.refresh_from_db()
    return run


def _process(run: Run) -> Run:
    """Screen a claimed run chunk by chunk, then record its result."""
    campaign = run.campaign
    enabled = [(rule, params.effective(campaign, rule)) for rule in params.enabled_rules(campaign)]
    rule_set = [(rule, values) for rule, values in enabled if not rule.on_list]
    on_lists = [(rule, values) for rule, values in enabled if rule.on_list]
    disabled = [r.code for r in rules.all_rules() if not campaign.is_rule_enabled(r.code)]
    totals: Counter[str] = Counter()
    try:
        chunks = chunks_for(run)
        for done, chunk in enumerate(chunks, start=1):
            totals.update(_screen_chunk(run, chunk, rule_set, disabled))
            if done < len(chunks):  # the last one is recorded with the result below
                Run.objects.filter(pk=run.pk).update(
                    progress=done * 100 // len(chunks),
                    **{k: totals[k] for k in COUNT_FIELDS},
                )
        # 应纳未纳 (M-01): findings on department list records, after the households
        totals.update(listed.screen(run, on_lists, disabled))
    except Exception as exc:
        Run.objects.filter(pk=run.pk).update(
            status=Run.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        log.exception("screening run %s failed", run.pk)
        raise
    result: dict[str, Any] = {
        "status": Run.Status.DONE,
        "progress": 100,
        "finished_at": timezone.now(),
        **{k: totals[k] for k in COUNT_FIELDS},
    }
    Run.objects.filter(pk=run.pk).update(**result)
    if run.kind == Run.Kind.HOUSEHOLDS:  # made in this transaction: nobody else wrote it
        for name, value in result.items():
            setattr(run, name, value)
    else:
        run.refresh_from_db()
    changes = sum(totals[k] for k in ("opened", "changed", "reopened", "resolved"))
    if run.kind != Run.Kind.HOUSEHOLDS or changes:
        record(
            Event.CREATE,
            obj=run,
            detail={
                "scope": run.scope_label,
                "as_of": run.as_of.isoformat(),
                "campaign": str(campaign),
                **{k: totals[k] for k in COUNT_FIELDS},
            },
        )
    return run


# --- a finding's decisions ----------------------------------------------------------------
# Who decides is the pages' rule (@allow on each view): the table names no roles.
DECISIONS = transitions.table(
    Transition("confirm", "确认", (Status.OPEN,), Status.CONFIRMED),
    Transition("dismiss", "排除", (Status.OPEN,), Status.DISMISSED,
               reason=Reason("排除理由", "请填写排除理由。", max_length=500)),
    Transition("overturn", "推翻排除", (Status.DISMISSED,), Status.OPEN,
               reason=Reason("推翻理由", "请填写推翻理由。", max_length=500)),
    # the city accepts a dismissal: it stays dismissed, reviewed (once)
    Transition("uphold", "认可排除", (Status.DISMISSED,), Status.DISMISSED),
)  # fmt: skip
MACHINE = transitions.Machine(
    model=Finding,
    transitions=DECISIONS,
    noun="该问题",
    error=ActionError,
    field="status",
    stale="该问题的状态已经变化（可能已被他人处理或已消除），请刷新后再试。",
)
HISTORY = {
    "confirm": FindingEvent.Kind.CONFIRMED,
    "dismiss": FindingEvent.Kind.DISMISSED,
    "overturn": FindingEvent.Kind.OVERTURNED,
    "uphold": FindingEvent.Kind.UPHELD,
}


def _decide(
    finding: Finding, name: str, *, user: User, note: str = "", **fields: object
) -> Finding:
    """Move one finding from the status it holds (a conditional UPDATE, so two people acting
    at once cannot both succeed), with a history line and an audit record."""
    ensure_writable(finding.campaign_id)
    now = timezone.now()
    kind = HISTORY[name]
    upheld = name == "uphold"

    def history(moved: Finding, was: str) -> FindingEvent:
        return FindingEvent.objects.create(
            finding_id=moved.pk, kind=kind, at=now, user=user, message=moved.message, reason=note
        )

    to = MACHINE[name].target
    MACHINE.move(
        finding,
        name,
        values=fields,
        where={"reviewed_at__isnull": True} if upheld else None,
        detail={"event": "upheld", "reason": note}
        if upheld
        else {"from": finding.status, "to": to, "event": kind, "reason": note},
        history=history,
        stale="该排除已审核或状态已经变化，请刷新后再试。" if upheld else "",
        at=now,
    )
    return finding


def _required(reason: str, name: str) -> str:
    """The reason step ``name`` needs, stripped; its row in ``DECISIONS`` says the words."""
    wanted = DECISIONS[name].reason
    if wanted is None:
        raise ValueError(f"{name} needs no reason")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(wanted.missing)
    if len(reason) > wanted.max_length:
        raise ActionError(f"{wanted.label}不能超过{wanted.max_length}字。")
    return reason


def confirm(*, finding: Finding, user: User) -> Finding:
    """The township officer agrees it is a real problem (the ledger turns it into an entry)."""
    if finding.household_id is None:
        raise ActionError(
            "该户尚未建档，不能直接列入台账：请先“登记入档”（建档后本问题自动消除，"
            "之后的问题按农户列入台账）；确不属于应纳对象的，请填写理由后排除。"
        )
    finding = _decide(
        finding, "confirm", user=user, decided_by=user, decided_at=timezone.now(), reason=""
    )
    transaction.on_commit(lambda: finding_confirmed.send(Finding, finding=finding, user=user))
    return finding


def dismiss(*, finding: Finding, user: User, reason: str) -> Finding:
    """The township officer says it is not a problem, and why (the city can overturn)."""
    reason = _required(reason, "dismiss")
    return _decide(
        finding,
        "dismiss",
        user=user,
        note=reason,
        reason=reason,
        decided_by=user,
        decided_at=timezone.now(),
        reviewed_by=None,
        reviewed_at=None,
        review_reason="",
    )


def overturn(*, finding: Finding, user: User, reason: str) -> Finding:
    """The city reviewer rejects a dismissal: the finding is open again."""
    reason = _required(reason, "overturn")
    return _decide(
        finding,
        "overturn",
        user=user,
        note=reason,
        reason="",
        decided_by=None,
        decided_at=None,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_reason=reason,
    )


def uphold(*, finding: Finding, user: User, reason: str = "") -> Finding:
    """The city reviewer accepts a dismissal (it leaves the list of dismissals to audit)."""
    reason = (reason or "").strip()[:500]
    return _decide(
        finding,
        "uphold",
        user=user,
        note=reason,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_reason=reason,
    )


# --- parameters ---------------------------------------------------------------------------
def preview(
    *, campaign: Campaign, rule: Rule, values: dict[str, Any], as_of: dt.date | None = None
) -> dict[str, Any]:
    """How many households the rule would fire on with ``values`` (and does now)."""
    as_of = as_of or today()
    households = engine.households_in_scope(campaign)
    return {
        "proposed": engine.count(rule, households, Params(values), as_of),
        "current": engine.count(rule, households, params.effective(campaign, rule), as_of),
        "as_of": as_of,
    }


def update_rule_settings(
    *, campaign: Campaign, rule: Rule, enabled: bool, values: dict[str, Any], user: User
) -> dict[str, list[Any]]:
    """Save a rule's switch and parameters on the campaign (audited as 参数变更)."""
    ensure_writable(campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        before_values = params.effective(locked, rule)
        before_enabled = locked.is_rule_enabled(rule.code)
        rule_params = dict(locked.rule_params or {})
        stored = {p.name: p.to_json(values[p.name]) for p in rule.params}
        if stored:
            rule_params[rule.code] = stored
        disabled = [c for c in (locked.disabled_rules or []) if c != rule.code]
        if not enabled:
            disabled.append(rule.code)
        changes: dict[str, list[Any]] = {}
        if before_enabled != enabled:
            changes["启用"] = [before_enabled, enabled]
        for p in rule.params:
            old, new = p.to_json(before_values[p.name]), stored[p.name]
            if old != new:
                changes[p.label] = [old, new]
        if not changes:
            return {}
        Campaign.objects.filter(pk=locked.pk).update(
            rule_params=rule_params, disabled_rules=sorted(disabled), updated_at=timezone.now()
        )
        record(
            Event.SETTINGS_CHANGED,
            obj=locked,
            detail={"rule": rule.code, "title": rule.title, "changes": changes},
        )
    campaign.refresh_from_db()
    return changes
