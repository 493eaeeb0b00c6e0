"""What the API says about each record: plain functions from a model instance, or from a
``.values()`` row where a page holds hundreds (households, findings), to a JSON-ready dict.

Personal data leaves only masked (SECURITY.md row 16): ``id_number_masked`` and
``phone_masked`` for everyone (the API never unmasks), no house or photo coordinates, and
free text passes ``scrub`` so an ID, mobile or bank number typed into a description leaves
masked too. Evidence is described, never sent. The keys here are the schemas of
``anju.api.openapi`` (a test compares them).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from anju.core import crypto
from anju.monitoring.models import Source
from anju.registry.choices import groups_to_labels
from anju.registry.models import Renovation
from anju.screening import rules
from anju.screening.choices import Aspect
from anju.screening.models import Status

_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{15,19}(?![0-9])")  # bank accounts, old IDs


def scrub(text: str | None) -> str:
    """Free text with ID numbers, mobiles and long account numbers masked."""
    if not text:
        return ""
    text = _ID_NUMBER.sub(lambda m: crypto.mask_id_number(m.group(0)), text)
    text = _LONG_NUMBER.sub(lambda m: crypto.mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: crypto.mask_phone(m.group(0)), text)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.datetime | None) -> str | None:
    # The bureau's time zone (settings.TIME_ZONE), with its offset.
    return value.astimezone(timezone.get_default_timezone()).isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def unit(u) -> dict | None:
    if u is None:
        return None
    return {"code": u.code, "name": u.name}


def person(user) -> str:
    return (user.full_name or user.username) if user else ""


# --- registry --------------------------------------------------------------------------
def _unit_of(row: dict, prefix: str) -> dict:
    return {"code": row[f"{prefix}__code"], "name": row[f"{prefix}__name"]}


def _renovation_state(row: dict) -> str | None:
    """None without a renovation: no record, or one without a 改造方式 (RULES.md)."""
    if not row["renovation_id"] or not row["renovation__method"]:
        return None
    values = {
        k: row[f"renovation__{k}"] for k in ("method", "started_on", "completed_on", "accepted_on")
    }
    return Renovation(**values).state_label  # the model's own words, no database


def household(row: dict) -> dict:
    """A household from a ``selectors.HOUSEHOLD_VALUES`` row."""
    return {
        "id": row["id"],
        "township": _unit_of(row, "township"),
        "village": _unit_of(row, "village"),
        "head_name": row["head_name"],
        "id_number_masked": row["id_number_masked"],
        "id_number_valid": row["id_number_valid"],
        "phone_masked": row["phone_masked"],
        "size": row["size"],
        "groups": groups_to_labels(row["groups"]),
        "is_alleviated": row["is_alleviated"],
        "enjoys_policy": row["enjoys_policy"],
        "monitoring_type": row["monitoring_type"],
        "risk_state": row["risk_state"],
        "no_house": row["no_house"],
        "structure": row["structure"],
        "year_built": row["year_built"],
        "storeys": row["storeys"],
        "floor_area": _money(row["floor_area"]),
        "dangerous_site": row["dangerous_site"],
        "suspected_reported_on": _date(row["suspected_reported_on"]),
        "plaque_posted": row["plaque_posted"],
        "plaque_date": _date(row["plaque_date"]),
        "plaque_grade": row["plaque_grade"],
        "self_funds": _money(row["self_funds"]),
        "borrowed": row["borrowed"],
        "other_subsidy": row["other_subsidy"],
        "grade": row["assessment__grade"],
        "has_renovation": bool(row["renovation_id"] and row["renovation__method"]),
        "renovation_state": _renovation_state(row),
        "created_at": _time(row["created_at"]),
        "updated_at": _time(row["updated_at"]),
    }


def assessment(a) -> dict | None:
    if a is None:
        return None
    return {
        "id": a.pk,
        "kind": a.kind,
        "assessed_on": _date(a.assessed_on),
        "grade": a.grade,
        "assessor": a.assessor,
        "result_issued": a.result_issued,
    }


def renovation(r) -> dict | None:
    if r is None:
        return None
    return {
        "id": r.pk,
        "state": r.state_label,
        "method": r.method or None,
        "method_reason": scrub(r.method_reason),
        "approved_on": _date(r.approved_on),
        "started_on": _date(r.started_on),
        "completed_on": _date(r.completed_on),
        "accepted_on": _date(r.accepted_on),
        "post_grade": r.post_grade,
        "area_after": _money(r.area_after),
        "craftsman": r.craftsman,
        "foundation_checked_on": _date(r.foundation_checked_on),
        "structure_checked_on": _date(r.structure_checked_on),
        "final_checked_on": _date(r.final_checked_on),
        "moved_in": r.moved_in,
        "old_demolished": r.old_demolished,
        "has_toilet": r.has_toilet,
        "livestock_separated": r.livestock_separated,
        "subsidy_amount": _money(r.subsidy_amount),
        "subsidy_paid_on": _date(r.subsidy_paid_on),
        "payment_channel": r.payment_channel,
        "payee_agreement": r.payee_agreement,
        "household_file": {name: getattr(r, name) for name in r.FILE_ITEMS},
    }


def household_detail(row: dict, current_assessment, current_renovation) -> dict:
    return {
        **household(row),
        "assessment": assessment(current_assessment),
        "renovation": renovation(current_renovation),
    }


def household_ref(h) -> dict:
    return {"id": h.pk, "head_name": h.head_name, "id_number_masked": h.id_number_masked}


# --- screening -------------------------------------------------------------------------
def _listed(row: dict) -> dict | None:
    """The department list's record an 应纳未纳 (M-01) finding is on (its household is not
    in the registry, so ``household`` is null); null for every other finding."""
    if row["listed_id"] is None:
        return None
    source = row["listed__source"]
    return {
        "id": row["listed_id"],
        "source": source,
        "source_label": _label(Source, source),
        "version": row["listed__version_id"],
        "head_name": row["listed__head_name"],
        "id_number_masked": row["listed__id_number_masked"],
        "village_name": row["listed__village_name"],
        "first_listed_on": _date(row["listed__first_listed_on"]),
    }


def finding(row: dict) -> dict:
    """A finding from a ``selectors.FINDING_VALUES`` row."""
    code = row["rule_code"]
    return {
        "id": row["id"],
        "rule": code,
        "rule_title": rules.get(code).title if rules.exists(code) else "",
        "aspect": row["aspect"],
        "aspect_label": _label(Aspect, row["aspect"]),
        "severity": row["severity"],
        "status": row["status"],
        "status_label": _label(Status, row["status"]),
        "household": None
        if row["household_id"] is None
        else {
            "id": row["household_id"],
            "head_name": row["household__head_name"],
            "id_number_masked": row["household__id_number_masked"],
        },
        "listed": _listed(row),
        "township": _unit_of(row, "township"),
        # a list's village that matches none of the township's: null (common findings too)
        "village": _unit_of(row, "village") if row["village__code"] else None,
        "message": scrub(row["message"]),
        "facts": row["facts"],
        "campaign": row["campaign_id"],
        "opened_at": _time(row["opened_at"]),
        "updated_at": _time(row["updated_at"]),
        "resolved_at": _time(row["resolved_at"]),
        "decided_at": _time(row["decided_at"]),
        "reason": scrub(row["reason"]),
    }


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


# --- the ledger ------------------------------------------------------------------------
def ledger_entry(e, today: dt.date) -> dict:
    return {
        "id": e.pk,
        "campaign": {"id": e.campaign_id, "name": e.campaign.name},
        "township": unit(e.township),
        "village": unit(e.village),
        "number": e.number,
        "label": e.label,
        "problem_type": e.problem_type,
        "nature": e.nature,
        "aspect": e.aspect,
        "description": scrub(e.description),
        "measures": scrub(e.measures),
        "deadline": _date(e.deadline),
        "responsible_unit": e.responsible_unit,
        "responsible_leader": e.responsible_leader,
        "cause": scrub(e.cause),
        "source": e.source,
        "state": e.state,
        "state_label": e.get_state_display(),
        "light": str(e.light(today)),
        "households": [household_ref(h) for h in e.households.all()],
        "findings": [{"id": f.pk, "rule": f.rule_code} for f in e.findings.all()],
        "created_at": _time(e.created_at),
        "updated_at": _time(e.updated_at),
        "closed_at": _time(e.closed_at),
    }


def transition(t) -> dict:
    return {
        "name": t.name,
        "from_state": t.from_state,
        "to_state": t.to_state,
        "actor": person(t.actor),
        "at": _time(t.at),
        "reason": scrub(t.reason),
    }


def progress_note(n) -> dict:
    return {
        "id": n.pk,
        "on": _date(n.on),
        "text": scrub(n.text),
        "author": person(n.author),
        "created_at": _time(n.created_at),
    }


def evidence(ev) -> dict:
    """Metadata only: no file, no URL, no coordinates."""
    return {
        "id": ev.pk,
        "original_name": scrub(ev.original_name),
        "content_type": ev.content_type,
        "size": ev.size,
        "sha256": ev.sha256,
        "note": scrub(ev.note),
        "taken_at": _time(ev.taken_at),
        "uploaded_by": person(ev.uploaded_by),
        "uploaded_at": _time(ev.uploaded_at),
    }


def ledger_entry_detail(e, today: dt.date) -> dict:
    return {
        **ledger_entry(e, today),
        "transitions": [transition(t) for t in e.transitions.all()],
        "progress_notes": [progress_note(n) for n in e.notes.all()],
        "evidence": [evidence(ev) for ev in e.evidence.all()],
    }
