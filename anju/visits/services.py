"""Use cases of house visits (keyword-only, one transaction each).

Who does what (DESIGN.md §2):

- 村级信息员 records visits to the in-scope households of their village (on the phone, or
  keys in a paper form afterwards); 乡镇经办人 may key in paper forms for the township.
- 乡镇经办人 reviews what visits found: accepts or rejects each registry correction, accepts
  each problem onto the ledger (with 整改措施 and 完成时限) or leaves it off with a reason,
  checks flagged visits, and explains in-scope households that could not be visited.
- 乡镇主要负责人 and the city read (coverage, visits); they change nothing here.

Every row is an ``AuditedModel``; an accepted correction changes the registry through the
ORM (audited old → new) and sends ``households_changed`` once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Field, QuerySet
from django.urls import reverse
from django.utils import timezone

from anju.accounts.roles import Role
from anju.audit.events import Event
from anju.audit.models import jsonable
from anju.audit.services import record
from anju.campaigns.guard import ensure_writable
from anju.campaigns.models import Campaign
from anju.core import reminders
from anju.core import uploads as file_checks
from anju.rectification import services as ledger
from anju.rectification import workflow
from anju.rectification.models import OPEN_STATES, Nature, Source, State
from anju.registry.models import Household, Renovation
from anju.registry.signals import households_changed
from anju.visits import checklist
from anju.visits.models import (
    TIMED_KINDS,
    Correction,
    Decision,
    EntryMode,
    ProblemStatus,
    UnvisitedReason,
    Visit,
    VisitPhoto,
    VisitProblem,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User
    from anju.rectification.models import LedgerEntry

RECORDERS = frozenset({Role.VILLAGE_WORKER, Role.TOWNSHIP_OFFICER})
REVIEWERS = frozenset({Role.TOWNSHIP_OFFICER})
MAX_PHOTOS = 12


class VisitRefused(Exception):
    """The visit cannot be recorded; ``errors`` maps form fields to Chinese messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class DecisionError(Exception):
    """A review decision that cannot be taken now; the message is shown as is."""


def can_record(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in RECORDERS


def can_review(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in REVIEWERS


def far_metres(campaign: Campaign) -> int:
    """How far from the house a visit's GPS may be before it is flagged (campaign parameter
    ``rule_params["visits"]["far_m"]``, else the ``VISIT_FAR_METRES`` setting, else 500 m)."""
    own = (campaign.rule_params or {}).get("visits") or {}
    return int(own.get("far_m") or settings.VISIT_FAR_METRES)


def in_scope(household: Household, *, campaign: Campaign) -> bool:
    qs: QuerySet[Household] = Household.objects.filter(pk=household.pk).in_campaign_scope(
        all_groups=campaign.scope_all_groups
    )
    return qs.exists()


def _date_error(campaign: Campaign, visited_on: dt.date, today: dt.date) -> str | None:
    if visited_on > today:
        return f"走访日期 {visited_on:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），不能预先登记走访。"
    if visited_on < campaign.starts_on:
        return (
            f"走访日期 {visited_on:%Y-%m-%d} 早于本轮“回头看”开始日期"
            f"（{campaign.starts_on:%Y-%m-%d}），不能计入本轮排查。"
        )
    if visited_on > campaign.ends_on:
        return (
            f"走访日期 {visited_on:%Y-%m-%d} 晚于本轮“回头看”结束日期"
            f"（{campaign.ends_on:%Y-%m-%d}）。"
        )
    return None


# --- recording a visit --------------------------------------------------------------------------
@dataclass
class VisitData:
    visitor_name: str
    visitor_role: str
    visited_on: dt.date
    answers: dict[str, dict[str, Any]]  # {question code: {"answer": 是/否/不适用, "note": …}}
    mode: str = EntryMode.PHONE
    plaque_grade_seen: str = ""
    subsidy_received_on: dt.date | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy: int | None = None
    note: str = ""


@dataclass(frozen=True)
class PhotoUpload:
    kind: str
    photo: file_checks.Photo
    original_name: str


@dataclass
class Recorded:
    visit: Visit
    merged: bool
    corrections: list[Correction] = field(default_factory=list)
    problems: list[VisitProblem] = field(default_factory=list)


def record_visit(
    *,
    user: User,
    household: Household,
    data: VisitData,
    uploads: Sequence[PhotoUpload] = (),
    campaign: Campaign | None = None,
    today: dt.date | None = None,
) -> Recorded:
    """Record (or merge into today's) visit of ``user`` to ``household``; raise VisitRefused."""
    if not can_record(user):
        raise PermissionDenied("无权登记入户排查")
    today = today or timezone.localdate()
    if len(uploads) > MAX_PHOTOS:
        raise VisitRefused({"photos": f"每次最多上传 {MAX_PHOTOS} 张照片。"})
    stored: list[str] = []
    try:
        for attempt in range(2):
            try:
                with transaction.atomic():
                    return _record(user, household, data, uploads, campaign, today, stored)
            except IntegrityError:  # the same person saved the same visit at the same moment
                for name in stored:
                    default_storage.delete(name)
                stored.clear()
                if attempt:
                    raise
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    raise AssertionError("unreachable")


def _record(
    user: User,
    household: Household,
    data: VisitData,
    uploads: Sequence[PhotoUpload],
    campaign: Campaign | None,
    today: dt.date,
    stored: list[str],
) -> Recorded:
    current = (
        Household.objects.for_user(user)
        .select_for_update(of=("self",))
        .filter(pk=household.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied("该农户不在您的管辖范围内")
    campaign = campaign or Campaign.objects.current(county=current.township)
    if campaign is None:
        raise VisitRefused({"__all__": "本县尚无“回头看”轮次，入户排查无处登记。"})
    ensure_writable(campaign)
    errors = {}
    if not in_scope(current, campaign=campaign):
        errors["__all__"] = (
            "该户不在本轮“回头看”排查范围内（脱贫户享受政策或监测对象），无需入户排查。"
        )
    if problem := _date_error(campaign, data.visited_on, today):
        errors["visited_on"] = problem
    if errors:
        raise VisitRefused(errors)
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, household=current, visitor=user, visited_on=data.visited_on)
        .first()
    )
    merged = visit is not None
    if visit is None:
        visit = Visit(
            campaign=campaign, household=current, visitor=user, visited_on=data.visited_on
        )
    else:
        visit.merge_count += 1
    visit.visitor_name = data.visitor_name.strip()
    visit.visitor_role = data.visitor_role
    visit.mode = data.mode
    visit.answers = {**(visit.answers or {}), **data.answers}
    visit.plaque_grade_seen = data.plaque_grade_seen or ""
    if data.subsidy_received_on:
        visit.subsidy_received_on = data.subsidy_received_on
    if data.note.strip():
        visit.note = data.note.strip()
    if data.latitude is not None and data.longitude is not None:
        visit.latitude, visit.longitude, visit.gps_accuracy = (
            data.latitude,
            data.longitude,
            data.accuracy,
        )
    distance = file_checks.distance_m(
        current.latitude, current.longitude, visit.latitude, visit.longitude
    )
    visit.distance_m = round(distance) if distance is not None else None
    visit.far_from_house = distance is not None and distance > far_metres(campaign)
    visit.no_location = visit.mode == EntryMode.PHONE and visit.latitude is None
    untimed = any(u.photo.taken_at is None and u.kind in TIMED_KINDS for u in uploads)
    visit.untimed_photo = (merged and visit.untimed_photo) or untimed
    if visit.flagged and merged:
        visit.flags_checked_at, visit.flags_checked_by, visit.flags_check_note = None, None, ""
    visit.save()
    for upload in uploads:
        _store_photo(visit, upload, user, stored)
    outcome = Recorded(visit=visit, merged=merged)
    outcome.corrections = _sync_corrections(visit, current)
    outcome.problems = _sync_problems(visit, current, user, campaign, today)
    if outcome.corrections or outcome.problems or visit.flagged:
        transaction.on_commit(lambda: _remind_officers(visit))
    return outcome


def _store_photo(visit: Visit, upload: PhotoUpload, user: User, stored: list[str]) -> VisitPhoto:
    photo = upload.photo
    item = VisitPhoto(
        visit=visit, kind=upload.kind, width=photo.width, height=photo.height, uploaded_by=user
    )
    stored += item.keep(photo, name=upload.original_name)
    item.save()
    return item


def _location_value(household: Household) -> str | None:
    if household.latitude is None or household.longitude is None:
        return None
    return f"{household.latitude:.6f},{household.longitude:.6f}"


def _sync_corrections(visit: Visit, household: Household) -> list[Correction]:
    """Offer what the answers contradict; withdraw what a merged re-visit no longer says."""
    proposals = checklist.corrections_for(
        household,
        visit.answers,
        plaque_grade_seen=visit.plaque_grade_seen,
        subsidy_received_on=visit.subsidy_received_on,
        latitude=visit.latitude,
        longitude=visit.longitude,
        accuracy=visit.gps_accuracy if visit.mode == EntryMode.PHONE else None,
    )
    pending = {c.field: c for c in visit.corrections.filter(status=Decision.PENDING)}
    decided = {
        (c.field, repr(c.proposed_value))
        for c in visit.corrections.filter(status__in=(Decision.ACCEPTED, Decision.REJECTED))
    }
    new = []
    for p in proposals:
        current, proposed = jsonable(p.current), jsonable(p.proposed)
        found = pending.pop(p.field, None)
        if found is not None:
            if (found.registry_value, found.proposed_value) != (current, proposed):
                found.registry_value, found.proposed_value = current, proposed
                found.registry_display = p.current_display
                found.proposed_display = p.proposed_display
                found.save()
            continue
        if (p.field, repr(proposed)) in decided:
            continue
        new.append(
            Correction.objects.create(
                visit=visit,
                household=household,
                target=p.target,
                field=p.field,
                label=p.label,
                registry_value=current,
                proposed_value=proposed,
                registry_display=p.current_display,
                proposed_display=p.proposed_display,
            )
        )
    for stale in pending.values():
        stale.status = Decision.WITHDRAWN
        stale.reason = "同日再次走访后已不存在该差异"
        stale.save()
    return new


def _describe(question: checklist.Question, household: Household, visit: Visit, note: str) -> str:
    detail = f"（{note}）" if note else ""
    day = visit.visited_on
    return (
        f"{household.village.name}{household.head_name}户：{question.problem}{detail}。"
        f"{day.year}年{day.month}月{day.day}日入户排查发现"
        f"（{visit.visitor_role}{visit.visitor_name}）。"
    )


def _sync_problems(
    visit: Visit, household: Household, user: User, campaign: Campaign, today: dt.date
) -> list[VisitProblem]:
    """Each problem answer becomes a draft ledger entry (one per household and problem in
    the campaign: a second visit finding the same problem joins the open entry)."""
    found = checklist.problems_for(visit.answers)
    mine = {p.question: p for p in visit.problems.filter(status=ProblemStatus.OPEN)}
    discarded = set(
        visit.problems.filter(status=ProblemStatus.DISCARDED).values_list("question", flat=True)
    )
    new = []
    for question, note in found:
        if mine.pop(question.code, None) is not None or question.code in discarded:
            continue
        entry = _open_entry_for(household, question.code, campaign)
        if entry is None:
            entry = ledger.create_entry(
                actor=user,
                campaign=campaign,
                township=household.township,
                village=household.village,
                nature=Nature.INDIVIDUAL,
                description=_describe(question, household, visit, note),
                source=Source.VISIT,
                aspect=question.aspect,
                households=[household],
                draft=True,
                today=today,
            )
        new.append(
            VisitProblem.objects.create(
                visit=visit,
                household=household,
                question=question.code,
                aspect=question.aspect,
                description=_describe(question, household, visit, note),
                entry=entry,
            )
        )
    for gone in mine.values():  # a merged re-visit no longer reports it
        if gone.entry is None or gone.entry.state == State.DRAFT:
            _drop_draft(gone, user)
            gone.status = ProblemStatus.WITHDRAWN
            gone.reason = "同日再次走访后已不存在该问题"
            gone.save()
    return new


def _open_entry_for(household: Household, question: str, campaign: Campaign) -> LedgerEntry | None:
    same = (
        VisitProblem.objects.filter(
            household=household,
            question=question,
            status=ProblemStatus.OPEN,
            visit__campaign=campaign,
            entry__state__in=(State.DRAFT, *OPEN_STATES),
        )
        .select_related("entry")
        .order_by("id")
        .first()
    )
    return same.entry if same else None


def _drop_draft(problem: VisitProblem, user: User) -> None:
    """Discard the problem's draft entry (the ledger's own use case: a draft is not on the
    ledger, and the audit log keeps what it said) unless another open problem shares it."""
    entry = problem.entry
    if entry is None or entry.state != State.DRAFT:
        return
    others = VisitProblem.objects.filter(entry=entry, status=ProblemStatus.OPEN).exclude(
        pk=problem.pk
    )
    if not others.exists():
        problem.entry = None
        problem.save()
        ledger.discard_draft(actor=user, entry=entry)


def _remind_officers(visit: Visit) -> None:
    household = visit.household
    officers = reminders.users_of(household.township, [Role.TOWNSHIP_OFFICER])
    reminders.remind(
        officers,
        kind="visit_review",
        title=f"{household.village.name}{household.head_name}户的入户排查有待审核的事项",
        url=reverse("visits:visit_detail", args=[visit.pk]),
        key=f"visits:review:{visit.pk}:{visit.merge_count}",
    )


# --- review by the township officer ----------------------------------------------------------------
def _round_of(visit_id: int) -> int | None:
    """The round a visit (and its corrections and problems) belongs to."""
    return Visit.objects.filter(pk=visit_id).values_list("campaign_id", flat=True).first()


def _reviewer(user: User) -> None:
    if not can_review(user):
        raise PermissionDenied("只有乡镇经办人可以审核入户排查结果")


def _correction_current(correction: Correction, obj: Household | Renovation) -> object:
    if correction.field == "location" and isinstance(obj, Household):
        return _location_value(obj)
    return jsonable(getattr(obj, correction.field))


def _pending(user: User, correction: Correction) -> Correction:
    """The correction locked, in the user's scope, its round writable and still undecided."""
    c = (
        Correction.objects.for_user(user)
        .select_for_update(of=("self",))
        .filter(pk=correction.pk)
        .first()
    )
    if c is None:
        raise PermissionDenied("该更正建议不在您的管辖范围内")
    ensure_writable(_round_of(c.visit_id))
    if c.status != Decision.PENDING:
        raise DecisionError(f"该更正建议{c.get_status_display()}，无需再处理。")
    return c


def accept_correction(*, user: User, correction: Correction) -> Correction:
    """Apply the correction to the household or its renovation (audited, re-screened)."""
    _reviewer(user)
    with transaction.atomic():
        c = _pending(user, correction)
        household = Household.objects.select_for_update(of=("self",)).get(pk=c.household_id)
        obj: Household | Renovation = household
        if c.target == "renovation":
            if household.renovation_id is None:
                raise DecisionError(
                    "该户档案中已没有危房改造记录，无法采纳此更正，请不采纳并说明。"
                )
            obj = Renovation.objects.select_for_update(of=("self",)).get(pk=household.renovation_id)
        current = _correction_current(c, obj)
        if current not in (c.registry_value, c.proposed_value):
            raise DecisionError(
                f"档案中的“{c.label}”已被改为“{checklist.show(current)}”，与排查时的"
                f"“{c.registry_display}”不同。请先核对档案，再决定是否采纳。"
            )
        if current != c.proposed_value:
            if c.field == "location" and isinstance(obj, Household):
                lat, lon = str(c.proposed_value).split(",")
                obj.latitude, obj.longitude = Decimal(lat), Decimal(lon)
            else:
                model_field = obj._meta.get_field(c.field)
                if not isinstance(model_field, Field):  # a reverse relation: never proposed
                    raise DecisionError(f"档案中的“{c.label}”不能按更正建议修改。")
                setattr(obj, c.field, model_field.to_python(c.proposed_value))
            obj.save()
        c.status = Decision.ACCEPTED
        c.decided_by, c.decided_at = user, timezone.now()
        c.save()
        record(
            Event.ACCEPT,
            obj=c,
            detail={
                "household": household.pk,
                "field": c.label,
                "from": c.registry_display,
                "to": c.proposed_display,
            },
        )
        ids = [household.pk]
        transaction.on_commit(lambda: households_changed.send(sender=Household, household_ids=ids))
    return c


def reject_correction(*, user: User, correction: Correction, reason: str) -> Correction:
    _reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不采纳的理由（如：档案有鉴定报告为据）。"})
    with transaction.atomic():
        c = _pending(user, correction)
        c.status = Decision.REJECTED
        c.reason = reason[:200]
        c.decided_by, c.decided_at = user, timezone.now()
        c.save()
    return c


def _open_problem(user: User, problem: VisitProblem) -> tuple[VisitProblem, LedgerEntry]:
    """The problem locked for a decision, with its draft entry."""
    mine: QuerySet[VisitProblem] = VisitProblem.objects.for_user(user)
    p = mine.select_for_update(of=("self",)).select_related("entry").filter(pk=problem.pk).first()
    if p is None:
        raise PermissionDenied("该问题不在您的管辖范围内")
    ensure_writable(_round_of(p.visit_id))
    if p.status != ProblemStatus.OPEN:
        raise DecisionError(f"该问题{p.get_status_display()}，无需再处理。")
    if p.entry is None or p.entry.state != State.DRAFT:
        raise DecisionError("该问题已纳入整改台账，请到台账中处理。")
    return p, p.entry


def accept_problem(
    *,
    user: User,
    problem: VisitProblem,
    description: str,
    measures: str,
    deadline: dt.date | None,
    leader: str = "",
    today: dt.date | None = None,
) -> LedgerEntry:
    """Put the problem's draft entry on the ledger (待整改) with its measures and deadline."""
    _reviewer(user)
    today = today or timezone.localdate()
    with transaction.atomic():
        p, entry = _open_problem(user, problem)
        errors = ledger.validate(
            campaign=entry.campaign,
            nature=entry.nature,
            description=description,
            measures=measures,
            deadline=deadline,
            draft=False,
            today=today,
        )
        if errors:
            raise ValidationError(errors)
        entry.description = description.strip()
        entry.measures = measures.strip()
        entry.deadline = deadline
        entry.responsible_leader = leader.strip()[:60]
        entry.save()
        try:
            ledger.transition(actor=user, entry=entry, name="accept")
        except workflow.TransitionError as exc:
            raise DecisionError(str(exc)) from exc
        p.decided_by, p.decided_at = user, timezone.now()
        p.save()
    return entry


def discard_problem(*, user: User, problem: VisitProblem, reason: str) -> VisitProblem:
    _reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不纳入台账的理由（如：经核实已整改到位）。"})
    with transaction.atomic():
        p, _entry = _open_problem(user, problem)
        _drop_draft(p, user)
        p.status = ProblemStatus.DISCARDED
        p.reason = reason[:200]
        p.decided_by, p.decided_at = user, timezone.now()
        p.save()
    return p


def check_flags(*, user: User, visit: Visit, note: str) -> Visit:
    """The officer has looked at a flagged visit (far GPS, photo without time, no fix)."""
    _reviewer(user)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写核实情况（如：已电话核实，走访时户主在承包地）。"})
    with transaction.atomic():
        mine: QuerySet[Visit] = Visit.objects.for_user(user)
        v = mine.select_for_update(of=("self",)).filter(pk=visit.pk).first()
        if v is None:
            raise PermissionDenied("该走访记录不在您的管辖范围内")
        ensure_writable(v.campaign_id)
        if not v.flagged:
            raise DecisionError("该走访记录没有需要核实的提示。")
        v.flags_checked_by, v.flags_checked_at = user, timezone.now()
        v.flags_check_note = note[:200]
        v.save()
    return v


def explain_unvisited(
    *,
    user: User,
    household: Household,
    campaign: Campaign,
    reason: str,
    detail: str,
    phone_checked_on: dt.date,
    phone_check_result: str,
    today: dt.date | None = None,
) -> UnvisitedReason:
    """Record why an in-scope household was not visited, with the phone check that confirms it."""
    _reviewer(user)
    ensure_writable(campaign)
    today = today or timezone.localdate()
    errors = {}
    if reason == "其他" and not detail.strip():
        errors["detail"] = "原因为“其他”时，请写明具体情况。"
    if phone_checked_on > today:
        errors["phone_checked_on"] = f"电话核实日期 {phone_checked_on:%Y-%m-%d} 晚于今天。"
    elif phone_checked_on < campaign.starts_on:
        errors["phone_checked_on"] = (
            f"电话核实日期 {phone_checked_on:%Y-%m-%d} 早于本轮“回头看”开始日期"
            f"（{campaign.starts_on:%Y-%m-%d}），请在本轮内重新核实。"
        )
    if not phone_check_result.strip():
        errors["phone_check_result"] = "请填写电话核实情况（联系了谁、对方说明了什么）。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mine: QuerySet[Household] = Household.objects.for_user(user)
        current = mine.select_for_update(of=("self",)).filter(pk=household.pk).first()
        if current is None:
            raise PermissionDenied("该农户不在您的管辖范围内")
        if Visit.objects.filter(campaign=campaign, household=current).exists():
            raise DecisionError("该户本轮已经入户走访，无需说明未走访原因。")
        found = UnvisitedReason.objects.filter(campaign=campaign, household=current).first()
        item = found or UnvisitedReason(campaign=campaign, household=current)
        item.reason = reason
        item.detail = detail.strip()[:200]
        item.phone_checked_on = phone_checked_on
        item.phone_check_result = phone_check_result.strip()[:200]
        item.explained_by = user
        item.save()
    return item
