"""The audit record of a registry export (SECURITY.md row 19): the same fields as
``anju.core.exports.record_export`` (filter, row count, SHA-256 of the file, unmasked,
reason), computed while the file was written instead of from its bytes in memory."""

from __future__ import annotations

from anju.audit.events import Event
from anju.audit.services import record
from anju.registry.io.exporter import Exported

WHAT = "registry.household"


def record_registry_export(
    *, filters: dict, result: Exported, unmasked: bool, reason: str, fmt: str
):
    return record(
        Event.EXPORT,
        object_label=WHAT,
        detail={
            "filters": filters,
            "rows": result.rows,
            "sha256": result.sha256,
            "unmasked": unmasked,
            "reason": reason,
            "format": fmt,
        },
    )
