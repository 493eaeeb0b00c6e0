"""What house visits hold of households the registry anonymises (SECURITY.md row 28).

Listens to ``anju.registry.signals.households_anonymised`` (sent inside the retention run's
transaction). Set-wise, for the visits to those households:

- the visit photos are deleted (rows now; files and thumbnails after the commit): they show
  the house and its people and carried the camera's time and place;
- the visit's GPS fix (latitude, longitude, accuracy) is nulled; the visit row stays — who
  went, when, the answers and the distance flag are the campaign's statistics;
- a location correction (住房位置) copied that fix: its values are nulled and shown as
  "已匿名化", and one still pending is withdrawn (there is no position left to accept);
- the head's full name is masked (王五 → 王*, ``core.pi.scrub_names``) in the free text of
  the household's rows: a visit's 其他情况 and 核实情况, a problem's 问题表述 and 理由, a
  correction's 理由, an unvisited household's 具体情况 and 电话核实情况. (The per-question
  notes inside a visit's ``answers`` JSON are not scrubbed.)

Queryset ``update()``/``delete()`` write no audit row per row: the run writes one with these
counts.
"""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from anju.registry.signals import households_anonymised

WITHDRAWN_REASON = "个人信息保存期限到期，已匿名化"


@receiver(households_anonymised, dispatch_uid="visits.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, names=None, **kwargs) -> dict[str, int]:
    from anju.core.pi import delete_after_commit
    from anju.core.uploads import thumbnail_name
    from anju.registry.retention import ANONYMISED
    from anju.visits.models import Correction, Decision, Visit, VisitPhoto

    ids = households.values("pk")
    photos = VisitPhoto.objects.filter(visit__household__in=ids)
    located = Visit.objects.filter(household__in=ids).filter(
        Q(latitude__isnull=False) | Q(longitude__isnull=False) | Q(gps_accuracy__isnull=False)
    )
    corrections = Correction.objects.filter(household__in=ids, field="location").exclude(
        proposed_display=ANONYMISED
    )
    if dry_run:
        return {
            "visit_photos": photos.count(),
            "visit_locations": located.count(),
            "visit_location_corrections": corrections.count(),
            "names_in_text": _scrub(names, dry_run=True),
        }
    files = list(photos.values_list("file", flat=True))
    deleted = photos.delete()[1].get(VisitPhoto._meta.label, 0) if files else 0
    delete_after_commit([p for n in files for p in (n, thumbnail_name(n))], "visit photo")
    located_n = located.update(latitude=None, longitude=None, gps_accuracy=None)
    corrections.filter(status=Decision.PENDING).update(
        status=Decision.WITHDRAWN, reason=WITHDRAWN_REASON
    )
    corrected = corrections.update(
        registry_value=None,
        proposed_value=None,
        registry_display=ANONYMISED,
        proposed_display=ANONYMISED,
    )
    return {
        "visit_photos": deleted,
        "visit_locations": located_n,
        "visit_location_corrections": corrected,
        "names_in_text": _scrub(names),
    }


def _scrub(names, *, dry_run: bool = False) -> int:
    """Mask the names in the free text of the household's rows (each model has its own
    ``household`` key); the number of places changed, or that would be."""
    from anju.core.pi import scrub_names
    from anju.visits.models import Correction, UnvisitedReason, Visit, VisitProblem

    text = (
        (Visit, ("note", "flags_check_note")),
        (VisitProblem, ("description", "reason")),
        (Correction, ("reason",)),
        (UnvisitedReason, ("detail", "phone_check_result")),
    )
    return sum(
        scrub_names(
            lambda pk, model=model: model.objects.filter(household=pk),
            fields,
            names or {},
            dry_run=dry_run,
        )
        for model, fields in text
    )
