"""Signals the registry sends; later stages (screening) listen, the registry imports none of them.

``households_changed(sender, household_ids=[...])`` — sent after a transaction that created
or changed households commits (a form save, an import, a visit's accepted correction).
"""

from django.dispatch import Signal

households_changed = Signal()
