"""What spot-checks hold of households the registry anonymises (SECURITY.md row 28).

Listens to ``anju.registry.signals.households_anonymised`` (sent inside the retention run's
transaction): the photos of the spot-check visits to those households are deleted, set-wise
(rows now; files and thumbnails after the commit). The spot-check visit records no place of
its own, and its rows — the sample, the problems found, the verdicts — stay: they are the
city's published results. A queryset ``delete()`` writes no audit row per photo: the run
writes one with the count.
"""

from __future__ import annotations

from django.dispatch import receiver

from anju.registry.signals import households_anonymised


@receiver(households_anonymised, dispatch_uid="inspections.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, **kwargs) -> dict[str, int]:
    from anju.inspections.models import VisitPhoto
    from anju.inspections.services import thumbnail_name
    from anju.registry.retention import delete_after_commit

    photos = VisitPhoto.objects.filter(
        visit__sample_household__household__in=households.values("pk")
    )
    if dry_run:
        return {"spot_check_photos": photos.count()}
    names = list(photos.values_list("file", flat=True))
    deleted = photos.delete()[1].get(VisitPhoto._meta.label, 0) if names else 0
    delete_after_commit([p for n in names for p in (n, thumbnail_name(n))], "spot-check photo")
    return {"spot_check_photos": deleted}
