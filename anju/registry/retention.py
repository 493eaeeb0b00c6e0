"""Anonymising closed cases past the retention period (SECURITY.md row 28; PIPL Arts. 19, 47).

A household's case is **closed** when its current renovation was accepted (``accepted_on``)
more than N years before today, or — without a renovation — the household has not changed
(``updated_at``) for more than N years; and no screening finding is open (待确认/已确认) and no
ledger entry naming it is still open (anything but 已销号) — the later stages say so through
``register_open_case``. N is ``ANJU_PI_RETENTION_YEARS`` (default 10) or ``--years``.

``anonymise_closed`` then, set-wise (no loop over households), in one transaction:

- nulls the encrypted 身份证号, 联系电话 and 补助发放账号 and the house's coordinates;
- sets their masks to "已匿名化" (a mask that was empty stays empty: nothing was recorded);
- shortens the head's name to the surname and ``**`` (王五 → 王**);
- **keeps the keyed hash** of the ID number: it cannot be read back or tested without the key,
  which is outside the database, and it keeps one record per person — a later import or a new
  registration of the same ID number finds the archived case (so a repeat subsidy is seen)
  instead of creating a duplicate. Entering the ID number again (form or import) makes the
  record current again (``anonymised_at`` cleared); the job re-applies if the case is still
  closed;
- deletes the household's photos and documents (``Attachment`` rows, their files and
  thumbnails; the files after the commit): photos show the house and carry GPS and time;
  the renovation's 一户一档 items still say which material existed;
- stamps ``anonymised_at``, so a second run touches nothing;
- sends ``households_anonymised`` (``anju.registry.signals``) right after the UPDATE, in the
  same transaction: the later stages remove what they hold of these households, set-wise,
  and return counts (the registry imports none of them):

  - house visits (``anju.visits.receivers``): the visit photos (rows, files, thumbnails) are
    deleted; the visit's GPS fix and accuracy are nulled, and so are the coordinates a
    location correction copied from it; the visit rows stay (the campaign's statistics);
  - spot-checks (``anju.inspections.receivers``): the spot-check photos are deleted (the
    spot-check visit itself records no place);
  - rectification (``anju.rectification.receivers``): the evidence of a ledger entry is
    deleted once *every* household it names is anonymised; a 共性问题 entry that still names
    a current household keeps its evidence untouched;
  - **the head's name in free text** written by people (问题表述 "王五户C级危房未挂牌", a
    progress note, a visit's 其他情况, a finding's 排除理由…): each stage replaces the
    household's *original* full name by its text mask in the rows linked to that household
    (``scrub_names``; the fields are listed in each receiver). The text mask is the surname
    and one ``*`` per further character (王五 → 王*, 欧阳修 → 欧**), so a text never grows
    past its column's length; ``head_name`` itself keeps the ``**`` form. The run reads the
    names just before its UPDATE (one query) and passes ``names={pk: (original, mask)}``
    with the signal; a one-character name, or one already ending in ``**``, needs nothing.
    Append-only histories keep what they recorded (a ledger entry's ``EntryTransition``
    reasons, a finding's ``FindingEvent`` lines), as the audit trail does;

  a receiver that fails rolls the whole run back; a dry run sends it with ``dry_run=True``
  (and the names) and the receivers only count. (Households anonymised by a run before these
  receivers existed are not revisited: their visit photos, evidence and names in text stay
  until removed by hand.)
- writes one audit row for the run (``update``, "个人信息保存期限到期匿名化") with the counts
  (its own and the receivers').

Not covered here: the frozen weekly reports (tamper-evident by design, row 24) and the audit
trail (kept by law, row 12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Exists, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Left
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.services import record
from anju.core import uploads
from anju.core.pi import delete_after_commit, text_mask
from anju.registry.models import NO_RENOVATION, Attachment, Household
from anju.registry.signals import households_anonymised

ANONYMISED = "已匿名化"
AUDIT_LABEL = "个人信息保存期限到期匿名化"
# How the command names the counts the ``households_anonymised`` receivers return (a key
# not listed here is shown as it is).
REMOVED_LABELS = {
    "visit_photos": ("入户排查照片", "张"),
    "visit_locations": ("入户排查定位", "条"),
    "visit_location_corrections": ("住房位置更正建议", "条"),
    "spot_check_photos": ("抽查照片", "张"),
    "evidence": ("整改佐证", "个"),
    "names_in_text": ("文字记录中的姓名", "处"),
}


def cutoff_for(years: int, today: dt.date | None = None) -> dt.date:
    """The same day ``years`` years before ``today`` (29 February → 28 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


# "Is this case still open?" The later stages answer for what they hold (a screening finding
# 待确认/已确认, a ledger entry not yet 已销号): each registers a function returning an
# ``Exists`` correlated to the household (``OuterRef("pk")``), from its ``receivers.py``. The
# registry imports none of them (docs/ARCHITECTURE.md, "signals and registries").
OpenCase = Callable[[], Exists]
_open_cases: dict[str, OpenCase] = {}


def register_open_case(name: str, condition: OpenCase) -> None:
    """Keep a household's case open while ``condition()`` holds for it."""
    _open_cases[name] = condition


def closed_households(cutoff: dt.date) -> QuerySet[Household]:
    """Households not yet anonymised whose case closed before ``cutoff`` (see above)."""
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    closed = Household.objects.filter(anonymised_at__isnull=True).filter(
        Q(renovation__accepted_on__lt=cutoff) | (NO_RENOVATION & Q(updated_at__lt=start))
    )
    for name in sorted(_open_cases):
        closed = closed.exclude(_open_cases[name]())
    return closed


def names_to_scrub(rows) -> dict[int, tuple[str, str]]:
    """``{pk: (original, mask)}`` from ``(pk, head_name)`` pairs: the names free text may
    still hold in full (a one-character name, or one already masked, needs nothing)."""
    names = {}
    for pk, name in rows:
        name = (name or "").strip()
        if len(name) < 2 or name.endswith("**") or text_mask(name) == name:
            continue
        names[pk] = (name, text_mask(name))
    return names


def _masked(field: str):
    """ "已匿名化" where a value was recorded, "" where none was."""
    return Case(When(**{field: ""}, then=Value("")), default=Value(ANONYMISED))


@dataclass(frozen=True)
class Result:
    years: int
    cutoff: dt.date
    households: int
    attachments: int
    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)  # the receivers' counts

    def removed_text(self) -> str:
        """The receivers' counts in Chinese: "入户排查照片 2 张、整改佐证 1 个"."""
        parts = []
        for key, n in self.removed.items():
            label, unit = REMOVED_LABELS.get(key, (key, "个"))
            parts.append(f"{label} {n} {unit}")
        return "、".join(parts)


def _collect(responses) -> dict[str, int]:
    """Sum the counts the ``households_anonymised`` receivers returned (None: nothing)."""
    totals: dict[str, int] = {}
    for _receiver, counts in responses:
        for key, n in (counts or {}).items():
            totals[key] = totals.get(key, 0) + int(n)
    return totals


def anonymise_closed(*, years: int, today: dt.date | None = None, dry_run: bool = False) -> Result:
    """Anonymise every closed case older than ``years`` (or only count them: ``dry_run``)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    cutoff = cutoff_for(years, today)
    if dry_run:
        closed = closed_households(cutoff)
        responses = households_anonymised.send(
            sender=Household,
            anonymised_at=None,
            households=closed,
            dry_run=True,
            names=names_to_scrub(closed.values_list("pk", "head_name")),
        )
        return Result(
            years=years,
            cutoff=cutoff,
            households=closed.count(),
            attachments=Attachment.objects.filter(household__in=closed.values("pk")).count(),
            dry_run=True,
            removed=_collect(responses),
        )
    now = timezone.now()
    with transaction.atomic():
        # the full names, read before the UPDATE shortens them: the receivers mask them in text
        names = names_to_scrub(closed_households(cutoff).values_list("pk", "head_name"))
        households = closed_households(cutoff).update(
            id_number_enc=None,
            id_number_masked=Value(ANONYMISED),
            phone_enc=None,
            phone_masked=_masked("phone_masked"),
            bank_account_enc=None,
            bank_account_masked=_masked("bank_account_masked"),
            latitude=None,
            longitude=None,
            head_name=Concat(Left("head_name", 1), Value("**")),
            anonymised_at=now,
            updated_at=now,
        )
        anonymised = Household.objects.filter(anonymised_at=now)
        if names:  # only those the UPDATE anonymised (a case may have reopened in between)
            done = set(anonymised.values_list("pk", flat=True))
            names = {pk: pair for pk, pair in names.items() if pk in done}
        # send(), not send_robust(): a receiver that fails rolls the whole run back
        responses = households_anonymised.send(
            sender=Household,
            anonymised_at=now,
            households=anonymised,
            dry_run=False,
            names=names,
        )
        removed = _collect(responses)
        attachments = Attachment.objects.filter(household__anonymised_at=now)
        files = list(attachments.values_list("file", flat=True))
        deleted = attachments.delete()[0] if files else 0
        record(
            Event.UPDATE,
            object_label=AUDIT_LABEL,
            detail={
                "households": households,
                "years": years,
                "cutoff": cutoff.isoformat(),
                "attachments": deleted,
                **removed,
            },
        )
        if files:
            delete_after_commit(
                [p for n in files for p in (n, uploads.thumbnail_name(n))], "attachment"
            )
    return Result(
        years=years,
        cutoff=cutoff,
        households=households,
        attachments=deleted,
        dry_run=False,
        removed=removed,
    )
