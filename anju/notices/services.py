"""Use cases of notices: draft from proposals, edit, add or drop a township, issue, discard.
Keyword-only, one transaction each, every change audited (``AuditedModel``); issuing also
writes an explicit audit record with the document's SHA-256.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.roles import Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable
from anju.documents import offices, reports
from anju.documents.pi_guard import PersonalDataInDocument, find_pi
from anju.notices import proposals as rules
from anju.notices.models import Kind, Notice, NoticeUnit

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.units.models import Unit


class NoticeError(Exception):
    """A use case refused, with the reason in Chinese."""


CRITICISM_REQUIREMENT = (
    "被通报批评的乡镇（街道）要深刻剖析原因，立即整改，于5个工作日内将整改情况书面报{bureau}。"
)
GENERAL_REQUIREMENT = (
    "各乡镇（街道）要严格落实周报告制度，按时报送整改台账，确保排查全面、整改真实，对敷衍整改、"
    "弄虚作假的，将按照有关程序严肃追责问责。"
)
PRAISE_REQUIREMENT = "被通报表扬的乡镇（街道）要总结经验，持续巩固整改成果。"


def defaults(campaign: Campaign, *, praise: bool = True, criticism: bool = True) -> dict[str, str]:
    """A new notice's fields, written from the round (the reviewer edits them)."""
    county = offices.county_name(campaign)
    basis = f"《{campaign.name}实施方案》" + (
        f"（{campaign.document_number}）" if campaign.document_number else ""
    )
    return {
        "title": f"关于{county}农村危房改造“回头看”工作进展情况的通报",
        "issuer": offices.bureau(campaign),
        "recipients": "各乡镇人民政府、街道办事处",
        "copies_to": offices.superior(campaign),
        "introduction": (
            f"按照{basis}要求，{offices.short(campaign)}对各乡镇（街道）农村危房改造“回头看”排查整改工作进行了"
            "跟踪督导，对周报告制度落实、整改台账推进和问题整改真实性进行了检查和抽查。"
            "现将有关情况通报如下。"
        ),
        "requirements": "\n".join(
            ([CRITICISM_REQUIREMENT.format(bureau=offices.short(campaign))] if criticism else [])
            + [GENERAL_REQUIREMENT]
            + ([PRAISE_REQUIREMENT] if praise else [])
        ),
    }


def _require_reviewer(actor: User) -> None:
    if actor.role != Role.CITY_REVIEWER:
        raise NoticeError("只有市住建局审核员可以起草和印发通报。")


def _require_draft(notice: Notice) -> None:
    ensure_writable(notice.campaign_id)
    if not notice.is_draft:
        raise NoticeError("该通报已印发，不能再修改。")


def _check_text(label: str, text: str) -> str | None:
    """The Chinese message when ``text`` holds personal data (else None)."""
    found = find_pi(text or "")
    if found:
        return f"{label}中含有{'、'.join(found)}，通报中不得出现个人敏感信息，请删除。"
    return None


def create_draft(*, actor: User, campaign: Campaign, picks: list[tuple[str, str]]) -> Notice:
    """A draft naming the picked townships ((township code, kind) pairs) with the facts and
    evidence the proposals give them now."""
    _require_reviewer(actor)
    if not picks:
        raise NoticeError("请至少选择一个乡镇。")
    ensure_writable(campaign)
    current = rules.compute(campaign)
    by_code = current.by_code()
    with transaction.atomic():
        kinds = {kind for _, kind in picks}
        notice = Notice.objects.create(
            campaign=campaign,
            created_by=actor,
            **defaults(campaign, praise=Kind.PRAISE in kinds, criticism=Kind.CRITICISM in kinds),
        )
        for position, (code, kind) in enumerate(picks):
            proposal = by_code.get(code)
            if proposal is None or proposal.kind != kind:
                raise NoticeError(
                    f"乡镇代码 {code} 目前不在{Kind(kind).label}建议名单中，请刷新页面后重选。"
                )
            NoticeUnit.objects.create(
                notice=notice,
                township=proposal.township,
                kind=kind,
                facts=proposal.facts,
                evidence=proposal.evidence(current.computed_at),
                position=position,
            )
    return notice


def add_unit(*, actor: User, notice: Notice, township: Unit, kind: str) -> NoticeUnit:
    """Name one more township (proposed or not); its facts start from the proposal, if any."""
    _require_reviewer(actor)
    _require_draft(notice)
    if kind not in Kind.values:
        raise NoticeError("请选择通报表扬或通报批评。")
    if township.parent_id != notice.campaign.county_id:
        raise NoticeError("只能通报本县（市）的乡镇。")
    if notice.units.filter(township=township).exists():
        raise NoticeError(f"{township.name}已在本通报中。")
    current = rules.compute(notice.campaign)
    proposal = current.by_code().get(township.code)
    with transaction.atomic():
        return NoticeUnit.objects.create(
            notice=notice,
            township=township,
            kind=kind,
            facts=proposal.facts if proposal is not None and proposal.kind == kind else "",
            evidence=proposal.evidence(current.computed_at) if proposal else {},
            position=notice.units.count(),
        )


def save_draft(
    *, actor: User, notice: Notice, data: dict[str, Any], units: list[dict[str, Any]]
) -> Notice:
    """Save the reviewer's edits: ``data`` the notice's fields, ``units`` one dict per named
    township (pk, kind, facts, delete). Raises ValidationError (field → message)."""
    _require_reviewer(actor)
    _require_draft(notice)
    errors: dict[str, str] = {}
    for name, label in (("title", "标题"), ("introduction", "导语"), ("requirements", "有关要求")):
        if message := _check_text(label, data.get(name, "")):
            errors[name] = message
    if len([x for x in (data.get("requirements") or "").splitlines() if x.strip()]) > 10:
        errors.setdefault("requirements", "有关要求最多写 10 条（每行一条）。")
    current = {u.pk: u for u in notice.units.select_related("township")}
    kept = 0
    for row in units:
        unit = current.get(row["pk"])
        if unit is None or row.get("delete"):
            continue
        kept += 1
        label = f"{unit.township.name}的通报事实"
        if not (row.get("facts") or "").strip():
            errors[f"unit-{unit.pk}"] = f"请填写{label}，或勾选“移出本通报”。"
        elif message := _check_text(label, row["facts"]):
            errors[f"unit-{unit.pk}"] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in data.items():
            setattr(notice, name, value)
        notice.save()
        for row in units:
            unit = current.get(row["pk"])
            if unit is None:
                continue
            if row.get("delete"):
                unit.delete()
                continue
            unit.kind = row["kind"] if row.get("kind") in Kind.values else unit.kind
            unit.facts = row["facts"].strip()
            unit.save()
    return notice


def document_data(notice: Notice) -> reports.Notice:
    """The notice as the document builder takes it (praise first, then criticism)."""
    units = list(notice.units.select_related("township").order_by("position", "township__code"))

    def items(kind: str) -> list[reports.NoticeItem]:
        return [
            reports.NoticeItem(unit=u.township.name, facts=u.fact_lines)
            for u in units
            if u.kind == kind
        ]

    return reports.Notice(
        title=notice.title,
        document_number=notice.document_number,
        issuer=notice.issuer,
        recipients=notice.recipients,
        introduction=notice.introduction,
        praised=items(Kind.PRAISE),
        criticized=items(Kind.CRITICISM),
        requirements=notice.requirement_lines,
        day=notice.day,
        copies_to=notice.copies_to_list,
    )


def preview_sections(data: reports.Notice) -> list[dict[str, Any]]:
    """The document's sections as the builder numbers them, for the HTML preview."""
    return [
        {"heading": heading, "paragraphs": paragraphs}
        for heading, paragraphs in reports.notice_sections(data)
    ]


def render(notice: Notice) -> bytes:
    """The .docx of the notice as it stands (a draft's preview, or the issued file)."""
    if not notice.is_draft and notice.document:
        return bytes(notice.document)
    try:
        return reports.notice(document_data(notice))
    except PersonalDataInDocument as exc:
        raise NoticeError(str(exc)) from None


def problems(notice: Notice) -> list[str]:
    """What stops the notice from being issued, in Chinese (empty when it may be issued)."""
    found: list[str] = []
    if not notice.document_number.strip():
        found.append("请先填写发文字号，再印发。")
    units = list(notice.units.select_related("township"))
    if not units:
        found.append("通报中还没有乡镇，请至少保留一个乡镇再印发。")
    empty = [u.township.name for u in units if not u.fact_lines]
    if empty:
        found.append(f"{'、'.join(empty)}的通报事实为空，请补充后再印发。")
    texts = [
        ("标题", notice.title),
        ("导语", notice.introduction),
        ("有关要求", notice.requirements),
        ("抄送机关", notice.copies_to),
    ]
    texts += [(f"{u.township.name}的通报事实", u.facts) for u in units]
    for label, text in texts:
        if message := _check_text(label, text):
            found.append(message)
    if len(notice.requirement_lines) > 10:
        found.append("有关要求最多写 10 条（每行一条）。")
    return found


def issue(*, actor: User, notice: Notice) -> Notice:
    """Render, store and freeze the notice. Refuses a notice without a 文号, without a named
    township, with empty facts or with personal data."""
    _require_reviewer(actor)
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        _require_draft(notice)
        units = list(notice.units.select_related("township"))
        if found := problems(notice):
            raise NoticeError(found[0])
        if Notice.objects.issued().filter(document_number=notice.document_number).exists():
            raise NoticeError(f"发文字号 {notice.document_number} 已被另一份通报使用，请核对。")
        notice.day = notice.day or timezone.localdate()
        data = render(notice)
        now = timezone.now()
        current = rules.compute(notice.campaign, now=now)
        by_code = current.by_code()
        notice.evidence = {
            "computed_at": now.isoformat(),
            "rules": current.rules,
            "units": {
                u.township.code: {
                    "kind": u.kind,
                    "facts": u.fact_lines,
                    "when_picked": u.evidence,
                    "at_issue": (
                        by_code[u.township.code].evidence(now)
                        if u.township.code in by_code
                        else None
                    ),
                }
                for u in units
            },
        }
        notice.document = data
        notice.document_sha256 = hashlib.sha256(data).hexdigest()
        notice.status = Notice.Status.ISSUED
        notice.issued_by = actor
        notice.issued_by_name = actor.full_name or actor.username
        notice.issued_at = now
        try:
            with transaction.atomic():
                notice.save()
        except IntegrityError:
            raise NoticeError(
                f"发文字号 {notice.document_number} 已被另一份通报使用，请核对。"
            ) from None
        record(
            Event.SUBMIT,
            obj=notice,
            detail={
                "action": "issue_notice",
                "document_number": notice.document_number,
                "sha256": notice.document_sha256,
                "townships": {u.township.code: u.kind for u in units},
            },
        )
    return notice


def discard(*, actor: User, notice: Notice) -> None:
    """Drop a draft notice (an issued one is kept)."""
    _require_reviewer(actor)
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        _require_draft(notice)
        for unit in notice.units.all():
            unit.delete()
        notice.delete()
