"""Signals the registry sends; later stages (screening) listen, the registry imports none of them.

``households_changed(sender, household_ids=[...])`` — sent after a transaction that created
or changed households commits (a form save, an import, a visit's accepted correction).

``households_anonymised(sender, anonymised_at=..., households=..., dry_run=False, names={})``
— sent by ``anju.registry.retention.anonymise_closed`` (SECURITY.md row 28) **inside** its
transaction, right after the UPDATE that anonymised the households: ``households`` is
``Household.objects.filter(anonymised_at=anonymised_at)``, the datetime the run stamped. Each
receiver removes what its app holds of them (photos, places) set-wise — queryset
``update()``/``delete()``, files only after the commit (``core.pi.delete_after_commit``) —
and returns a dict of counts (e.g. ``{"visit_photos": 3}``), which the run adds to its audit
row and output. It is sent with ``send()``, not ``send_robust()``: a receiver that fails
rolls the whole run back. On a dry run (``dry_run=True``, ``anonymised_at=None``)
``households`` are those the run would anonymise; a receiver only counts, changes nothing.

``names`` is ``{household pk: (original head_name, text mask)}`` — the full names as they were
before the UPDATE shortened them (王五 → 王**), with the mask free text gets instead: the
first character and one ``*`` per further character (王五 → 王*, 欧阳修 → 欧**; never longer,
so a text still fits its column). Only households whose name free text could still hold in
full are listed (not a one-character name, nor one already masked); a dry run passes them
too. Each receiver replaces the name in the free-text fields of its rows linked to that
household with ``core.pi.scrub_names`` (one UPDATE per field and name, only rows holding
the name; a dry run counts them) and returns the number as ``"names_in_text"``.
"""

from django.dispatch import Signal

households_changed = Signal()
households_anonymised = Signal()
