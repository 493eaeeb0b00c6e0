"""Rules on department list records (M-01 应纳未纳): their findings, in the same table and
with the same life as every other finding, keyed by (rule, the head's ID hash) instead of
(rule, household) — the registry does not hold the household.

Run at the end of every screening run over the run's scope (the county, a township, a
village; after a registry save, the saved households' heads, which then resolve). The hits
are one query per rule (``Rule.listed_hits``); the findings are brought in line with them as
the household findings are: new ones opened, closed ones that fire again reopened, changed
ones refreshed with a history line, and firing ones whose rule no longer fires closed
(已消除) by one statement that re-asks the rule's query (``NOT EXISTS``).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anju.registry.models import Household
from anju.screening import engine, sync
from anju.screening.models import FIRING, Finding, FindingEvent, Run, Status
from anju.screening.rules.base import Listed, Params, Rule

if TYPE_CHECKING:
    from anju.monitoring.models import ListedHousehold

LISTED_LOCK = (7_236_101, 0)  # the screening lock class; 0 is no township's id
BATCH = 2000


def _listed_model() -> type[ListedHousehold]:
    from anju.monitoring.models import ListedHousehold

    return ListedHousehold


def scopes(run: Run) -> tuple[Q, Q]:
    """(the list records, the findings) a run covers."""
    if run.kind == Run.Kind.HOUSEHOLDS:
        hashes = Household.objects.filter(id__in=run.household_ids).values("id_number_hash")
        return Q(id_number_hash__in=hashes), Q(listed_hash__in=hashes)
    if run.kind == Run.Kind.VILLAGE:
        return Q(village_id=run.unit_id), Q(village_id=run.unit_id)
    if run.kind == Run.Kind.TOWNSHIP:
        return Q(township_id=run.unit_id), Q(township_id=run.unit_id)
    return Q(), Q()


def screen(run: Run, rule_set: list[tuple[Rule, Params]], disabled: list[str]) -> Counter[str]:
    """Bring the list-record findings of the run's scope in line with the rules."""
    totals: Counter[str] = Counter()
    listed_scope, finding_scope = scopes(run)
    ListedHousehold = _listed_model()
    listed = ListedHousehold.objects.filter(listed_scope)
    if run.kind == Run.Kind.HOUSEHOLDS and not _anything_to_do(run):
        return totals  # a save whose heads no list names: most saves (one query, not ~15)
    with transaction.atomic():
        # Two runs over the county would both open the same new finding: they take turns.
        # A save's re-screen only resolves its own heads' findings and does not wait.
        if connection.vendor == "postgresql" and run.kind != Run.Kind.HOUSEHOLDS:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(LISTED_LOCK))
            engine.whole_results()  # the hits are read through a cursor, all of them
        for rule, p in rule_set:
            totals.update(_screen_rule(run, rule, p, listed, finding_scope))
        off = [code for code in disabled if _is_listed_rule(code)]
        if off:
            step = sync._Sync(run, finding_scope, off)
            stale = Finding.objects.filter(finding_scope).filter(
                household__isnull=True, rule_code__in=off, status__in=FIRING
            )
            totals["resolved"] += step.close(stale)
    return totals


def _anything_to_do(run: Run) -> bool:
    """Whether a list record or a list-record finding names the head of one of the run's
    households (without either, no rule on list records has a hit there and no finding is
    left to close). One statement, written out: composing it with the ORM cost a save more
    than running it."""
    from anju.screening import rules

    qn = connection.ops.quote_name
    on_lists = [rule.code for rule in rules.all_rules() if rule.on_list]
    codes = ", ".join(["%s"] * len(on_lists)) or "NULL"
    heads = (
        f"SELECT {qn('id_number_hash')} FROM {qn(Household._meta.db_table)} "  # noqa: S608
        f"WHERE {qn('id')} IN ({', '.join(['%s'] * len(run.household_ids))})"
    )
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {qn(_listed_model()._meta.db_table)} "  # noqa: S608
        f"WHERE {qn('id_number_hash')} IN ({heads})) "
        f"OR EXISTS (SELECT 1 FROM {qn(Finding._meta.db_table)} "
        f"WHERE {qn('household_id')} IS NULL AND {qn('rule_code')} IN ({codes}) "
        f"AND {qn('listed_hash')} IN ({heads}))"  # the index finding_one_per_rule_listed
    )
    ids = [int(pk) for pk in run.household_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *on_lists, *ids])
        return bool(cursor.fetchone()[0])


def _is_listed_rule(code: str) -> bool:
    from anju.screening import rules

    return rules.exists(code) and rules.get(code).on_list


def _screen_rule(run: Run, rule: Rule, p: Params, listed: Listed, finding_scope: Q) -> Counter[str]:
    counts: Counter[str] = Counter()
    keys = ("id", "id_number_hash", "township_id", "village_id")
    hits: dict[str, tuple[dict[str, Any], str, Any]] = {}
    for row in rule.listed_hits(listed, p, run.as_of).values(*keys, *rule.fields).iterator():
        facts = {k: row[k] for k in rule.fields}
        hits[row["id_number_hash"]] = (
            row,
            rule.message(row, p, run.as_of),
            json.loads(json.dumps(facts, default=str)),
        )
    counts["hits"] = len(hits)
    now = timezone.now()
    mine = Finding.objects.filter(rule_code=rule.code, household__isnull=True)
    existing: dict[str, Finding] = {}
    hashes = list(hits)
    for start in range(0, len(hashes), BATCH):
        for held in mine.filter(listed_hash__in=hashes[start : start + BATCH]):
            existing[held.listed_hash] = held
    created: list[Finding] = []
    events: list[FindingEvent] = []
    touched: list[Finding] = []
    for key, (row, message, facts) in hits.items():
        finding = existing.get(key)
        if finding is None:
            created.append(
                Finding(
                    rule_code=rule.code,
                    aspect=rule.aspect,
                    severity=rule.severity,
                    listed_id=row["id"],
                    listed_hash=key,
                    township_id=row["township_id"],
                    village_id=row["village_id"],
                    message=message,
                    facts=facts,
                    campaign_id=run.campaign_id,
                    first_run_id=run.pk,
                    last_run_id=run.pk,
                    opened_at=now,
                    updated_at=now,
                )
            )
            continue
        kind: str | None = None
        if finding.status == Status.RESOLVED:
            kind = FindingEvent.Kind.REOPENED
            finding.status = Status.OPEN
            finding.resolved_at = finding.resolved_run_id = None
            finding.decided_by_id = finding.decided_at = None
            finding.reviewed_by_id = finding.reviewed_at = None
            finding.reason = finding.review_reason = ""
            counts["reopened"] += 1
        elif finding.facts != facts:
            kind = FindingEvent.Kind.CHANGED
            counts["changed"] += 1
        same = (
            finding.message == message
            and finding.facts == facts
            and finding.listed_id == row["id"]
            and finding.township_id == row["township_id"]
            and finding.village_id == row["village_id"]
        )
        if kind is None and same:
            continue
        finding.message, finding.facts, finding.listed_id = message, facts, row["id"]
        finding.township_id, finding.village_id = row["township_id"], row["village_id"]
        finding.campaign_id, finding.last_run_id, finding.updated_at = run.campaign_id, run.pk, now
        touched.append(finding)
        if kind is not None:
            events.append(
                FindingEvent(finding=finding, kind=kind, at=now, run=run, message=message)
            )
    if created:
        Finding.objects.bulk_create(created, batch_size=BATCH)
        made = mine.filter(first_run_id=run.pk, listed_hash__in=[f.listed_hash for f in created])
        for finding in made.only("id", "message"):
            events.append(
                FindingEvent(
                    finding=finding,
                    kind=FindingEvent.Kind.OPENED,
                    at=now,
                    run=run,
                    message=finding.message,
                )
            )
        counts["opened"] = len(created)
    if touched:
        Finding.objects.bulk_update(touched, UPDATED, batch_size=BATCH)
    FindingEvent.objects.bulk_create(events, batch_size=BATCH)
    # Firing findings of the scope whose head the rule no longer lists (held by the registry
    # now, or gone from the current lists): re-asked in SQL, closed as 已消除.
    still = rule.listed_hits(_listed_model().objects.all(), p, run.as_of).filter(
        id_number_hash=OuterRef("listed_hash")
    )
    stale = mine.filter(finding_scope).filter(status__in=FIRING).filter(~Exists(still))
    counts["resolved"] = sync._Sync(run, finding_scope, ()).close(stale)
    return counts


UPDATED = [
    "status",
    "resolved_at",
    "resolved_run",
    "decided_by",
    "decided_at",
    "reviewed_by",
    "reviewed_at",
    "reason",
    "review_reason",
    "message",
    "facts",
    "listed",
    "township",
    "village",
    "campaign",
    "last_run",
    "updated_at",
]
