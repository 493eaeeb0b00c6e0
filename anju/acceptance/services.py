"""Use cases of the final submission (总结验收). Keyword-only, one transaction each, every
change audited; called alike by the pages, the commands and the demo.

    prepare (乡镇经办人: narrative → 整改报告 .docx + 整改台账 .xlsx)  →  待签字
        (again while 待签字: the narrative is saved and both files are generated anew)
    sign (乡镇主要负责人 of that township) → 已签字待上传: server time, SHA-256 of both files,
        the ledger's content hash and a seal over all of them (Event.SIGN)
    upload_scan (经办人: the sealed, signed scan, a PDF or a picture of a page; refused once
        accepted — the city reopens first)  →  待审核 (Event.CREATE)
    accept (市住建局审核员) → 已通过 (Event.ACCEPT)
    return_submission (审核员, reason) → 已退回 (Event.RETURN); the township prepares a new one.
    reopen (审核员, reason; an accepted one, typically after the ledger changed after
        signing) → 已重新打开 (Event.REOPEN); it stays as history with its signature, files
        and hashes, and the township prepares, signs and uploads a new one.

Preparing and signing are refused while in-scope households remain neither visited nor
explained (``anju.visits.coverage.unvisited_unexplained``), and while screening findings
are 待确认, ledger drafts (from visits or confirmed findings) are unhandled or confirmed
findings reached no entry (``facts.unhandled``, ADR 0011); the report says so. Signing is
refused when the ledger changed since the files were generated (the head signs exactly
what the files say), and by anyone but the 签发人 the report names.
The workflow is the table ``TRANSITIONS``, taken by ``anju.core.transitions``: conditional
updates (``… WHERE status = expected``), so when two people act at once exactly one
succeeds; each step is audited. The database keeps one live submission per township.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from anju.acceptance import documents, facts, scan
from anju.acceptance.models import CLOSED_STATES, FinalSubmission, SealedScan, Status
from anju.accounts import roles
from anju.accounts.roles import HEADS, OFFICERS, REVIEWERS, Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable, record_guard
from anju.core.reminders import remind, resolve, users_of
from anju.core.transitions import Machine, Reason, Transition, by, table
from anju.core.uploads import UploadError
from anju.documents.pi_guard import PersonalDataInDocument
from anju.rectification.snapshot import content_hash
from anju.reporting import ledger
from anju.reporting import weeks as cal
from anju.visits.coverage import unvisited_unexplained

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.base import File
    from django.db.models.fields.files import FieldFile

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.core.uploads import Checked
    from anju.units.models import Unit


class AcceptanceError(Exception):
    """An action refused, with a Chinese message for the user."""


S = Status
REVIEW = "{noun}当前为“{state}”，不能{label}。须乡镇签字并上传盖章扫描件后才能审核。"
REOPEN = "{noun}当前为“{state}”，不能{label}。只有审核通过的材料才能重新打开；待审核的请直接退回。"
# Preparing (a new row, or the draft again) and the scan's upload (SIGNED → AWAITING_REVIEW,
# recorded by the scan's own row) are not steps of this table.
TRANSITIONS = table(
    Transition("sign", "签字", (S.AWAITING_SIGNATURE,), S.SIGNED, HEADS, event=Event.SIGN),
    Transition("accept", "审核通过", (S.AWAITING_REVIEW,), S.ACCEPTED, REVIEWERS,
               event=Event.ACCEPT, refused=REVIEW),
    Transition("return", "退回", (S.AWAITING_REVIEW,), S.RETURNED, REVIEWERS,
               reason=Reason("退回理由", "退回必须填写退回理由，写明需要乡镇改正什么。"),
               event=Event.RETURN, refused=REVIEW),
    Transition("reopen", "重新打开", (S.ACCEPTED,), S.REOPENED, REVIEWERS,
               reason=Reason("重新打开理由", "重新打开必须填写理由，写明验收后台账有哪些变化、需要乡镇重新上报什么。"),
               event=Event.REOPEN, refused=REOPEN),
)  # fmt: skip
MACHINE = Machine(
    model=FinalSubmission,
    transitions=TRANSITIONS,
    noun="该总结验收材料",
    error=AcceptanceError,
    field="status",
    guard=record_guard,
)
STALE = MACHINE.stale_message


# --- who may act ------------------------------------------------------------------------
_name = roles.actor_name
_require_township = partial(roles.require_township, error=AcceptanceError)
_require_reviewer = partial(roles.require_reviewer, error=AcceptanceError)


# --- what blocks the township -----------------------------------------------------------
def unvisited_count(township: Unit, *, campaign: Campaign) -> int:
    return unvisited_unexplained(township, campaign).count()


def _check_visits(township: Unit, campaign: Campaign, what: str) -> None:
    if unvisited_unexplained(township, campaign).exists():
        n = unvisited_count(township, campaign=campaign)
        raise AcceptanceError(
            f"{township.name}还有 {n} 户应排查农户既未入户排查、也未说明未走访原因，暂不能{what}。"
            "请先完成走访或在“入户排查 › 覆盖情况”中逐户说明原因（须电话核实）。"
        )


def _check_unhandled(township: Unit, campaign: Campaign, what: str) -> None:
    counts = facts.unhandled(township, campaign)
    if not counts["total"]:
        return
    parts = []
    if counts["findings"]:
        parts.append(f"{counts['findings']} 个筛查问题待确认")
    if counts["drafts"]:
        parts.append(f"{counts['drafts']} 条台账草稿（入户排查、确认的筛查问题等形成）未处理")
    if counts["confirmed_off_ledger"]:
        parts.append(f"{counts['confirmed_off_ledger']} 个已确认的筛查问题未列入台账")
    raise AcceptanceError(
        f"{township.name}还有 {'，'.join(parts)}，暂不能{what}。整改报告须如实反映排查发现的全部"
        "问题：请在“筛查问题”中逐个确认或说明排除理由，在“台账草稿”中补全整改措施和完成时限"
        "后列入台账，或说明不列入的理由。"
    )


def _already(live: FinalSubmission) -> AcceptanceError:
    return AcceptanceError(
        f"{live.township.name}的总结验收材料当前为“{live.get_status_display()}”，"
        "不能再生成新的一份；如需更正，请联系市住建局退回。"
    )


# --- prepare (待签字) ----------------------------------------------------------------------
def prepare(
    *,
    actor: User,
    campaign: Campaign,
    township: Unit,
    situation: str,
    measures: str,
    cases: str,
    mechanism: str = "",
    document_number: str = "",
) -> FinalSubmission:
    """The officer saves the narrative and generates the 整改报告 and 整改台账 (待签字)."""
    _require_township(actor, township, OFFICERS, "生成本乡镇的总结验收材料")
    ensure_writable(campaign)
    _check_visits(township, campaign, "生成整改报告和整改台账")
    _check_unhandled(township, campaign, "生成整改报告和整改台账")
    return _prepare(
        campaign=campaign,
        township=township,
        situation=situation,
        measures=measures,
        cases=cases,
        mechanism=mechanism,
        document_number=document_number,
        actor=actor,
        name=_name(actor),
        at=cal.server_now(),
    )


def _clean_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").strip().splitlines())


def _prepare(
    *,
    campaign: Campaign,
    township: Unit,
    situation: str,
    measures: str,
    cases: str,
    actor: User | None,
    name: str,
    at: dt.datetime,
    mechanism: str = "",
    document_number: str = "",
) -> FinalSubmission:
    """``at`` is the server clock (the demo passes earlier server times for its history)."""
    situation, measures, cases = _clean_text(situation), _clean_text(measures), _clean_text(cases)
    mechanism, document_number = _clean_text(mechanism), (document_number or "").strip()
    case_list = [c.strip() for c in cases.splitlines() if c.strip()]
    day = at.astimezone(cal.local_zone()).date()
    try:
        made = documents.generate(
            campaign,
            township,
            situation=situation,
            measures=measures,
            cases=case_list,
            day=day,
            at=at,
            mechanism=mechanism,
            report_number=document_number,
        )
    except PersonalDataInDocument as exc:
        raise ValidationError({"__all__": str(exc)}) from None
    values = {
        "situation": situation,
        "measures": measures,
        "cases": cases,
        "mechanism": mechanism,
        "document_number": document_number,
        "snapshot": made.entries,
        "figures": made.figures,
        "entry_count": len(made.entries),
        "ledger_hash": made.ledger_hash,
        "docx_sha256": made.docx_sha256,
        "xlsx_sha256": made.xlsx_sha256,
        "prepared_by": actor,
        "prepared_by_name": name,
        "prepared_at": at,
    }
    mine = FinalSubmission.objects.filter(campaign=campaign, township=township)
    with transaction.atomic():
        live = mine.live().select_for_update(of=("self",)).select_related("township").first()
        if live is not None and live.status != Status.AWAITING_SIGNATURE:
            raise _already(live)
        submission = live or FinalSubmission(
            campaign=campaign,
            township=township,
            status=Status.AWAITING_SIGNATURE,
            resubmission_of=mine.closed().order_by("-id").first(),
        )
        old = [f.name for f in (submission.docx, submission.xlsx) if f]
        for field, value in values.items():
            setattr(submission, field, value)
        submission.docx.save("report.docx", ContentFile(made.docx), save=False)
        submission.xlsx.save("ledger.xlsx", ContentFile(made.xlsx), save=False)
        new = [submission.docx.name, submission.xlsx.name]
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            _delete_files(new)
            live = mine.live().select_related("township").first()
            raise (_already(live) if live else AcceptanceError(STALE)) from None
        except Exception:
            _delete_files(new)
            raise
        # The superseded draft's files go once the new row is committed.
        transaction.on_commit(lambda: _delete_files(old))
        if live is None and submission.resubmission_of_id:
            # The township answered the return or the reopening: those reminders are done.
            prior = submission.resubmission_of_id
            resolve(keys=[f"acceptance:returned:{prior}", f"acceptance:reopened:{prior}"], at=at)
    remind(
        users_of(township, [Role.TOWNSHIP_HEAD]),
        kind="final_signature",
        title=f"{township.name}整改报告和整改台账已生成，待您审阅签字",
        url=reverse("acceptance:detail", args=[submission.pk]),
        key=f"acceptance:sign:{submission.pk}:{made.docx_sha256[:12]}",
    )
    return submission


def _delete_files(names: Iterable[str | None]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


# --- sign (已签字待上传) --------------------------------------------------------------------
def seal_of(submission: FinalSubmission) -> str:
    """The SHA-256 binding the signed files, the ledger, the signer and the server time."""
    doc = {
        "submission": submission.pk,
        "campaign": submission.campaign_id,
        "township": submission.township.code,
        "docx_sha256": submission.docx_sha256,
        "xlsx_sha256": submission.xlsx_sha256,
        "ledger_hash": submission.ledger_hash,
        "signed_by": submission.signed_by_name,
        "signed_at": submission.signed_at.astimezone(dt.UTC).isoformat()
        if submission.signed_at
        else None,
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_sha256(field: FieldFile) -> str | None:
    """The SHA-256 of a stored file's bytes (None when the file is missing)."""
    if not field.name:
        return None
    try:
        with field.storage.open(field.name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, ValueError):
        return None


def sign(*, actor: User, submission: FinalSubmission, confirmed_with: str = "") -> FinalSubmission:
    """The township head signs the generated files, at the server's time. The page first
    asks for the password or TOTP code again (``anju.accounts.reauth``); ``confirmed_with``
    says which, and goes into the audit row of the signature."""
    township = submission.township
    _require_township(actor, township, TRANSITIONS["sign"].roles, "签字")
    ensure_writable(submission.campaign_id)
    _check_visits(township, submission.campaign, "签字")
    _check_unhandled(township, submission.campaign, "签字")
    return _sign(
        submission=submission,
        actor=actor,
        name=_name(actor),
        at=cal.server_now(),
        confirmed_with=confirmed_with,
    )


def _sign(
    *,
    submission: FinalSubmission,
    actor: User | None,
    name: str,
    at: dt.datetime,
    confirmed_with: str = "",
) -> FinalSubmission:
    MACHINE.check(submission, "sign")
    signer = (submission.figures or {}).get("signer") or ""
    if signer and signer != name:
        raise AcceptanceError(
            f"整改报告的签发人是{signer}，须由{signer}本人签字。如主要负责人已变更，"
            "请经办人重新生成整改报告。"
        )
    current = ledger.current_entries(submission.campaign, submission.township)
    if content_hash(current) != submission.ledger_hash:
        diff = ledger.compare(submission.snapshot, current)
        raise AcceptanceError(
            f"生成整改报告后，本乡镇整改台账又有 {diff['total']} 处变化，报告与台账已不是最新。"
            "请经办人重新生成后再签字。"
        )
    for label, field, expected in (
        ("整改报告", submission.docx, submission.docx_sha256),
        ("整改台账", submission.xlsx, submission.xlsx_sha256),
    ):
        if file_sha256(field) != expected:
            raise AcceptanceError(f"{label}文件与生成时不一致，不能签字。请经办人重新生成。")
    submission.signed_by_name = name
    submission.signed_at = at
    seal = seal_of(submission)
    MACHINE.move(
        submission,
        "sign",
        values={"signed_by": actor, "signed_by_name": name, "signed_at": at, "seal": seal},
        where={"ledger_hash": submission.ledger_hash},
        detail={
            "signed_at": at,
            "signed_by": name,
            "docx_sha256": submission.docx_sha256,
            "xlsx_sha256": submission.xlsx_sha256,
            "ledger_hash": submission.ledger_hash,
            "entries": submission.entry_count,
            "seal": seal,
            "confirmed_with": confirmed_with or None,
        },
        at=at,
    )
    return submission


# --- the sealed scan (待审核) ---------------------------------------------------------------
def upload_scan(*, actor: User, submission: FinalSubmission, upload: File[bytes]) -> SealedScan:
    """Store the sealed, signed scan under a generated name; raises ValidationError
    ({"file": message}) when the file is refused (nothing is saved)."""
    township = submission.township
    _require_township(actor, township, OFFICERS, "上传盖章扫描件")
    submission.refresh_from_db()
    ensure_writable(submission.campaign_id)
    if submission.status in (Status.ACCEPTED, Status.REOPENED):
        raise AcceptanceError(
            f"该总结验收材料已“{submission.get_status_display()}”，不能再上传盖章扫描件。"
            "验收后如需更正，须市住建局重新打开，乡镇重新生成、签字后再上传。"
        )
    if submission.status not in (Status.SIGNED, Status.AWAITING_REVIEW):
        raise AcceptanceError(
            f"该总结验收材料当前为“{submission.get_status_display()}”，"
            "须乡镇主要负责人签字后、市住建局审核前上传盖章扫描件。"
        )
    try:
        checked = scan.check(upload)
    except UploadError as exc:
        raise ValidationError({"file": str(exc)}) from None
    return _store_scan(submission, checked, actor=actor, name=_name(actor))


def _store_scan(
    submission: FinalSubmission,
    checked: Checked,
    *,
    actor: User | None,
    name: str,
    at: dt.datetime | None = None,
) -> SealedScan:
    """``at`` is the server clock (the demo passes earlier server times for its history)."""
    item = SealedScan(
        submission=submission,
        township=submission.township,
        uploaded_by=actor,
        uploaded_by_name=name,
        uploaded_at=at or cal.server_now(),
    )
    item.keep(checked)
    try:
        with transaction.atomic():
            moved = FinalSubmission.objects.filter(
                pk=submission.pk, status__in=[Status.SIGNED, Status.AWAITING_REVIEW]
            ).update(status=Status.AWAITING_REVIEW)
            if not moved:
                raise AcceptanceError(STALE)
            item.save()
    except Exception:
        if item.file.name:
            item.file.storage.delete(item.file.name)
        raise
    submission.refresh_from_db()
    remind(
        users_of(submission.township.parent, [Role.CITY_REVIEWER]),
        kind="final_review",
        title=f"{submission.township.name}已报送签字盖章的整改报告和整改台账，待审核",
        url=reverse("acceptance:detail", args=[submission.pk]),
        key=f"acceptance:review:{submission.pk}",
    )
    return item


# --- review (已通过 / 已退回) ----------------------------------------------------------------
def accept(*, actor: User, submission: FinalSubmission) -> FinalSubmission:
    _require_reviewer(actor, submission.township, "审核通过总结验收材料")
    return _accept(submission=submission, actor=actor, at=cal.server_now())


def _accept(*, submission: FinalSubmission, actor: User | None, at: dt.datetime) -> FinalSubmission:
    MACHINE.check(submission, "accept")
    MACHINE.move(
        submission,
        "accept",
        values=by("reviewed", actor, at),
        detail={"reviewed_at": at, "seal": submission.seal},
        at=at,
    )
    return submission


def return_submission(*, actor: User, submission: FinalSubmission, reason: str) -> FinalSubmission:
    """Return with a reason (ValidationError {"reason": …} without one)."""
    _require_reviewer(actor, submission.township, "退回总结验收材料")
    return _return(submission=submission, actor=actor, reason=reason, at=cal.server_now())


def _return(
    *, submission: FinalSubmission, actor: User | None, reason: str, at: dt.datetime
) -> FinalSubmission:
    t = MACHINE.check(submission, "return")
    if errors := t.reason_errors(reason):
        raise ValidationError(errors)
    reason = (reason or "").strip()
    MACHINE.move(
        submission,
        "return",
        values={**by("reviewed", actor, at), "return_reason": reason},
        detail={"reason": reason, "reviewed_at": at},
        at=at,
    )
    remind(
        users_of(submission.township, [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD]),
        kind="final_returned",
        title=f"总结验收材料被市住建局退回：{reason}（请修改后重新生成、签字并上传）",
        url=reverse("acceptance:detail", args=[submission.pk]),
        key=f"acceptance:returned:{submission.pk}",
        level="warning",
    )
    return submission


# --- reopen after acceptance (已重新打开) ------------------------------------------------------
def reopen(*, actor: User, submission: FinalSubmission, reason: str) -> FinalSubmission:
    """The city reopens an accepted submission with a reason (ValidationError {"reason": …}
    without one). It keeps its signature, files and hashes as history; the township
    prepares a new one (``resubmission_of`` points here) for its head to sign again."""
    _require_reviewer(actor, submission.township, "重新打开总结验收材料")
    return _reopen(submission=submission, actor=actor, reason=reason, at=cal.server_now())


def _reopen(
    *, submission: FinalSubmission, actor: User | None, reason: str, at: dt.datetime
) -> FinalSubmission:
    t = MACHINE.check(submission, "reopen")
    if errors := t.reason_errors(reason):
        raise ValidationError(errors)
    reason = (reason or "").strip()
    diff = changes_after_signing(submission)
    MACHINE.move(
        submission,
        "reopen",
        values={**by("reopened", actor, at), "reopen_reason": reason},
        detail={
            "reason": reason,
            "reopened_at": at,
            "accepted_at": submission.reviewed_at,
            "signed_by": submission.signed_by_name,
            "signed_at": submission.signed_at,
            "seal": submission.seal,
            "ledger_hash": submission.ledger_hash,
            "changed_after_signing": diff["total"] if diff else 0,
        },
        at=at,
    )
    remind(
        users_of(submission.township, [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD]),
        kind="final_reopened",
        title=f"市住建局重新打开了已通过的总结验收材料：{reason}（请重新生成、签字并上传）",
        url=reverse("acceptance:index"),
        key=f"acceptance:reopened:{submission.pk}",
        level="warning",
    )
    return submission


# --- changed after signing ----------------------------------------------------------------
def changes_after_signing(
    submission: FinalSubmission, *, current: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The ledger's differences since signing (``ledger.compare``), or None when the signed
    ledger is still the township's ledger (or the submission is not signed, or returned or
    reopened: a newer one answers for the ledger).
    The first time a difference is seen it is audited, exactly once."""
    if not submission.is_signed or submission.status in CLOSED_STATES:
        return None
    if current is None:
        current = ledger.current_entries(submission.campaign, submission.township)
    now_hash = content_hash(current)
    if now_hash == submission.ledger_hash:
        return None
    diff = ledger.compare(submission.snapshot, current)
    if submission.changed_noticed_at is None:
        _notice(submission, now_hash, diff)
    return diff


def _notice(submission: FinalSubmission, now_hash: str, diff: dict[str, Any]) -> None:
    at = cal.server_now()
    with transaction.atomic():
        first = FinalSubmission.objects.filter(
            pk=submission.pk, changed_noticed_at__isnull=True
        ).update(changed_noticed_at=at)
        if first:
            record(
                Event.UPDATE,
                obj=submission,
                detail={
                    "changed_after_signing": True,
                    "signed_ledger_hash": submission.ledger_hash,
                    "current_ledger_hash": now_hash,
                    "added": len(diff["added"]),
                    "removed": len(diff["removed"]),
                    "changed": len(diff["changed"]),
                },
            )
    submission.changed_noticed_at = submission.changed_noticed_at or at
