"""What spot-checks hold of households the registry anonymises (SECURITY.md row 28).

Listens to ``anju.registry.signals.households_anonymised`` (sent inside the retention run's
transaction). Set-wise, for the spot-check visits to those households:

- their photos are deleted (rows now; files and thumbnails after the commit);
- the head's full name is masked (王五 → 王*, ``core.pi.scrub_names``) in the visit's
  核查情况说明 and its problems' 问题表述.

The spot-check visit records no place of its own, and its rows — the sample, the problems
found, the verdicts — stay: they are the city's published results. Queryset
``update()``/``delete()`` write no audit row per row: the run writes one with the counts.
"""

from __future__ import annotations

from django.dispatch import receiver

from anju.registry.signals import households_anonymised


@receiver(households_anonymised, dispatch_uid="inspections.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, names=None, **kwargs) -> dict[str, int]:
    from anju.core.pi import delete_after_commit, scrub_names
    from anju.core.uploads import thumbnail_name
    from anju.inspections.models import SpotCheckPhoto, SpotCheckProblem, SpotCheckVisit

    photos = SpotCheckPhoto.objects.filter(
        visit__sample_household__household__in=households.values("pk")
    )
    names = names or {}

    def in_text(dry: bool) -> int:
        visits = scrub_names(
            lambda pk: SpotCheckVisit.objects.filter(sample_household__household=pk),
            ("note",),
            names,
            dry_run=dry,
        )
        problems = scrub_names(
            lambda pk: SpotCheckProblem.objects.filter(visit__sample_household__household=pk),
            ("description",),
            names,
            dry_run=dry,
        )
        return visits + problems

    if dry_run:
        return {"spot_check_photos": photos.count(), "names_in_text": in_text(True)}
    files = list(photos.values_list("file", flat=True))
    deleted = photos.delete()[1].get(SpotCheckPhoto._meta.label, 0) if files else 0
    delete_after_commit([p for n in files for p in (n, thumbnail_name(n))], "spot-check photo")
    return {"spot_check_photos": deleted, "names_in_text": in_text(False)}
