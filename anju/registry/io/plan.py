"""Matching parsed rows to the registry and deciding what each row changes.

Households are matched by ID number (its keyed hash). For a household already registered:

- an empty cell (or an absent column) changes nothing — empty means unknown, so a partial
  workbook never erases what is known; a value is cleared on the household page;
- values are compared after normalisation, so an unchanged row writes nothing at all;
- 鉴定: a row whose 鉴定日期 or 鉴定等级 differs from the current assessment adds a new
  assessment (and makes it current); otherwise the current one is updated in place;
- 改造: the current renovation is updated in place, or created when there is none.

A household has a renovation only when it has a 改造方式 (RULES.md, ADR 0009). Values every
row of an export may carry — 否, 0, empty — say nothing happened (``facts``): a row without a
method whose renovation values are only such values creates no renovation record and raises
no notice. A row with real renovation facts (a date, an area, a grade, a check, an amount
paid, 是) but no method keeps them on a record without a method and gets a notice asking for
the method, whether the record is new or already there. The same holds for the assessment:
鉴定结果是否出具 = 否 alone is no assessment and asks for no grade. 自筹资金, 是否举债 and
其他住房补助 are the household's columns and are stored like any of its values.

Rows found to be outside the user's scope here become errors like any cell problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias

from anju.core import crypto
from anju.registry.id_refusals import REFUSED
from anju.registry.io.columns import COLUMNS
from anju.registry.io.problems import ERROR, WARNING
from anju.registry.io.scope import ImportScope, NewVillage
from anju.registry.io.sheet import ParsedRow, ParsedSheet
from anju.registry.models import Assessment, Household, Renovation

CHUNK = 900
# A stored record's values as ``.values()`` reads them (field name → value).
Stored: TypeAlias = dict[str, Any]
PLAIN = ("plain", "bool", "date", "number", "groups")
HOUSEHOLD_FIELDS = tuple(c.name for c in COLUMNS if c.model == "household" and c.kind in PLAIN)
ASSESSMENT_FIELDS = tuple(c.name for c in COLUMNS if c.model == "assessment")
RENOVATION_FIELDS = tuple(c.name for c in COLUMNS if c.model == "renovation")
EXISTING = (
    "id",
    "id_number_hash",
    "township_id",
    "village_id",
    "phone_enc",
    "assessment_id",
    "renovation_id",
    "head_name",
    "id_number_masked",
    "anonymised_at",
    *HOUSEHOLD_FIELDS,
)


@dataclass(slots=True)
class Change:
    """What one row does to a household that is already registered."""

    row: ParsedRow
    household_id: int
    label: str  # 张三（411081********123X） for the audit record
    household: dict[str, object] = field(default_factory=dict)  # attname → new value
    audit: dict[str, list[object]] = field(default_factory=dict)  # field → [old, new], PI masked
    new_assessment: dict[str, object] | None = None
    assessment_update: tuple[int, dict[str, object]] | None = None
    new_renovation: dict[str, object] | None = None
    renovation_update: tuple[int, dict[str, object]] | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.household
            or self.new_assessment is not None
            or self.assessment_update
            or self.new_renovation is not None
            or self.renovation_update
        )


@dataclass
class Plan:
    creates: list[ParsedRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # rows with errors

    @property
    def new_villages(self) -> set[NewVillage]:
        found = {r.village for r in self.creates if isinstance(r.village, NewVillage)}
        found |= {c.row.village for c in self.changes if isinstance(c.row.village, NewVillage)}
        return found


def make_plan(sheet: ParsedSheet, scope: ImportScope) -> Plan:
    plan = Plan()
    rows = [r for r in sheet.rows if not r.error]
    existing = _existing([r.id_hash for r in rows])
    assessments = _values(
        Assessment, ASSESSMENT_FIELDS, [e["assessment_id"] for e in existing.values()]
    )
    renovations = _values(
        Renovation, RENOVATION_FIELDS, [e["renovation_id"] for e in existing.values()]
    )
    id_col = next(c for c in sheet.columns if c[1].kind == "id_number")
    for row in rows:
        current = existing.get(row.id_hash)
        if current is None:
            _check_new(row, sheet)
            plan.creates.append(row)
            continue
        if current["township_id"] not in scope.allowed:
            sheet.add(
                ERROR,
                row.number,
                id_col[0],
                id_col[2],
                crypto.mask_id_number(row.id_number),
                REFUSED,
            )
            row.error = True
            continue
        change = _diff(row, current, assessments, renovations, sheet)
        if change.changed:
            plan.changes.append(change)
        else:
            plan.unchanged += 1
    plan.skipped = sum(1 for r in sheet.rows if r.error)
    return plan


def _existing(hashes: list[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    for start in range(0, len(hashes), CHUNK):
        chunk = hashes[start : start + CHUNK]
        for values in Household.objects.filter(id_number_hash__in=chunk).values(*EXISTING):
            found[values["id_number_hash"]] = values
    return found


def _values(
    model: type[Assessment | Renovation], fields: tuple[str, ...], ids: list[int | None]
) -> dict[int, Stored]:
    pks = [i for i in ids if i]
    found: dict[int, Stored] = {}
    for start in range(0, len(pks), CHUNK):
        for values in model.objects.filter(pk__in=pks[start : start + CHUNK]).values("id", *fields):
            found[values["id"]] = values
    return found


NO_GRADE = "填写了{given}等鉴定信息，但未填鉴定等级：鉴定记录须有等级，本行的鉴定信息未导入"
NO_METHOD = "填写了{given}等改造信息，但未填改造方式：改造信息已导入，补填改造方式后才算已安排改造"
NEW_DATE_NO_GRADE = "鉴定日期与系统中当前的鉴定不同，但未填鉴定等级，未新增鉴定记录"


def facts(given: dict[str, object]) -> list[str]:
    """The values of a record's columns that say something happened: a date, a grade, an
    area, a text, 是, an amount above 0. 否, 0 and 无 — which every row of a real export may
    carry — are not facts: alone they make no record and ask for nothing."""
    return [
        name
        for name, value in given.items()
        if value is not False and value != "" and not (type(value) is Decimal and value == 0)
    ]


def _check_new(row: ParsedRow, sheet: ParsedSheet) -> None:
    if row.assessment and "grade" not in row.assessment:
        found = facts(row.assessment)
        if found:
            _warn(row, sheet, "assessment.grade", NO_GRADE, found)
        else:
            row.assessment.clear()
    if row.renovation and "method" not in row.renovation:
        found = facts(row.renovation)
        if found:
            _warn(row, sheet, "renovation.method", NO_METHOD, found)
        else:
            row.renovation.clear()  # 否 / 0 only: no renovation record (ADR 0009)


def _warn(
    row: ParsedRow, sheet: ParsedSheet, field_name: str, message: str, names: list[str]
) -> None:
    """A warning at the missing column (or the row, when the file has no such column),
    naming the first cell (in the sheet's order) that carried one of ``names``."""
    model = field_name.split(".")[0]
    given = next((h for _, c, h in sheet.columns if c.model == model and c.name in names), "")
    message = message.format(given=f"“{given}”" if given else "")
    for index, column, header in sheet.columns:
        if column.field == field_name:
            sheet.add(WARNING, row.number, index, header, "", message)
            return
    sheet.add(WARNING, row.number, None, "", "", message)


def _diff(
    row: ParsedRow,
    current: Stored,
    assessments: dict[int, Stored],
    renovations: dict[int, Stored],
    sheet: ParsedSheet,
) -> Change:
    change = Change(
        row=row,
        household_id=current["id"],
        label=f"{current['head_name']}（{current['id_number_masked']}）",
    )
    household, audit = change.household, change.audit
    for name, value in row.household.items():
        if current[name] != value:
            household[name] = value
            audit[name] = [current[name], value]
    if isinstance(row.village, NewVillage) or row.village != current["village_id"]:
        household["township_id"] = row.township_id
        household["village_id"] = row.village  # a NewVillage is given its id when written
        audit["township_id"] = [current["township_id"], row.township_id]
        audit["village_id"] = [
            current["village_id"],
            "（新建村）" if isinstance(row.village, NewVillage) else row.village,
        ]
    if row.phone is not None:
        old = crypto.decrypt(current["phone_enc"]) if current["phone_enc"] else ""
        if old != row.phone:
            household["phone_enc"] = crypto.encrypt(row.phone)
            household["phone_masked"] = crypto.mask_phone(row.phone)
            audit["phone_masked"] = [crypto.mask_phone(old) or None, crypto.mask_phone(row.phone)]
    if current["anonymised_at"] is not None:
        # An anonymised archive case (matched by its kept keyed hash) is in the workbook
        # again: store the ID number again; the retention job re-applies if still closed.
        masked = crypto.mask_id_number(row.id_number)
        household["id_number_enc"] = crypto.encrypt(row.id_number)
        household["id_number_masked"] = masked
        household["id_number_valid"] = row.id_valid
        household["anonymised_at"] = None
        audit["id_number_masked"] = [current["id_number_masked"], masked]
        audit["anonymised_at"] = [current["anonymised_at"], None]
    _assessment(change, row.assessment, assessments.get(current["assessment_id"]), sheet)
    _renovation(change, row.renovation, renovations.get(current["renovation_id"]), sheet)
    return change


def _assessment(
    change: Change, given: dict[str, object], current: Stored | None, sheet: ParsedSheet
) -> None:
    if not given:
        return
    if current is None:
        if "grade" in given:
            change.new_assessment = given
            change.audit.update({f"assessment.{k}": [None, v] for k, v in given.items()})
        elif found := facts(given):
            _warn(change.row, sheet, "assessment.grade", NO_GRADE, found)
        return
    grade = given.get("grade", current["grade"])
    when = given.get("assessed_on", current["assessed_on"])
    if grade != current["grade"] or when != current["assessed_on"]:
        if "grade" not in given:
            _warn(change.row, sheet, "assessment.grade", NEW_DATE_NO_GRADE, ["assessed_on"])
            return
        change.new_assessment = given
        change.audit.update({f"assessment.{k}": [current.get(k), v] for k, v in given.items()})
        return
    updates = {k: v for k, v in given.items() if current[k] != v}
    if updates:
        change.assessment_update = (current["id"], updates)
        change.audit.update({f"assessment.{k}": [current[k], v] for k, v in updates.items()})


def _renovation(
    change: Change, given: dict[str, object], current: Stored | None, sheet: ParsedSheet
) -> None:
    if not given:
        return
    if "method" not in given and not (current and current["method"]):
        found = facts(given)
        if not found and current is None:
            return  # 否 / 0 only: no renovation record (ADR 0009)
        if found:
            _warn(change.row, sheet, "renovation.method", NO_METHOD, found)
    if current is None:
        change.new_renovation = given
        change.audit.update({f"renovation.{k}": [None, v] for k, v in given.items()})
        return
    updates = {k: v for k, v in given.items() if current[k] != v}
    if updates:
        change.renovation_update = (current["id"], updates)
        change.audit.update({f"renovation.{k}": [current[k], v] for k, v in updates.items()})
