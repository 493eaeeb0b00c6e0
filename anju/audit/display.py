"""Audit records as a person reads them (#17 item 10): the model's Chinese name instead of
``accounts.user``, the user's name beside the username, the unit's name instead of its
code, a changed field by its label, a changed unit or user by name and a coded value by its
label. The stored record is untouched (the chain covers it); only the pages translate, a
page of rows at a time, with one query per kind of name."""

from __future__ import annotations

from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


@lru_cache(maxsize=256)
def _model(object_type: str):
    try:
        return apps.get_model(object_type)
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
    changes = {e.pk: _changes(e) for e in events}
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
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
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
            for name, (field, old, new) in zip(_names(e), changes[e.pk], strict=True)
        ]
    return events


def _names(event) -> list[str]:
    detail = event.detail if isinstance(event.detail, dict) else {}
    changes = detail.get("changes")
    return list(changes) if isinstance(changes, dict) else []


def _changes(event) -> list[tuple]:
    """(model field or None, old, new) for each change the record holds."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    changes = detail.get("changes")
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
        rows.append((_field(event.object_type, name), old, new))
    return rows


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
