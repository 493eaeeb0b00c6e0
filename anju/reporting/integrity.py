"""Tamper evidence of the weekly reports (SECURITY.md row 24).

Each sent report stores its frozen document (``snapshot``), the hash of the previous report
of the same township (``prev_hash``) and ``content_hash = content_hash(snapshot,
previous=prev_hash)``. ``verify()`` walks every township's chain in order and names each
report whose document no longer gives its hash, whose link does not match the report
before it (that one was changed or deleted), or whose columns disagree with what was sealed
(server time, week, township, place in the chain).

The chain alone is public arithmetic: whoever can write to the database can edit the newest
report, or every report of a township, and recompute the hashes. So each report's content
hash is also compared with the one its ``submit`` audit record holds — a record of the audit
chain, which is keyed (``ANJU_AUDIT_KEY``) and anchored outside the database (docs/adr/0012).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from anju.rectification.snapshot import content_hash
from anju.reporting.models import WeeklySubmission


@dataclass(frozen=True)
class Problem:
    submission_id: int
    label: str
    reason: str

    def __str__(self) -> str:
        return f"周报 #{self.submission_id}（{self.label}）：{self.reason}"


def _label(s: WeeklySubmission) -> str:
    sent = s.submitted_at.astimezone(dt.UTC) if s.submitted_at else None
    when = f"，{sent:%Y-%m-%d %H:%M:%S} UTC 报送" if sent else ""
    return f"{s.township.name}第{s.week}周{when}"


def _sealed_mismatch(s: WeeklySubmission) -> str | None:
    doc = s.snapshot if isinstance(s.snapshot, dict) else {}
    expected: dict[str, Any] = {
        "township": s.township.code,
        "week": s.week,
        "seq": s.seq,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "due_at": s.due_at.isoformat(),
    }
    for key, value in expected.items():
        stored = doc.get(key)
        if key in ("submitted_at", "due_at") and stored:
            try:
                same = dt.datetime.fromisoformat(stored) == dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                same = False
        else:
            same = stored == value
        if not same:
            return f"记录的“{key}”与封存内容不一致（报送后被改动）"
    if s.entry_count != len(doc.get("entries") or []):
        return "记录的台账条目数与封存内容不一致（报送后被改动）"
    return None


def _audited_hashes() -> dict[int, str]:
    """Each sent report's content hash as its ``submit`` audit record has it."""
    from anju.audit.events import Event
    from anju.audit.models import AuditEvent

    rows = AuditEvent.objects.filter(
        event=Event.SUBMIT, object_type=WeeklySubmission._meta.label_lower
    ).order_by("id")
    found: dict[int, str] = {}
    for object_id, detail in rows.values_list("object_id", "detail").iterator(chunk_size=2000):
        if object_id.isdigit() and isinstance(detail, dict):
            found[int(object_id)] = str(detail.get("content_hash", ""))
    return found


def verify() -> list[Problem]:
    problems: list[Problem] = []
    audited = _audited_hashes()
    chains = (
        WeeklySubmission.objects.filter(seq__isnull=False)
        .select_related("township")
        .order_by("campaign_id", "township_id", "seq", "id")
    )
    key: tuple[int, int] | None = None
    previous_hash = ""
    expected_seq = 1
    for s in chains.iterator(chunk_size=500):
        if (s.campaign_id, s.township_id) != key:
            key, previous_hash, expected_seq = (s.campaign_id, s.township_id), "", 1
        label = _label(s)
        if s.seq != expected_seq:
            problems.append(
                Problem(
                    s.pk, label, f"报送序次应为 {expected_seq}，实为 {s.seq}（前面的报送被删除）"
                )
            )
        if s.prev_hash != previous_hash:
            problems.append(
                Problem(s.pk, label, "与前一份报送的哈希链接不符（前一份被改动或删除）")
            )
        if content_hash(s.snapshot, previous=s.prev_hash) != s.content_hash:
            problems.append(Problem(s.pk, label, "封存内容与内容哈希不符（报送后被改动）"))
        else:
            mismatch = _sealed_mismatch(s)
            if mismatch:
                problems.append(Problem(s.pk, label, mismatch))
        if audited.get(s.pk) != s.content_hash:
            reason = (
                "没有对应的报送审计记录（报送记录被伪造，或其审计记录被删除）"
                if s.pk not in audited
                else "内容哈希与报送时的审计记录不符（报送后被改写并重算了哈希）"
            )
            problems.append(Problem(s.pk, label, reason))
        previous_hash = s.content_hash
        expected_seq = (s.seq or 0) + 1
    orphans = WeeklySubmission.objects.filter(seq__isnull=True, submitted_at__isnull=False)
    for s in orphans.select_related("township"):
        problems.append(Problem(s.pk, _label(s), "已报送但不在哈希链中（报送后被改动）"))
    return problems


def count() -> int:
    return WeeklySubmission.objects.filter(seq__isnull=False).count()
