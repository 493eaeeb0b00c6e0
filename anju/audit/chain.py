"""Verifying the keyed audit chain against its anchors, and sealing a pre-key chain.

``verify()`` walks every row in id order once and names what it finds, in Chinese:

- a row whose content does not match its hash (edited; or re-hashed without the key —
  with plain SHA-256, as the chain was computed before it was keyed, or with another key);
- a row whose ``prev_hash`` is not the previous row's hash (rows deleted or inserted);
- rows written before the chain was keyed that no ``audit_rekeyed`` event seals;
- an anchor the database no longer matches: its last row gone (truncation), its hash
  different (rewritten), fewer or more rows up to it (deleted in the middle);
- an anchor file that is unreadable, altered, signed with another key, or missing from
  the numbered sequence.

Rows written before this version (plain SHA-256) verify as such only as the chain's
beginning, and only once ``rekey_audit`` has appended the keyed ``audit_rekeyed`` event
recording their count and last hash: from then on the key covers them too, because the
first keyed row's MAC includes the last one's hash (docs/adr/0012).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from anju.audit import anchors as anchor_files
from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core import crypto


@dataclass
class Problem:
    message: str
    row_id: int | None = None


@dataclass
class Walk:
    """What one pass over the rows found."""

    rows: int = 0
    last_id: int = 0
    head: str = ""
    legacy_rows: int = 0
    legacy_last_id: int = 0
    legacy_head: str = ""
    seal: AuditEvent | None = None
    problems: list[Problem] = field(default_factory=list)
    # id → (rows up to and including it, its hash), for the ids anchors name
    at: dict[int, tuple[int, str]] = field(default_factory=dict)


def walk(ids_of_interest: set[int] | frozenset[int] = frozenset()) -> Walk:
    result = Walk()
    prev, prev_id = "", None
    keyed_seen = False
    for entry in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        result.rows += 1
        if entry.compute_hash() == entry.hash:
            keyed_seen = True
            if entry.event == Event.AUDIT_REKEYED and result.seal is None:
                result.seal = entry
        elif not keyed_seen and entry.legacy_hash() == entry.hash:
            result.legacy_rows += 1
            result.legacy_last_id, result.legacy_head = entry.pk, entry.hash
        elif entry.legacy_hash() == entry.hash:
            result.problems.append(
                Problem(
                    f"审计记录 id={entry.pk} 的哈希是不带密钥的 SHA-256，而它之前已有用审计密钥"
                    "计算的记录：该记录被改动后重新计算过哈希（或被伪造）。",
                    entry.pk,
                )
            )
        else:
            result.problems.append(
                Problem(
                    f"审计记录 id={entry.pk} 的内容与哈希不符：该记录被篡改过，"
                    "或其哈希是用别的密钥重新计算的。",
                    entry.pk,
                )
            )
        if entry.prev_hash != prev:
            before = f"上一条（id={prev_id}）" if prev_id is not None else "链首"
            result.problems.append(
                Problem(
                    f"审计记录 id={entry.pk} 的前序哈希与{before}不符："
                    "其间有记录被删除或插入，或前一条被改写。",
                    entry.pk,
                )
            )
        if entry.pk in ids_of_interest:
            result.at[entry.pk] = (result.rows, entry.hash)
        prev, prev_id = entry.hash, entry.pk
    result.last_id, result.head = prev_id or 0, prev
    _check_seal(result)
    return result


def _check_seal(result: Walk) -> None:
    if not result.legacy_rows:
        return
    if result.seal is None:
        result.problems.append(
            Problem(
                f"有 {result.legacy_rows} 条审计记录（id ≤ {result.legacy_last_id}）是启用审计密钥"
                "之前写入的，尚未封存：请运行 manage.py rekey_audit（只需一次）。"
            )
        )
        return
    sealed = result.seal.detail or {}
    expected = (sealed.get("legacy_rows"), sealed.get("legacy_last_id"), sealed.get("legacy_head"))
    found = (result.legacy_rows, result.legacy_last_id, result.legacy_head)
    if expected != found:
        result.problems.append(
            Problem(
                f"启用密钥时的封存记录（id={result.seal.pk}）记载旧链 {expected[0]} 条、"
                f"末条 id={expected[1]}；现在旧链为 {found[0]} 条、末条 id={found[1]}："
                "启用密钥之前的记录被删除、改写或伪造。",
                result.seal.pk,
            )
        )


def _check_anchors(
    result: Walk, anchors: list[anchor_files.Anchor], folder: list[anchor_files.Anchor]
) -> list[Problem]:
    problems: list[Problem] = []
    good: list[anchor_files.Anchor] = []
    for anchor in anchors:
        if anchor.problem:
            problems.append(Problem(anchor.problem))
        else:
            good.append(anchor)
    seqs = sorted({a.seq for a in folder if a.seq})
    for missing in sorted(set(range(seqs[0], seqs[-1] + 1)) - set(seqs)) if seqs else ():
        problems.append(
            Problem(f"第 {missing} 号锚点文件缺失（锚点目录中应连续编号）：被删除或移走。")
        )
    now = f"现在库中共 {result.rows} 条，末条 id={result.last_id}"
    for anchor in good:
        if anchor.rows == 0:
            continue
        found = result.at.get(anchor.last_id)
        if found is None:
            problems.append(
                Problem(
                    f"审计记录被截断或删除：{anchor.label()} 记载共 {anchor.rows} 条、"
                    f"末条 id={anchor.last_id}，{now}，id={anchor.last_id} 已不存在。"
                )
            )
            continue
        count, digest = found
        if digest != anchor.head:
            problems.append(
                Problem(
                    f"审计记录 id={anchor.last_id} 的哈希与{anchor.label()}记载的不同："
                    "该记录或它之前的记录被改写过。",
                    anchor.last_id,
                )
            )
        elif count != anchor.rows:
            problems.append(
                Problem(
                    f"{anchor.label()} 记载截至 id={anchor.last_id} 共 {anchor.rows} 条，"
                    f"现在为 {count} 条：其间有记录被删除或插入。",
                    anchor.last_id,
                )
            )
    return problems


@dataclass
class Report:
    walk: Walk
    anchors: list[anchor_files.Anchor]
    problems: list[Problem]

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def bad_ids(self) -> list[int]:
        return sorted({p.row_id for p in self.problems if p.row_id is not None})


def verify(*, extra_anchors: Sequence[anchor_files.Anchor] = ()) -> Report:
    """The chain, its seal and every anchor (the folder's and ``extra_anchors``)."""
    folder = anchor_files.read_all()
    anchors = [*folder, *extra_anchors]
    result = walk({a.last_id for a in anchors if not a.problem})
    problems = [*result.problems, *_check_anchors(result, anchors, folder)]
    return Report(result, anchors, problems)


def seal_legacy() -> tuple[AuditEvent | None, str]:
    """Seal the rows written before the chain was keyed (``rekey_audit``): append one keyed
    ``audit_rekeyed`` event naming their count, last id and last hash, then anchor the
    head. Refuses when the old rows do not verify. Returns (event or None, message)."""
    from anju.audit.services import record

    report = verify()
    result = report.walk
    # Every problem but "not sealed yet" refuses, the anchors' included: a chain rewritten
    # whole with plain SHA-256 by someone without the key looks like a pre-key chain, and
    # only the anchors (written since the key) tell that it is not one (issue #13 re-attack).
    unsealed = [p for p in result.problems if p.row_id is None]
    broken = [p for p in report.problems if p not in unsealed]
    if broken:
        raise ValueError(broken)
    if not result.legacy_rows:
        return None, "审计链从第一条起就使用审计密钥，无需封存。"
    if result.seal is not None:
        return None, f"启用密钥之前的记录已于 id={result.seal.pk} 封存，无需再次封存。"
    name, _ = crypto.audit_algorithm()
    event = record(
        Event.AUDIT_REKEYED,
        object_label="audit.auditevent",
        object_pk=str(result.legacy_last_id),
        detail={
            "legacy_rows": result.legacy_rows,
            "legacy_last_id": result.legacy_last_id,
            "legacy_head": result.legacy_head,
            "algorithm": name,
            "key_id": crypto.audit_key_id(),
        },
    )
    anchor_files.write("rekey")
    return event, (
        f"已封存启用密钥之前的 {result.legacy_rows} 条审计记录（末条 id={result.legacy_last_id}），"
        f"封存记录 id={event.pk}；此后的记录都用审计密钥 {crypto.audit_key_id()}（{name}）链接。"
    )
