"""Rules every export of personal data obeys (SECURITY.md rows 18–19).

- ``authorize_export``: an unmasked export needs a role in UNMASK; an unmasked or bulk
  export (more than EXPORT_BULK_ROWS rows) needs a stated reason; every user may start at
  most EXPORT_RATE_PER_MINUTE exports a minute (the next answers 429).
- ``record_export``: the audit record with filter, row count and the file's SHA-256.
- Formula safety (row 18) is ``anju.core.workbooks``: every workbook and CSV is written there.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from anju.accounts.roles import UNMASK
from anju.audit.events import Event, Outcome
from anju.audit.models import AuditEvent
from anju.audit.services import record


class ExportRefused(Exception):
    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


def authorize_export(request, *, rows: int, unmasked: bool, reason: str = "") -> None:
    user = request.user
    if unmasked and user.role not in UNMASK:
        raise ExportRefused("您的角色不能导出未脱敏的个人信息。")
    if (unmasked or rows > settings.EXPORT_BULK_ROWS) and not reason.strip():
        raise ExportRefused(
            f"导出未脱敏数据或超过 {settings.EXPORT_BULK_ROWS} 行时，须填写导出理由。", status=400
        )
    since = timezone.now() - dt.timedelta(minutes=1)
    recent = AuditEvent.objects.filter(user_id=user.pk, event=Event.EXPORT, ts__gte=since).count()
    if recent >= settings.EXPORT_RATE_PER_MINUTE:
        record(
            Event.EXPORT,
            outcome=Outcome.DENIED,
            detail={"reason": "rate limited", "rows": rows},
        )
        raise ExportRefused("导出过于频繁，请一分钟后再试。", status=429)


def record_export(
    *, what: str, filters: dict, rows: int, content: bytes, unmasked: bool, reason: str = ""
) -> AuditEvent:
    return record(
        Event.EXPORT,
        object_label=what,
        detail={
            "filters": filters,
            "rows": rows,
            "sha256": hashlib.sha256(content).hexdigest(),
            "unmasked": unmasked,
            "reason": reason,
        },
    )
