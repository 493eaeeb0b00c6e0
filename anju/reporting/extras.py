"""Figures other stages add to a weekly submission, frozen and hashed with the ledger.

    from anju.reporting.extras import register_extra
    register_extra("visits", coverage)   # coverage(township, campaign) -> dict (JSON-ready)

Each registered function is called when the officer prepares the week's submission; its
dict goes into the snapshot under ``extras[name]``. The visits app registers the coverage
of the house visits (入户排查覆盖率) this way; reporting does not import the other apps.
A function that fails does not block the report: its entry records the failure instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

ExtraFunc = Callable[[object, object], dict]
_extras: dict[str, ExtraFunc] = {}


def register_extra(name: str, func: ExtraFunc) -> None:
    _extras[name] = func


def registered() -> dict[str, ExtraFunc]:
    return dict(_extras)


def collect(township, campaign) -> dict:
    """Every registered figure for the township, by name (JSON-ready)."""
    from django.db import transaction

    from anju.audit.models import jsonable

    result = {}
    for name in sorted(_extras):
        try:
            with transaction.atomic():  # a failed query must not spoil the caller's transaction
                result[name] = jsonable(_extras[name](township, campaign))
        except Exception:
            log.exception("weekly extra %s failed for %s", name, getattr(township, "code", ""))
            result[name] = {"error": "计算失败，未能随周报报送"}
    return result
