"""Audit records as a person reads them (#17 item 10): the model's Chinese name instead of
``accounts.user``, the user's name beside the username, the unit's name instead of its
code, a changed field by its label, a changed unit or user by name and a coded value by its
label. The stored record is untouched (the chain covers it); only the pages translate, a
page of rows at a time, with one query per kind of name."""

from __future__ import annotations

import re
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

# Records written before a model was renamed keep the type they were written with.
FORMER_TYPES = {
    "inspections.visit": "inspections.spotcheckvisit",
    "inspections.visitproblem": "inspections.spotcheckproblem",
    "inspections.visitphoto": "inspections.spotcheckphoto",
}


@lru_cache(maxsize=256)
def _model(object_type: str):
    try:
        return apps.get_model(FORMER_TYPES.get(object_type, object_type))
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """``registry.household`` → 农户; an unknown type (or a label such as "导出") as stored."""
    model = _model(object_type) if "." in object_type else None
    return str(model._meta.verbose_name) if model is not None else object_type


def object_text(event) -> str:
    """What the record is about, in words: "农户 张三", "用户 李四（p_li）", else the type
    label with the record's number."""
    label = type_label(event.object_type) if event.object_type else ""
    if event.object_repr:
        return f"{label} {event.object_repr}".strip()
    if event.object_id:
        return f"{label} 第{event.object_id}号".strip()
    return label


def _field(object_type: str, name: str):
    model = _model(object_type) if "." in object_type else None
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _named_models() -> dict:
    """Related models whose ids a change shows by name: units and users."""
    from anju.accounts.models import User
    from anju.units.models import Unit

    return {Unit: "name", User: "full_name"}


def readable(events) -> list:
    """``events`` (a page of ``AuditEvent``) with ``person`` (the user's name, "" if none),
    ``unit_name``, ``object_text`` and ``change_rows`` [(label, old, new)] set on each; in
    a change, a unit or a user is named and a coded value is shown by its label."""
    from anju.accounts.models import User
    from anju.units.models import Unit

    events = list(events)
    user_ids = {e.user_id for e in events if e.user_id}
    codes = {e.unit_code for e in events if e.unit_code}
    imported = _imported(events)
    changes = {e.pk: _changes(e, imported.get(e.pk)) for e in events}
    named = _named_models()
    wanted: dict = {model: set() for model in named}
    for e in events:
        for field, old, new in changes[e.pk]:
            related = getattr(field, "related_model", None) if field is not None else None
            if related in wanted:
                wanted[related].update(v for v in (old, new) if isinstance(v, int))
    wanted[User] |= user_ids
    names = {
        model: dict(model.objects.filter(pk__in=ids).values_list("pk", named[model]))
        for model, ids in wanted.items()
    }
    for e in events:
        codes |= _codes_in(_detail(e))
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    campaigns = _campaign_names(events)
    for e in events:
        e.person = names[User].get(e.user_id, "") if e.user_id else ""
        e.unit_name = units.get(e.unit_code, "")
        e.object_text = object_text(e)
        e.change_rows = [
            (
                str(field.verbose_name) if field is not None else name,
                _value(field, old, names),
                _value(field, new, names),
            )
            for name, (field, old, new) in zip(
                _names(e, imported.get(e.pk)), changes[e.pk], strict=True
            )
        ]
        e.detail_text = "" if e.change_rows else _detail_text(e, units, campaigns)
    return events


# What a record's other details are called on the page (an export's filters, rows, hash…).
DETAIL_LABELS = {
    "filters": "条件",
    "rows": "行数",
    "sha256": "SHA-256",
    "unmasked": "含完整证件号码",
    "reason": "事由",
    "file": "文件",
    "mode": "方式",
    "status": "状态",
    "transition": "操作",
    "from": "原状态",
    "to": "新状态",
}
FILTER_LABELS = {
    "county": "县（市、区）",
    "township": "乡镇",
    "village": "行政村",
    "campaign": "“回头看”工作",
    "week": "周次",
}
UNIT_CODE = re.compile(r"\d{6,12}")


def _detail(event) -> dict:
    return event.detail if isinstance(event.detail, dict) else {}


def _filters(event) -> dict:
    filters = _detail(event).get("filters")
    return filters if isinstance(filters, dict) else {}


def _campaign_names(events) -> dict:
    from anju.campaigns.models import Campaign

    ids = {v for e in events for k, v in _filters(e).items() if k == "campaign"}
    ids = {v for v in ids if isinstance(v, int)}
    return dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _ordered(mapping: dict, labels: dict) -> list[tuple]:
    """Items in the order of ``labels``, then the rest by key: PostgreSQL's jsonb keeps no
    order, and both databases must show a record alike."""
    rank = {k: i for i, k in enumerate(labels)}
    return sorted(mapping.items(), key=lambda kv: (rank.get(kv[0], len(rank)), str(kv[0])))


def _codes_in(value) -> set[str]:
    """Strings anywhere in a detail (keys too) shaped like a unit's code."""
    if isinstance(value, dict):
        return set().union(*(_codes_in(k) | _codes_in(v) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_codes_in(v) for v in value))
    return {value} if isinstance(value, str) and UNIT_CODE.fullmatch(value) else set()


def _shown(value, units: dict, labels: dict | None = None) -> str:
    """A detail value as text, a unit's code replaced by the unit's name."""
    if isinstance(value, dict):
        return "，".join(
            f"{(labels or {}).get(k, units.get(k, k))}={_shown(v, units)}"
            for k, v in _ordered(value, labels or {})
            if v not in ("", None)
        )
    if isinstance(value, (list, tuple)):
        return "、".join(_shown(v, units) for v in value)
    if value is True or value is False:
        return "是" if value else "否"
    return str(units.get(value, value)) if isinstance(value, str) else str(value)


def _detail_text(event, units: dict, campaigns: dict) -> str:
    """The other details of a record as a person reads them: labels in Chinese, units and
    rounds by name (the stored detail keeps the codes)."""
    parts = []
    for key, value in _ordered(_detail(event), DETAIL_LABELS):
        if key in ("changes", CREATED_FIELDS, NEW) or value in ("", None):
            continue
        if key == "filters" and isinstance(value, dict):
            value = {k: campaigns.get(v, v) if k == "campaign" else v for k, v in value.items()}
            text = _shown(value, units, FILTER_LABELS) or "全部"
        else:
            text = _shown(value, units)
        parts.append(f"{DETAIL_LABELS.get(key, key)}：{text}")
    return "；".join(parts)


def _names(event, changes: dict | None = None) -> list[str]:
    detail = event.detail if isinstance(event.detail, dict) else {}
    changes = changes if changes is not None else detail.get("changes")
    return list(changes) if isinstance(changes, dict) else []


def _changes(event, changes: dict | None = None) -> list[tuple]:
    """(model field or None, old, new) for each change the record holds (``changes``: the
    record's changes when they are not in its own detail, see ``_imported``)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    changes = changes if changes is not None else detail.get("changes")
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
        rows.append((_field(event.object_type, name), old, new))
    return rows


# A household created by an import: its record holds the values only, in the order of one of
# the field lists its batch's ``import`` record names once (registry/io/writer.py, ADR 0018).
IMPORT_OBJECT = "registry.importbatch"
CREATED_FIELDS, FIELDS, NEW = "created_fields", "fields", "new"


def _compact(event) -> bool:
    detail = _detail(event)
    return FIELDS in detail and NEW in detail and "import_batch" in detail


def _imported(events) -> dict[int, dict]:
    """Record id → its changes {field: [None, value]}, for the records of ``events`` that
    hold an import's values only; one query for their batches' field lists."""
    compact = [e for e in events if _compact(e)]
    if not compact:
        return {}
    from anju.audit.events import Event
    from anju.audit.models import AuditEvent

    batches = {str(_detail(e)["import_batch"]) for e in compact}
    lists = {}
    rows = AuditEvent.objects.filter(
        event=Event.IMPORT, object_type=IMPORT_OBJECT, object_id__in=batches
    ).values_list("object_id", "detail")
    for batch, detail in rows:
        if isinstance(detail, dict) and isinstance(detail.get(CREATED_FIELDS), list):
            lists[batch] = detail[CREATED_FIELDS]
    found = {}
    for e in compact:
        detail = _detail(e)
        names = lists.get(str(detail["import_batch"]), [])
        index, values = detail[FIELDS], detail[NEW]
        if isinstance(index, int) and 0 <= index < len(names) and isinstance(values, list):
            found[e.pk] = {n: [None, v] for n, v in zip(names[index], values, strict=False)}
    return found


def changes(event) -> dict:
    """The changes one record holds, {field: [old, new]}, whichever way it stores them."""
    imported = _imported([event]).get(event.pk)
    if imported is not None:
        return imported
    held = _detail(event).get("changes")
    return dict(held) if isinstance(held, dict) else {}


def _value(field, value, names: dict):
    """A stored value as a person reads it: a unit's or user's name, a choice's label."""
    if value is True or value is False:
        return "是" if value else "否"
    if value is None or field is None:
        return value
    related = getattr(field, "related_model", None)
    if related in names and isinstance(value, int):
        return names[related].get(value, value)
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return value
