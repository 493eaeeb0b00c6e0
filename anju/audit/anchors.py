"""Anchors: the audit chain's head written outside the database (SECURITY.md row 11).

A keyed chain stops anyone without ``ANJU_AUDIT_KEY`` from rewriting rows, but not from
deleting the newest ones: what is left still chains. So the head — how many rows, the last
row's id and hash — is written now and then to a signed file in ``AUDIT_ANCHOR_DIR``
(beside the backups, copied off-site with them) and shown on the audit administrator's page
to print. ``verify_audit`` checks the database against every anchor.

An anchor is written on the first audit event of each day (``schedule_daily``), by every
``backup``, by ``anchor_audit`` (cron) and by ``rekey_audit``. Files are numbered (``seq``)
so a missing one shows; each is signed with a key derived from the audit key, so an edited
one shows. What cannot show: rows removed after the newest anchor and before the next one,
and anchors removed together with those rows by someone who holds the host — hence the
off-site copy and the printed page (docs/adr/0012).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anju.core import crypto

log = logging.getLogger(__name__)

KIND = "anju-audit-anchor"
VERSION = 1
PREFIX = "audit-anchor-"
REASONS = {
    "daily": "每日",
    "backup": "备份",
    "manual": "手工",
    "rekey": "启用密钥",
}


@dataclass(frozen=True)
class Head:
    """The chain's head: how many rows, and the last one's id and hash."""

    rows: int
    last_id: int
    hash: str

    def body(self, *, seq: int, at: dt.datetime, reason: str) -> dict:
        name, _ = crypto.audit_algorithm()
        return {
            "kind": KIND,
            "version": VERSION,
            "seq": seq,
            "created_at": timezone.localtime(at).isoformat(timespec="seconds"),
            "reason": reason,
            "rows": self.rows,
            "last_id": self.last_id,
            "head": self.hash,
            "algorithm": name,
            "key_id": crypto.audit_key_id(),
        }


@dataclass
class Anchor:
    """One anchor file as read back: ``problem`` is set when it cannot be trusted."""

    name: str
    body: dict
    signature: str = ""
    problem: str = ""

    @property
    def seq(self) -> int:
        return int(self.body.get("seq") or 0)

    @property
    def rows(self) -> int:
        return int(self.body["rows"])

    @property
    def last_id(self) -> int:
        return int(self.body["last_id"])

    @property
    def head(self) -> str:
        return str(self.body["head"])

    @property
    def created_at(self) -> str:
        return str(self.body.get("created_at", "")).replace("T", " ")[:19]

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.body.get("reason", ""), self.body.get("reason", ""))

    def label(self) -> str:
        return f"锚点 {self.name}（第 {self.seq} 号，{self.created_at}）"


def _signed_text(body: dict) -> str:
    from anju.audit.models import canonical_json

    return canonical_json(body)


def sign(body: dict) -> dict:
    return {**body, "signature": crypto.audit_anchor_mac(_signed_text(body))}


def current_head() -> Head:
    """The head as the database has it now. Rows are appended one writer at a time (an
    advisory lock on PostgreSQL, SQLite's single writer), so every id up to the last
    committed one is committed too and the count up to it is exact."""
    from anju.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if last is None:
        return Head(0, 0, "")
    rows = AuditEvent.objects.filter(id__lte=last["id"]).count()
    return Head(rows, last["id"], last["hash"])


def directory() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


@contextlib.contextmanager
def _locked(folder: Path):
    """One writer of anchor files at a time (web workers, the worker, cron)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*.json")) if folder.is_dir() else []


def _next_seq(folder: Path) -> int:
    seqs = [0]
    for path in _files(folder):
        with contextlib.suppress(ValueError, IndexError):
            seqs.append(int(path.name[len(PREFIX) :].split("-", 1)[0]))
    return max(seqs) + 1


def write(
    reason: str = "manual", *, folder: Path | None = None, once_a_day: bool = False
) -> Path | None:
    """Sign the current head and write it as the next anchor file; return its path
    (None when ``once_a_day`` and today has an anchor already)."""
    folder = folder or directory()
    with _locked(folder):
        if once_a_day and any(folder.glob(f"{PREFIX}*-{timezone.localdate():%Y%m%d}T*.json")):
            return None
        head = current_head()
        now = timezone.now()
        seq = _next_seq(folder)
        body = sign(head.body(seq=seq, at=now, reason=reason))
        path = folder / f"{PREFIX}{seq:06d}-{timezone.localtime(now):%Y%m%dT%H%M%S}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    return path


def parse(name: str, text: str) -> Anchor:
    """An anchor from its file text, its signature checked against the audit key."""
    try:
        data = json.loads(text)
        signature = str(data.pop("signature"))
        if data.get("kind") != KIND:
            raise ValueError
        int(data["rows"]), int(data["last_id"]), str(data["head"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return Anchor(name, {}, problem=f"锚点文件 {name} 无法读取（不是本系统写出的锚点）。")
    anchor = Anchor(name, data, signature)
    name_now, _ = crypto.audit_algorithm()
    if data.get("key_id") != crypto.audit_key_id() or data.get("algorithm") != name_now:
        anchor.problem = (
            f"{anchor.label()} 由密钥 {data.get('key_id')}（{data.get('algorithm')}）签发，"
            f"当前审计密钥为 {crypto.audit_key_id()}（{name_now}）：无法核对。"
        )
    elif crypto.audit_anchor_mac(_signed_text(data)) != signature:
        anchor.problem = (
            f"{anchor.label()} 的签名不符：文件被改动过，或不是用本系统的审计密钥签发的。"
        )
    return anchor


def read_all(folder: Path | None = None) -> list[Anchor]:
    """Every anchor file of the folder, in order of their numbers."""
    anchors = [parse(p.name, p.read_text(encoding="utf-8")) for p in _files(folder or directory())]
    return sorted(anchors, key=lambda a: (a.seq, a.name))


# --- the daily anchor ----------------------------------------------------------------------
_anchored_on: dt.date | None = None  # per process: the day an anchor was last seen or written


def schedule_daily() -> None:
    """After the first audit event of a local day commits, make sure that day has an
    anchor (one file check per process per day; cron-less sites get one anchor a day)."""
    if not settings.AUDIT_ANCHOR_DAILY or _anchored_on == timezone.localdate():
        return
    transaction.on_commit(_daily)


def _daily() -> None:
    global _anchored_on
    today = timezone.localdate()
    if _anchored_on == today:
        return
    try:
        write("daily", once_a_day=True)
    except OSError:
        log.exception("无法写出今天的审计锚点（%s）：请检查该目录的权限和空间。", directory())
        return
    _anchored_on = today
