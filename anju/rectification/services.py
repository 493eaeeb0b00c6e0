"""Use cases of the ledger: write and edit an entry, handle drafts, note progress, attach
evidence. Each is keyword-only and one transaction; every change is audited.

Validation follows the seed's 备注: 完成时限 is a real day within the campaign, 整改措施 is
not empty (for entries on the ledger), 责任单位 is the township's government.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignObjectRel, ProtectedError
from django.utils import timezone

from anju.accounts.roles import Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable
from anju.core.uploads import Checked
from anju.rectification.models import (
    PROBLEM_TYPE,
    EntryTransition,
    Evidence,
    LedgerEntry,
    Nature,
    ProgressNote,
    Source,
    State,
)
from anju.rectification.workflow import apply, next_number

if TYPE_CHECKING:
    from django.core.files import File

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.registry.models import Household
    from anju.screening.models import Finding
    from anju.units.models import Unit

# Who writes what (the pages and the API use the same sets).
WRITERS = frozenset({Role.TOWNSHIP_OFFICER})
NOTE_WRITERS = frozenset({Role.TOWNSHIP_OFFICER, Role.VILLAGE_WORKER})
EDITABLE_FIELDS = (
    "nature",
    "aspect",
    "description",
    "measures",
    "deadline",
    "responsible_leader",
    "cause",
    "village",
    "cross_period",
    "cross_reason",
)
NOTE_MAX = 1000
# A 跨期 deadline lies after the round's end, at most this long after it.
CROSS_MAX = dt.timedelta(days=366)


def validate(
    *,
    campaign: Campaign,
    nature: str,
    description: str,
    measures: str,
    deadline: dt.date | None,
    draft: bool,
    today: dt.date,
    check_past: bool = True,
    cross_period: bool = False,
    cross_reason: str = "",
) -> dict[str, str]:
    """Field → Chinese message for each problem (empty when the entry may be saved).

    ``check_past`` False keeps an unchanged deadline that has since passed (an overdue
    entry can still be edited; the traffic light shows it is overdue). ``cross_period``
    (跨期) allows a deadline after the round's end — up to a year after it — with a reason."""
    errors: dict[str, str] = {}
    if nature not in Nature.values:
        errors["nature"] = "问题性质应为“共性问题”或“个性问题”。"
    if not description.strip():
        errors["description"] = "请填写问题表述。"
    if not draft:
        if not measures.strip():
            errors["measures"] = "请填写整改措施：写明做什么、对谁、何时完成。"
        if deadline is None:
            errors["deadline"] = "请填写完成时限（精确到日）。"
    if deadline is not None:
        if not isinstance(deadline, dt.date):
            errors["deadline"] = "完成时限应为一个具体日期，如 2022-06-15。"
        elif check_past and deadline < today:
            errors["deadline"] = f"完成时限 {deadline:%Y-%m-%d} 早于今天，请填写今后的日期。"
        elif deadline > campaign.ends_on and cross_period:
            latest = campaign.ends_on + CROSS_MAX
            if deadline > latest:
                errors["deadline"] = (
                    f"跨期整改的完成时限 {deadline:%Y-%m-%d} 过晚：最晚为本轮结束后一年"
                    f"（{latest:%Y-%m-%d}）。"
                )
        elif not (campaign.starts_on <= deadline <= campaign.ends_on):
            errors["deadline"] = (
                f"完成时限 {deadline:%Y-%m-%d} 不在本轮“回头看”期间"
                f"（{campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}）。"
            )
            if deadline > campaign.ends_on:
                errors["deadline"] += (
                    "确需跨期完成的（如D级危房拆除重建），请勾选“跨期整改”并写明原因。"
                )
    if cross_period:
        if not (cross_reason or "").strip():
            errors["cross_reason"] = "请写明跨期原因：为什么不能在本轮期间内完成。"
        if isinstance(deadline, dt.date) and deadline <= campaign.ends_on:
            errors.setdefault(
                "cross_period",
                f"完成时限在本轮期间内，无需标记跨期；跨期整改的完成时限应晚于本轮结束"
                f"（{campaign.ends_on:%Y-%m-%d}）。",
            )
    return errors


def transition(
    *, actor: User, entry: LedgerEntry, name: str, reason: str = "", expected: str | None = None
) -> LedgerEntry:
    """Take the workflow's transition ``name`` (``workflow.apply``); accepting a draft onto
    the ledger requires it to be complete by ``validate``."""
    return apply(entry, name, actor=actor, reason=reason, expected=expected, validate=validate)


def _village_of(village: Unit | None, households: list[Household]) -> Unit | None:
    """The entry's village: the one chosen, else the village all its households share
    (so the village's worker sees it); a problem across villages has none."""
    if village is not None or not households:
        return village
    villages = {h.village_id: h.village for h in households}
    return next(iter(villages.values())) if len(villages) == 1 else None


def _link_record(
    entry: LedgerEntry,
    *,
    households: Iterable[Household] | None = None,
    findings: Iterable[Finding] | None = None,
) -> None:
    """Links (many-to-many) are not covered by AuditedModel.save: record them."""
    detail: dict[str, list[int]] = {}
    if households is not None:
        detail["households"] = sorted(h.pk for h in households)
    if findings is not None:
        detail["findings"] = sorted(f.pk for f in findings)
    if detail:
        record(Event.UPDATE, obj=entry, detail={"links": detail})


def create_entry(
    *,
    actor: User,
    campaign: Campaign,
    township: Unit,
    village: Unit | None = None,
    nature: str,
    description: str,
    measures: str = "",
    deadline: dt.date | None = None,
    source: str = Source.SELF,
    aspect: str = "",
    responsible_leader: str = "",
    cause: str = "",
    households: Iterable[Household] = (),
    findings: Iterable[Finding] = (),
    draft: bool = False,
    today: dt.date | None = None,
    cross_period: bool = False,
    cross_reason: str = "",
) -> LedgerEntry:
    """A new entry, numbered next in its township's ledger (a draft gets its number when
    it is accepted onto the ledger); raises ValidationError with field messages."""
    ensure_writable(campaign)
    errors = validate(
        campaign=campaign,
        nature=nature,
        description=description,
        measures=measures,
        deadline=deadline,
        draft=draft,
        today=today or timezone.localdate(),
        cross_period=cross_period,
        cross_reason=cross_reason,
    )
    if errors:
        raise ValidationError(errors)
    linked, found = list(households), list(findings)
    with transaction.atomic():
        entry = LedgerEntry(
            campaign=campaign,
            township=township,
            village=_village_of(village, linked),
            problem_type=PROBLEM_TYPE,
            nature=nature,
            aspect=aspect,
            description=description.strip(),
            measures=measures.strip(),
            deadline=deadline,
            responsible_unit=township.government_name,
            responsible_leader=responsible_leader.strip(),
            cause=cause.strip(),
            cross_period=cross_period,
            cross_reason=cross_reason.strip() if cross_period else "",
            source=source,
            state=State.DRAFT if draft else State.PENDING,
            created_by=actor,
        )
        if not draft:
            # 序号 is the next in the township; the row lock of SQLite's IMMEDIATE
            # transaction / the unique constraint on PostgreSQL keep it unique.
            _save_numbered(entry)
        else:
            entry.save()
        if linked:
            entry.households.set(linked)
        if found:
            entry.findings.set(found)
        if linked or found:
            _link_record(entry, households=linked or None, findings=found or None)
    return entry


def _save_numbered(entry: LedgerEntry) -> None:
    from django.db import IntegrityError

    for attempt in range(5):
        entry.number = next_number(entry)
        try:
            with transaction.atomic():
                entry.save()
            return
        except IntegrityError:
            entry.pk = None
            entry._state.adding = True
            if attempt == 4:
                raise


def update_entry(
    *,
    actor: User,
    entry: LedgerEntry,
    data: dict[str, Any],
    households: Iterable[Household] | None = None,
    today: dt.date | None = None,
) -> LedgerEntry:
    """Change the text of an entry still being worked on (待整改/整改中, or a draft).

    ``data`` holds any of EDITABLE_FIELDS; ``households`` (when given) replaces the links.
    Raises ValidationError with field messages; nothing is saved then."""
    entry.refresh_from_db()
    ensure_writable(entry.campaign_id)
    if not entry.is_editable:
        raise ValidationError(
            f"该条目已“{entry.get_state_display()}”，不能再修改。如需修改，请核验人先退回。"
        )
    merged = {name: data.get(name, getattr(entry, name)) for name in EDITABLE_FIELDS}
    changed_deadline = merged["deadline"] != entry.deadline
    errors = validate(
        campaign=entry.campaign,
        nature=merged["nature"],
        description=merged["description"] or "",
        measures=merged["measures"] or "",
        deadline=merged["deadline"],
        draft=entry.state == State.DRAFT,
        today=today or timezone.localdate(),
        check_past=changed_deadline,
        cross_period=bool(merged["cross_period"]),
        cross_reason=merged["cross_reason"] or "",
    )
    if errors:
        raise ValidationError(errors)
    linked = list(households) if households is not None else None
    if linked is not None:
        merged["village"] = _village_of(merged["village"], linked)
    with transaction.atomic():
        for name, value in merged.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        entry.save()
        if linked is not None:
            before = set(entry.households.values_list("pk", flat=True))
            if before != {h.pk for h in linked}:
                entry.households.set(linked)
                _link_record(entry, households=linked)
    return entry


def discard_draft(*, actor: User, entry: LedgerEntry) -> None:
    """Drop a draft that is not a real problem (the audit log keeps what it said)."""
    entry.refresh_from_db()
    ensure_writable(entry.campaign_id)
    if entry.state != State.DRAFT:
        raise ValidationError("只有草稿可以放弃；已纳入台账的条目请按流程整改销号。")
    if entry.findings.exists():
        raise ValidationError(
            "该草稿来自已确认的筛查问题，不能直接放弃：请纳入台账，或并入已有条目。"
        )
    try:
        with transaction.atomic():
            entry.delete()
    except ProtectedError:
        raise ValidationError(
            "该草稿已被抽查记录引用，不能放弃：请纳入台账，或并入已有条目。"
        ) from None


def join_draft(*, actor: User, draft: LedgerEntry, into: LedgerEntry) -> LedgerEntry:
    """Merge a draft's households and findings into an entry already on the ledger (the
    same problem found again: a 共性问题 links many households)."""
    draft.refresh_from_db()
    into.refresh_from_db()
    ensure_writable(draft.campaign_id)
    ensure_writable(into.campaign_id)
    if draft.state != State.DRAFT:
        raise ValidationError("只有草稿可以并入其他条目。")
    if into.township_id != draft.township_id or into.campaign_id != draft.campaign_id:
        raise ValidationError("只能并入本乡镇本轮台账中的条目。")
    if into.state not in (State.PENDING, State.IN_PROGRESS):
        raise ValidationError(
            f"{into.label}已“{into.get_state_display()}”，只能并入待整改或整改中的条目。"
        )
    with transaction.atomic():
        households = [*into.households.all(), *draft.households.all()]
        findings = [*into.findings.all(), *draft.findings.all()]
        into.households.set(households)
        into.findings.set(findings)
        if len({h.pk for h in households}) > 1 and into.nature != Nature.COMMON:
            into.nature = Nature.COMMON
            into.village = into.village if _one_village(households) else None
            into.save()
        _link_record(into, households=households, findings=findings)
        moved = _move_dependants(draft, into)
        if moved:
            record(Event.UPDATE, obj=into, detail={"merged_draft": draft.pk, "moved": moved})
        draft.findings.clear()
        draft.delete()
    return into


def _move_dependants(draft: LedgerEntry, into: LedgerEntry) -> dict[str, int]:
    """Rows that point at the draft (its notes and evidence, a house visit's problem…)
    follow it into the entry it is merged with, instead of being deleted with it."""
    moved: dict[str, int] = {}
    for rel in LedgerEntry._meta.get_fields(include_hidden=True):
        # the reverse side of a foreign key to the entry (auto-created, one entry to many)
        if not (isinstance(rel, ForeignObjectRel) and rel.auto_created and rel.one_to_many):
            continue
        model = rel.related_model
        if model is EntryTransition or model._meta.auto_created:
            continue  # the history stays with the draft; links were merged above
        n = model._base_manager.filter(**{rel.field.name: draft}).update(**{rel.field.name: into})
        if n:
            moved[model._meta.label_lower] = n
    return moved


def _one_village(households: Iterable[Household]) -> bool:
    return len({h.village_id for h in households}) <= 1


def add_note(
    *, actor: User, entry: LedgerEntry, text: str, on: dt.date | None = None
) -> ProgressNote:
    """A dated progress note (today or earlier, not before the round began); none on a
    closed entry."""
    ensure_writable(entry.campaign_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写进展情况。"})
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": f"进展情况不能超过 {NOTE_MAX} 字。"})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": f"进展日期 {on:%Y-%m-%d} 晚于今天，请填写已发生的日期。"})
    if on < entry.campaign.starts_on:
        raise ValidationError(
            {
                "on": f"进展日期 {on:%Y-%m-%d} 早于本轮“回头看”开始（{entry.campaign.starts_on:%Y-%m-%d}）。"
            }
        )
    if entry.state == State.CLOSED:
        raise ValidationError({"text": f"{entry.label}已销号，不能再添加进展。"})
    return ProgressNote.objects.create(entry=entry, text=text, on=on, author=actor)


def add_evidence(
    *,
    actor: User,
    entry: LedgerEntry,
    upload: File[bytes],
    content_type: str,
    note: str = "",
    original_name: str | None = None,
    taken_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Evidence:
    """Store an upload whose content has already been checked (``evidence.check``)."""
    data = upload.read()
    upload.seek(0)
    checked = Checked(
        name=(original_name or upload.name or "")[:200],
        content=data,
        content_type=content_type,
        extension="",
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )
    return store_checked_evidence(actor=actor, entry=entry, checked=checked, note=note)


def store_checked_evidence(
    *, actor: User, entry: LedgerEntry, checked: Checked, note: str = ""
) -> Evidence:
    """Store the bytes ``evidence.check`` returned (images re-encoded, no EXIF kept in the
    file; the photo's time and place are kept as fields)."""
    ensure_writable(entry.campaign_id)
    if entry.state == State.CLOSED:
        raise ValidationError({"file": f"{entry.label}已销号，不能再上传佐证。"})
    item = Evidence(entry=entry, note=note.strip()[:200], uploaded_by=actor)
    item.keep(checked)
    try:
        with transaction.atomic():
            item.save()
    except Exception:
        if item.file.name:
            item.file.storage.delete(item.file.name)
        raise
    return item
