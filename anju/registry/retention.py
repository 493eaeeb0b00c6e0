"""Anonymising closed cases past the retention period (SECURITY.md row 28; PIPL Arts. 19, 47).

A household's case is **closed** when its current renovation was accepted (``accepted_on``)
more than N years before today, or — without a renovation — the household has not changed
(``updated_at``) for more than N years; and no screening finding is open (待确认/已确认) and no
ledger entry naming it is still open (anything but 已销号). N is ``ANJU_PI_RETENTION_YEARS``
(default 10) or ``--years``.

``anonymise_closed`` then, set-wise (one UPDATE, one DELETE, in one transaction):

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
- writes one audit row for the run (``update``, "个人信息保存期限到期匿名化") with the counts.

Not covered here: visit and spot-check photos, rectification evidence and the frozen weekly
reports belong to their own apps (and the audit trail is kept by law, row 12).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Concat, Left
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.services import record
from anju.registry.models import Attachment, Household

logger = logging.getLogger(__name__)

ANONYMISED = "已匿名化"
AUDIT_LABEL = "个人信息保存期限到期匿名化"


def cutoff_for(years: int, today: dt.date | None = None) -> dt.date:
    """The same day ``years`` years before ``today`` (29 February → 28 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def closed_households(cutoff: dt.date):
    """Households not yet anonymised whose case closed before ``cutoff`` (see above)."""
    from anju.rectification.models import LedgerEntry, State
    from anju.screening.models import Finding, Status

    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    open_finding = Finding.objects.filter(
        household=OuterRef("pk"), status__in=(Status.OPEN, Status.CONFIRMED)
    )
    open_entry = LedgerEntry.objects.filter(households=OuterRef("pk")).exclude(state=State.CLOSED)
    return (
        Household.objects.filter(anonymised_at__isnull=True)
        .filter(
            Q(renovation__accepted_on__lt=cutoff) | Q(renovation__isnull=True, updated_at__lt=start)
        )
        .exclude(Exists(open_finding))
        .exclude(Exists(open_entry))
    )


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


def anonymise_closed(*, years: int, today: dt.date | None = None, dry_run: bool = False) -> Result:
    """Anonymise every closed case older than ``years`` (or only count them: ``dry_run``)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    cutoff = cutoff_for(years, today)
    if dry_run:
        closed = closed_households(cutoff)
        return Result(
            years=years,
            cutoff=cutoff,
            households=closed.count(),
            attachments=Attachment.objects.filter(household__in=closed.values("pk")).count(),
            dry_run=True,
        )
    now = timezone.now()
    with transaction.atomic():
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
        attachments = Attachment.objects.filter(household__anonymised_at=now)
        names = list(attachments.values_list("file", flat=True))
        removed = attachments.delete()[0] if names else 0
        record(
            Event.UPDATE,
            object_label=AUDIT_LABEL,
            detail={
                "households": households,
                "years": years,
                "cutoff": cutoff.isoformat(),
                "attachments": removed,
            },
        )
        if names:
            transaction.on_commit(lambda: _delete_files(names))
    return Result(
        years=years, cutoff=cutoff, households=households, attachments=removed, dry_run=False
    )


def _delete_files(names: list[str]) -> None:
    from anju.registry.services import thumbnail_name

    failed = 0
    for name in names:
        for path in (name, thumbnail_name(name)):
            try:
                default_storage.delete(path)
            except OSError:
                failed += 1
    if failed:
        logger.warning("anonymise_closed: %s attachment files could not be deleted", failed)
