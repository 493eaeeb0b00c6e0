"""Use cases of the household pages (keyword-only, one transaction each).

Who may change what (DESIGN.md §2; decided here and stated in docs):

- 村级信息员 (village worker): creates and edits households of their own village, adds
  assessments, keeps the renovation, uploads photos — the person on the ground.
- 乡镇经办人 (township officer): the same for the whole township ("keeps the registry").
- 市住建局审核员 (city reviewer): the same for the county (corrections found in review).
- 乡镇主要负责人 (township head) and 市住建局管理员 (city admin): read only. The head signs
  what the officer prepared; the city admin is one of the three administrators of 等保
  三权分立, who never edit business data.
- 抽查组成员 (inspector), 安全管理员, 审计管理员: no access to the registry pages (the
  inspector sees the sampled households through the spot-check pages).

Every save goes through ``AuditedModel`` (one audit event per record with old → new); the
services add the stale-form check and send ``households_changed`` once the transaction
commits, so screening re-checks the household.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from anju.accounts.roles import BUSINESS, UNMASK, Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.core import uploads, versions
from anju.registry.models import (
    Assessment,
    Attachment,
    Household,
    HouseholdQuerySet,
    Renovation,
)
from anju.registry.signals import households_changed
from anju.units.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User

EDITORS = frozenset({Role.CITY_REVIEWER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_WORKER})
READERS = BUSINESS


StaleEdit = versions.StaleEdit  # the record changed after the form was opened (core)


class DuplicateIdNumber(Exception):
    """Another household already holds this ID number."""


class NoRenovation(Exception):
    """Subsidy and household-file items belong to a renovation, which must be recorded first."""


def can_edit(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in EDITORS


def can_unmask(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in UNMASK


# The sections of the household page that are edited as one form each.
IDENTITY_FIELDS = (
    "head_name",
    "size",
    "groups",
    "is_alleviated",
    "enjoys_policy",
    "monitoring_type",
    "risk_state",
    "no_house",
)
HOUSE_FIELDS = (
    "structure",
    "year_built",
    "storeys",
    "floor_area",
    "latitude",
    "longitude",
    "dangerous_site",
    "suspected_reported_on",
    "plaque_posted",
    "plaque_date",
    "plaque_grade",
)
ASSESSMENT_FIELDS = ("kind", "assessed_on", "grade", "assessor", "result_issued")
WORKS_FIELDS = (
    "method",
    "method_reason",
    "approved_on",
    "started_on",
    "foundation_checked_on",
    "structure_checked_on",
    "completed_on",
    "final_checked_on",
    "accepted_on",
    "post_grade",
    "area_after",
    "craftsman",
    "moved_in",
    "old_demolished",
    "has_toilet",
    "livestock_separated",
)
SUBSIDY_FIELDS = ("subsidy_amount", "subsidy_paid_on", "payment_channel", "payee_agreement")
# The household's own burden and other housing programmes (ADR 0009): edited with or
# without a renovation.
FINANCE_FIELDS = ("self_funds", "borrowed", "other_subsidy")
FILE_FIELDS = Renovation.FILE_ITEMS
HOUSEHOLD_SECTIONS = {
    "identity": IDENTITY_FIELDS,
    "house": HOUSE_FIELDS,
    "finances": FINANCE_FIELDS,
}
RENOVATION_SECTIONS = {"works": WORKS_FIELDS, "subsidy": SUBSIDY_FIELDS, "files": FILE_FIELDS}
# The identity form also changes the village, the ID number, the phone and the account.
IDENTITY_EXTRA = ("village", "id_number_hash", "phone_enc", "bank_account_enc")


def household_version(household: Household, *, section: str) -> str:
    fields = HOUSEHOLD_SECTIONS[section]
    return versions.version_of(
        household, fields + (IDENTITY_EXTRA if section == "identity" else ())
    )


def renovation_version(renovation: Renovation | None, *, section: str) -> str:
    return versions.version_of(renovation, RENOVATION_SECTIONS[section])


def _locked_household(user: User, household: Household) -> Household:
    """The household again, locked for this transaction and still in the user's scope."""
    if not can_edit(user):
        raise PermissionDenied("无权修改农户档案")
    # of=("self",): lock the household row only, not the units its scope joins (PostgreSQL).
    scoped: HouseholdQuerySet = Household.objects.for_user(user)
    scoped = scoped.select_for_update(of=("self",))
    found = scoped.filter(pk=household.pk).first()
    if found is None:
        raise PermissionDenied("该农户不在您的管辖范围内")
    return found


def _stale(obj: Household | Renovation) -> StaleEdit:
    """The view names the section (``what``) in the message."""
    return versions.stale(obj, what=str(obj))


def _announce(*household_ids: int) -> None:
    ids = sorted(set(household_ids))
    transaction.on_commit(lambda: households_changed.send(sender=Household, household_ids=ids))


def _village_in_scope(user: User, village: Unit) -> tuple[Unit, Unit]:
    """The village again, if active and in the user's scope, and its township."""
    allowed = Unit.objects.for_user(user).villages().filter(pk=village.pk, is_active=True)
    found = allowed.select_related("parent").first()
    if found is None:
        raise PermissionDenied("该村不在您的管辖范围内")
    if found.parent is None:  # pragma: no cover - a village has a township (a constraint)
        raise ValueError(f"{found} has no township")
    return found, found.parent


# --- households -------------------------------------------------------------------------------
def create_household(
    *,
    user: User,
    village: Unit,
    data: dict[str, Any],
    id_number: str,
    phone: str = "",
    bank_account: str = "",
) -> Household:
    """新增农户 in a village of the user's scope."""
    if not can_edit(user):
        raise PermissionDenied("无权新增农户")
    try:
        with transaction.atomic():
            village, township = _village_in_scope(user, village)
            household = Household(township=township, village=village, **data)
            household.set_id_number(id_number)
            if phone:
                household.set_phone(phone)
            if bank_account:
                household.set_bank_account(bank_account)
            household.save()
            _announce(household.pk)
    except IntegrityError as exc:
        if Household.objects.by_id_number(id_number).exists():
            raise DuplicateIdNumber from exc
        raise
    return household


def update_household(
    *,
    user: User,
    household: Household,
    section: str,
    data: dict[str, Any],
    version: str | None,
    village: Unit | None = None,
    id_number: str = "",
    phone: str | None = None,
    bank_account: str | None = None,
) -> Household:
    """Save one section ("identity", "house" or "finances") of the household page. ``village``,
    ``id_number``, ``phone`` and ``bank_account`` belong to the identity section;
    ``phone=""`` clears the phone, ``None`` keeps it (the same for ``bank_account``); an
    empty ``id_number`` keeps it. ``version`` is the token the form was opened with (None
    skips the check)."""
    fields = HOUSEHOLD_SECTIONS[section]
    extra = village or id_number or phone is not None or bank_account is not None
    if section != "identity" and extra:
        raise ValueError("village, ID number, phone and account belong to the identity section")
    try:
        with transaction.atomic():
            current = _locked_household(user, household)
            if version is not None and version != household_version(current, section=section):
                raise _stale(current)
            for name in fields:
                setattr(current, name, data[name])
            if village is not None and village.pk != current.village_id:
                village, township = _village_in_scope(user, village)
                current.village, current.township = village, township
            if id_number:
                current.set_id_number(id_number)
            if phone is not None:
                if phone:
                    current.set_phone(phone)
                else:
                    current.phone_enc, current.phone_masked = None, ""
            if bank_account is not None:
                if bank_account:
                    current.set_bank_account(bank_account)
                else:
                    current.clear_bank_account()
            current.save()
            _announce(current.pk)
    except IntegrityError as exc:
        if id_number and Household.objects.by_id_number(id_number).exclude(pk=household.pk):
            raise DuplicateIdNumber from exc
        raise
    return current


def add_assessment(*, user: User, household: Household, data: dict[str, Any]) -> Assessment:
    """A new safety assessment; it becomes the household's current one."""
    with transaction.atomic():
        current = _locked_household(user, household)
        assessment = Assessment.objects.create(household=current, **data)
        current.assessment = assessment
        current.save()
        _announce(current.pk)
    return assessment


def save_renovation(
    *,
    user: User,
    household: Household,
    section: str,
    data: dict[str, Any],
    version: str | None,
) -> Renovation:
    """Edit one section ("works", "subsidy", "files") of the current renovation; the works
    section creates the renovation when the household has none."""
    fields = RENOVATION_SECTIONS[section]
    with transaction.atomic():
        current = _locked_household(user, household)
        renovation = None
        if current.renovation_id:
            renovation = Renovation.objects.select_for_update(of=("self",)).get(
                pk=current.renovation_id
            )
            if version is not None and version != renovation_version(renovation, section=section):
                raise _stale(renovation)
        elif version:  # the form was opened on a renovation that has since gone
            raise _stale(current)
        if renovation is None:
            if section != "works":
                raise NoRenovation
            renovation = Renovation(household=current)
        for name in fields:
            setattr(renovation, name, data[name])
        renovation.save()
        if current.renovation_id != renovation.pk:
            current.renovation = renovation
            current.save()
        _announce(current.pk)
    return renovation


def add_photo(
    *,
    user: User,
    household: Household,
    photo: uploads.Photo,
    original_name: str,
    kind: str,
    note: str,
) -> Attachment:
    """Store a checked, re-encoded photo under a generated name and record it."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _locked_household(user, household)
            attachment = Attachment(household=current, kind=kind, note=note, uploaded_by=user)
            stored += attachment.keep(photo, name=original_name)
            attachment.save()
            _announce(current.pk)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return attachment


# --- personal data ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unmasked:
    id_number: str
    phone: str
    bank_account: str = ""


def unmask(*, user: User, household: Household) -> Unmasked:
    """The full ID number, phone and 补助发放账号, for roles allowed to see them; every call
    is audited (naming the fields shown, never their values)."""
    if not can_unmask(user):
        raise PermissionDenied("无权查看完整个人信息")
    with transaction.atomic():
        scoped: HouseholdQuerySet = Household.objects.for_user(user)
        current = scoped.filter(pk=household.pk).first()
        if current is None:
            raise PermissionDenied("该农户不在您的管辖范围内")
        shown = ["身份证号", "联系电话"]
        if current.bank_account_enc:
            shown.append("补助发放账号")
        record(Event.UNMASK, obj=current, detail={"fields": shown, "reason": "农户档案页查看"})
    return Unmasked(
        id_number=current.id_number, phone=current.phone, bank_account=current.bank_account
    )
