"""Writing a plan: villages, households, assessments, renovations and their audit records.

Runs inside the importer's one transaction. New rows go in with pre-allocated keys and
changed rows are updated column-set by column-set (``bulk.Table``); the audit gets one
``create`` or ``update`` event per household with every changed field (ID number and phone
only as masks) through ``record_many``, in the same transaction, so a failure leaves
neither the data nor its audit behind. A created household's event holds its values in the
order of a field list that the batch's ``import`` event names once (docs/adr/0018).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anju.audit.events import Event
from anju.audit.services import record_many
from anju.core import crypto
from anju.registry.io.bulk import Params, Table, allocate_ids
from anju.registry.io.plan import Change, Plan
from anju.registry.io.scope import NewVillage, next_village_codes
from anju.registry.io.sheet import ParsedRow
from anju.registry.models import Assessment, Household, Renovation
from anju.units.models import Level, Unit

HOUSEHOLD_LABEL = Household._meta.label_lower
FIELDS, NEW = "fields", "new"  # a created household's audit detail (anju.audit.display)
CHUNK = 5000
A_KEYS = {f.name: f"assessment.{f.name}" for f in Assessment._meta.concrete_fields}
R_KEYS = {f.name: f"renovation.{f.name}" for f in Renovation._meta.concrete_fields}


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    villages: int = 0
    assessments: int = 0
    renovations: int = 0
    household_ids: list[int] = field(default_factory=list)
    # the field lists of the created households' audit events, by their index (``_created``)
    created_fields: list[list[str]] | None = None


def create_villages(new: set[NewVillage]) -> dict[NewVillage, int]:
    """Create the missing villages (each audited like any unit) and give their ids."""
    ids: dict[NewVillage, int] = {}
    by_township: dict[int, list[NewVillage]] = {}
    for village in sorted(new, key=lambda v: (v.township_id, v.name)):
        by_township.setdefault(village.township_id, []).append(village)
    for township_id, villages in by_township.items():
        township = Unit.objects.get(pk=township_id)
        codes = next_village_codes(township, len(villages))
        for village, code in zip(villages, codes, strict=False):
            unit = Unit(code=code, name=village.name, level=Level.VILLAGE, parent=township)
            unit.save()
            ids[village] = unit.pk
    return ids


class _Writer:
    """Builds the rows and audit events of one chunk of the plan, then writes them."""

    def __init__(self, plan: Plan, batch_id: int, village_ids: dict[NewVillage, int]) -> None:
        self.batch_id = batch_id
        self.village_ids = village_ids
        self.households = Table(Household)
        self.assessments = Table(Assessment)
        self.renovations = Table(Renovation)
        new_a = sum(1 for r in plan.creates if "grade" in r.assessment)
        new_a += sum(1 for c in plan.changes if c.new_assessment is not None)
        new_r = sum(1 for r in plan.creates if r.renovation)
        new_r += sum(1 for c in plan.changes if c.new_renovation is not None)
        self.household_ids = iter(allocate_ids(Household, len(plan.creates)))
        self.assessment_ids = iter(allocate_ids(Assessment, new_a))
        self.renovation_ids = iter(allocate_ids(Renovation, new_r))
        self.written = Written()
        self.fields: dict[tuple[str, ...], int] = {}  # the created rows' field lists
        # the chunk's rows (lists of column values) and updates (pk, {attname: value})
        self.h_rows: list[Params] = []
        self.a_rows: list[Params] = []
        self.r_rows: list[Params] = []
        self.events: list[dict[str, Any]] = []
        self.h_updates: list[tuple[int, dict[str, object]]] = []
        self.a_updates: list[tuple[int, dict[str, object]]] = []
        self.r_updates: list[tuple[int, dict[str, object]]] = []

    def _reset(self) -> None:
        self.h_rows, self.a_rows, self.r_rows, self.events = [], [], [], []
        self.h_updates, self.a_updates, self.r_updates = [], [], []

    def village_of(self, value: object) -> object:
        return self.village_ids[value] if isinstance(value, NewVillage) else value

    def create(self, row: ParsedRow) -> None:
        pk = next(self.household_ids)
        values = dict(row.household)
        masked = crypto.mask_id_number(row.id_number)
        names, new = list(values), list(values.values())  # what the audit row records
        values.update(
            township_id=row.township_id,
            village_id=self.village_of(row.village),
            id_number_enc=crypto.encrypt(row.id_number),
            id_number_hash=row.id_hash,
            id_number_masked=masked,
            id_number_valid=row.id_valid,
            import_batch_id=self.batch_id,
        )
        names += ("township_id", "village_id", "id_number_masked")
        new += (row.township_id, values["village_id"], masked)
        if row.phone:
            values["phone_enc"] = crypto.encrypt(row.phone)
            values["phone_masked"] = crypto.mask_phone(row.phone)
            names.append("phone_masked")
            new.append(values["phone_masked"])
        given = row.assessment
        if "grade" in given:
            values["assessment_id"] = a_pk = next(self.assessment_ids)
            self.a_rows.append(self.assessments.new_row(a_pk, {"household_id": pk, **given}))
            names += (A_KEYS[k] for k in given)
            new += given.values()
        given = row.renovation
        if given:
            values["renovation_id"] = r_pk = next(self.renovation_ids)
            self.r_rows.append(self.renovations.new_row(r_pk, {"household_id": pk, **given}))
            names += (R_KEYS[k] for k in given)
            new += given.values()
        self.h_rows.append(self.households.new_row(pk, values))
        label = f"{values['head_name']}（{masked}）"
        self.events.append(self._created(pk, label, tuple(names), new))
        self.written.household_ids.append(pk)
        self.written.created += 1

    def _created(
        self, pk: int, label: str, names: tuple[str, ...], new: list[object]
    ) -> dict[str, Any]:
        """A new household's audit event: its values in the order of one of the batch's
        field lists, which the batch's ``import`` event records once (``created_fields``):
        a third of the bytes of naming every field, old value ``None``, in every row."""
        index = self.fields.get(names)
        if index is None:
            if len(set(names)) != len(names):  # pragma: no cover - the columns name each once
                changes = {name: [None, value] for name, value in zip(names, new, strict=True)}
                return _event(Event.CREATE, pk, label, changes, self.batch_id)
            index = self.fields[names] = len(self.fields)
        detail = {FIELDS: index, NEW: new, "import_batch": self.batch_id}
        return {
            "event": Event.CREATE,
            "object_label": HOUSEHOLD_LABEL,
            "object_pk": pk,
            "object_repr": label,
            "detail": detail,
        }

    def change(self, change: Change) -> None:
        pk = change.household_id
        values = dict(change.household)
        if "village_id" in values:
            values["village_id"] = self.village_of(values["village_id"])
            change.audit["village_id"][1] = values["village_id"]
        if change.new_assessment is not None:
            values["assessment_id"] = a_pk = next(self.assessment_ids)
            new = {"household_id": pk, **change.new_assessment}
            self.a_rows.append(self.assessments.new_row(a_pk, new))
        if change.new_renovation is not None:
            values["renovation_id"] = r_pk = next(self.renovation_ids)
            new = {"household_id": pk, **change.new_renovation}
            self.r_rows.append(self.renovations.new_row(r_pk, new))
        if change.assessment_update:
            self.a_updates.append(change.assessment_update)
        if change.renovation_update:
            self.r_updates.append(change.renovation_update)
        values["import_batch_id"] = self.batch_id
        self.h_updates.append((pk, values))
        self.events.append(_event(Event.UPDATE, pk, change.label, change.audit, self.batch_id))
        self.written.household_ids.append(pk)
        self.written.updated += 1

    def flush(self, clock: Callable[[str], None]) -> None:
        clock("prepare")
        self.households.insert(self.h_rows)
        self.assessments.insert(self.a_rows)
        self.renovations.insert(self.r_rows)
        self.households.update(self.h_updates)
        self.assessments.update(self.a_updates)
        self.renovations.update(self.r_updates)
        self.written.assessments += len(self.a_rows)
        self.written.renovations += len(self.r_rows)
        clock("write")
        record_many(self.events)  # chained to the previous chunk's last event
        clock("audit")
        self._reset()


def write_plan(plan: Plan, *, batch_id: int, clock: Callable[[str], None] | None = None) -> Written:
    """Write in chunks of ``CHUNK`` households: the same statements and one audit chain,
    without holding every row and event of a big file in memory at once."""
    clock = clock or (lambda phase: None)
    village_ids = create_villages(plan.new_villages)
    writer = _Writer(plan, batch_id, village_ids)
    writer.written.villages = len(village_ids)
    for start in range(0, len(plan.creates), CHUNK):
        for row in plan.creates[start : start + CHUNK]:
            writer.create(row)
        writer.flush(clock)
    for start in range(0, len(plan.changes), CHUNK):
        for change in plan.changes[start : start + CHUNK]:
            writer.change(change)
        writer.flush(clock)
    writer.written.created_fields = [list(names) for names in writer.fields]
    return writer.written


def _event(
    event: Event, pk: int, label: str, changes: dict[str, Any], batch_id: int
) -> dict[str, Any]:
    return {
        "event": event,
        "object_label": HOUSEHOLD_LABEL,
        "object_pk": pk,
        "object_repr": label,
        "detail": {"changes": changes, "import_batch": batch_id},
    }
