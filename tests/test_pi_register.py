"""Every field that looks like personal information is registered with a purpose (row 28)."""

from __future__ import annotations

import re

from django.apps import apps

from anju.core.pi import PI_FIELDS, PI_NAME_PATTERN


def anju_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("anju."):
            continue
        for field in model._meta.concrete_fields:
            yield f"{model._meta.app_label}.{model.__name__}.{field.name}", field


def test_sec_28_every_pi_looking_field_is_registered():
    pattern = re.compile(PI_NAME_PATTERN)
    missing = [
        label
        for label, field in anju_fields()
        if pattern.search(field.name) and label not in PI_FIELDS
    ]
    assert missing == [], f"register these in anju/core/pi.py: {missing}"


def test_registered_fields_exist():
    labels = {label for label, _ in anju_fields()}
    assert set(PI_FIELDS) <= labels
