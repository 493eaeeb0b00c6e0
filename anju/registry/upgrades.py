"""Data upgrades that run with the current code right after ``migrate`` has applied their
migration. A migration sees historical models only, which neither audit nor re-screen; the
upgrade named here runs on ``post_migrate`` (``RegistryConfig.ready``) when the plan that
``migrate`` just carried out included its migration, so it runs once per database.

``drop_empty_renovations`` (migration 0010, ADR 0009). RULES.md: a household has a
renovation only when it has a 改造方式. Imports before this change made a renovation record
for every row that carried any value of the renovation group — 是否举债 = 否 was enough — so
databases hold records without a method, most of them with nothing in them but 否, 0 or
empty. Those records go (the household's ``renovation`` is cleared, both audited); records
without a method that do carry renovation facts (a date, an area, a grade, a check, an
amount paid, 是) stay, as the importer now keeps such facts. Every household whose current
record had no method is then re-screened, so its findings open and resolve as the rules
now say (A5-06 and A2-02 resolve, A2-01 opens where the grade calls for it).
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.services import record_many
from anju.registry.models import Household, Renovation
from anju.registry.signals import households_changed

CHUNK = 5000
REASON = "没有改造方式、也没有任何改造信息的改造记录（只有“否”、0 或空值），不算危房改造，已删除"
SKIP = ("id", "household", "method", "created_at")


def no_facts() -> Q:
    """A renovation record holding no fact: every value empty, 否 or 0 (the importer's
    ``plan.facts`` reading of a row)."""
    q = Q()
    for field in Renovation._meta.concrete_fields:
        if field.name in SKIP:
            continue
        if isinstance(field, models.BooleanField):
            q &= Q(**{f"{field.name}__isnull": True}) | Q(**{field.name: False})
        elif isinstance(field, models.DecimalField):
            q &= Q(**{f"{field.name}__isnull": True}) | Q(**{field.name: 0})
        elif isinstance(field, models.CharField):
            q &= Q(**{field.name: ""})
        else:  # dates
            q &= Q(**{f"{field.name}__isnull": True})
    return q


def drop_empty_renovations() -> dict[str, int]:
    """Remove the renovation records with neither a method nor a fact; re-screen the
    households whose current record has no method. Returns the counts."""
    values = [f.attname for f in Renovation._meta.concrete_fields if f.name not in SKIP]
    with transaction.atomic():
        rescreen = list(
            Household.objects.filter(renovation__method="").values_list("id", flat=True)
        )
        empty = list(
            Renovation.objects.filter(no_facts(), method="").values("id", "household_id", *values)
        )
        ids = [r["id"] for r in empty]
        current: dict[int, int] = {}  # renovation id → household whose current record it is
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            current.update(
                Household.objects.filter(renovation_id__in=part).values_list("renovation_id", "id")
            )
            Household.objects.filter(renovation_id__in=part).update(
                renovation=None, updated_at=timezone.now()
            )
            Renovation.objects.filter(id__in=part).delete()  # audited below, one event each
        events = []
        for r in empty:
            events.append(
                {
                    "event": Event.DELETE,
                    "object_label": Renovation._meta.label_lower,
                    "object_pk": r["id"],
                    "object_repr": "未填改造方式（未验收）",
                    "detail": {"before": {k: r[k] for k in values}, "reason": REASON},
                }
            )
            if r["id"] in current:
                events.append(
                    {
                        "event": Event.UPDATE,
                        "object_label": Household._meta.label_lower,
                        "object_pk": r["household_id"],
                        "detail": {"changes": {"renovation_id": [r["id"], None]}, "reason": REASON},
                    }
                )
        record_many(events)
        if rescreen:
            transaction.on_commit(
                lambda: households_changed.send(sender=Household, household_ids=rescreen)
            )
    return {"deleted": len(ids), "cleared": len(current), "rescreened": len(rescreen)}


UPGRADES = {("registry", "0010_renovation_needs_a_method"): drop_empty_renovations}


def run_after_migrate(sender, plan=None, stdout=None, verbosity=1, **kwargs) -> None:
    applied = {(m.app_label, m.name) for m, backwards in plan or () if not backwards}
    for (app, name), upgrade in UPGRADES.items():
        if (app, name) in applied:
            counts = upgrade()
            if stdout is not None and verbosity and any(counts.values()):
                stdout.write(f"  {name}: {counts}")
