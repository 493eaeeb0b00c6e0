"""What the ledger holds of households the registry anonymises (SECURITY.md row 28).

Listens to ``anju.registry.signals.households_anonymised`` (sent inside the retention run's
transaction). Set-wise:

- the evidence (整改佐证: photos of the house, scans) of a ledger entry is deleted (rows now,
  files after the commit) once **every** household the entry names is anonymised: an entry
  can name several (共性问题), and one that still names a current household keeps its
  evidence untouched — it proves that household's fix. Such an entry's evidence goes with the
  run that anonymises its last household;
- the head's full name is masked (王五 → 王*, ``core.pi.scrub_names``) in the free text of
  every entry naming the household — 问题表述, 整改措施, 产生原因及分析 — and of those
  entries' progress notes; a 共性问题 entry loses only the anonymised households' names. The
  hash of the measures (``measures_key``, for the "copied word for word" check) is computed
  again for the entries whose measures changed (in Python: SQLite has no SHA-256).

Entries themselves, their progress notes and their state transitions stay (the ledger's
record). ``EntryTransition`` is append-only — its ``save()`` of an existing row and its
``delete()`` raise, and no code updates its rows (``workflow`` only creates them) — so the
reason given for a move keeps its text, a name included, as the audit trail does. Queryset
``update()``/``delete()`` write no audit row per row: the run writes one with the counts.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from anju.registry import retention
from anju.registry.signals import households_anonymised

ENTRY_TEXT = ("description", "measures", "cause")
NOTE_TEXT = ("text",)


def open_entry() -> Exists:
    """A ledger entry naming the household and not yet 已销号 keeps its case open (retention)."""
    from anju.rectification.models import LedgerEntry, State

    return Exists(LedgerEntry.objects.filter(households=OuterRef("pk")).exclude(state=State.CLOSED))


retention.register_open_case("rectification.open_entry", open_entry)


@receiver(households_anonymised, dispatch_uid="rectification.forget_anonymised")
def forget_anonymised(sender, households, dry_run=False, names=None, **kwargs) -> dict[str, int]:
    from anju.core.pi import delete_after_commit, scrub_names
    from anju.rectification.models import Evidence, LedgerEntry, ProgressNote
    from anju.registry.models import Household

    ids = households.values("pk")
    # a household of the entry that is current and not among those anonymised now
    current = Household.objects.filter(
        ledger_entries=OuterRef("pk"), anonymised_at__isnull=True
    ).exclude(pk__in=ids)
    entries = LedgerEntry.objects.filter(households__in=ids).exclude(Exists(current))
    evidence = Evidence.objects.filter(entry__in=entries.values("pk"))
    names = names or {}

    def entries_of(pk):
        return LedgerEntry.objects.filter(households=pk)

    def notes_of(pk):
        return ProgressNote.objects.filter(entry__households=pk)

    if dry_run:
        return {
            "evidence": evidence.count(),
            "names_in_text": scrub_names(entries_of, ENTRY_TEXT, names, dry_run=True)
            + scrub_names(notes_of, NOTE_TEXT, names, dry_run=True),
        }
    files = list(evidence.values_list("file", flat=True))
    deleted = evidence.delete()[1].get(Evidence._meta.label, 0) if files else 0
    delete_after_commit(files, "evidence")
    in_text = scrub_names(entries_of, ENTRY_TEXT, names)
    if in_text:
        _rehash_measures(LedgerEntry.objects.filter(households__in=ids))
    in_text += scrub_names(notes_of, NOTE_TEXT, names)
    return {"evidence": deleted, "names_in_text": in_text}


def _rehash_measures(entries) -> None:
    """``measures_key`` again for the entries whose measures no longer match it (a masked
    measure holds a ``*``); ``bulk_update`` writes no audit row, like the scrub itself."""
    from anju.rectification.models import LedgerEntry, text_key

    masked = LedgerEntry.objects.filter(pk__in=entries.values("pk"), measures__contains="*")
    stale = [
        entry
        for entry in masked.order_by().only("pk", "measures", "measures_key").iterator()
        if entry.measures_key != text_key(entry.measures)
    ]
    for entry in stale:
        entry.measures_key = text_key(entry.measures)
    LedgerEntry.objects.bulk_update(stale, ["measures_key"], batch_size=500)
