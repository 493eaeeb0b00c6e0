"""What the ledger holds of households the registry anonymises (SECURITY.md row 28).

Listens to ``anju.registry.signals.households_anonymised`` (sent inside the retention run's
transaction). The evidence (整改佐证: photos of the house, scans) of a ledger entry is deleted,
set-wise (rows now, files after the commit), once **every** household the entry names is
anonymised: an entry can name several (共性问题), and one that still names a current household
keeps its evidence untouched — it proves that household's fix. Such an entry's evidence goes
with the run that anonymises its last household. Entries themselves, their progress notes
and their append-only transitions stay (the ledger's record). A queryset ``delete()`` writes
no audit row per file: the run writes one with the count.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from anju.registry.signals import households_anonymised


@receiver(households_anonymised, dispatch_uid="rectification.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, **kwargs) -> dict[str, int]:
    from anju.rectification.models import Evidence, LedgerEntry
    from anju.registry.models import Household
    from anju.registry.retention import delete_after_commit

    ids = households.values("pk")
    # a household of the entry that is current and not among those anonymised now
    current = Household.objects.filter(
        ledger_entries=OuterRef("pk"), anonymised_at__isnull=True
    ).exclude(pk__in=ids)
    entries = LedgerEntry.objects.filter(households__in=ids).exclude(Exists(current))
    evidence = Evidence.objects.filter(entry__in=entries.values("pk"))
    if dry_run:
        return {"evidence": evidence.count()}
    names = list(evidence.values_list("file", flat=True))
    deleted = evidence.delete()[1].get(Evidence._meta.label, 0) if names else 0
    delete_after_commit(names, "evidence")
    return {"evidence": deleted}
