"""Evaluating rules: one set-based query per rule, messages formatted only for its hits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import F

from anju.registry.models import Household
from anju.screening.rules.base import Params, Rule

KEY_COLUMNS = ("id", "township_id", "village_id")


def households_in_scope(campaign, *, township_id=None, village_id=None, household_ids=None):
    """The campaign's households (RULES.md scope), narrowed to a unit or to some households."""
    qs = Household.objects.in_campaign_scope(
        all_groups=bool(campaign and campaign.scope_all_groups)
    )
    if township_id is not None:
        qs = qs.filter(township_id=township_id)
    if village_id is not None:
        qs = qs.filter(village_id=village_id)
    if household_ids is not None:
        qs = qs.filter(id__in=list(household_ids))
    return qs


def hit_rows(rule: Rule, households, p: Params, as_of: dt.date):
    """``.values()`` of the rule's hits: the household keys and the fields its message uses."""
    plain = [k for k, path in rule.fields.items() if k == path]
    aliased = {k: F(path) for k, path in rule.fields.items() if k != path}
    return rule.hits(households, p, as_of).values(*KEY_COLUMNS, *plain, **aliased)


def evaluate(rule: Rule, households, p: Params, as_of: dt.date) -> Iterator[tuple]:
    """Hit tuples (rule, household, township, village, aspect, severity, message, facts)."""
    for row in hit_rows(rule, households, p, as_of).iterator(chunk_size=5000):
        facts = {k: row[k] for k in rule.fields}
        yield (
            rule.code,
            row["id"],
            row["township_id"],
            row["village_id"],
            rule.aspect,
            rule.severity,
            rule.message(row, p, as_of),
            json.dumps(facts, default=str),  # dates and decimals as text, like jsonable()
        )


def count(rule: Rule, households, p: Params, as_of: dt.date) -> int:
    """How many households the rule fires on (the parameter preview)."""
    return rule.hits(households, p, as_of).count()
