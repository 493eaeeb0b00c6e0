"""Signals screening sends; later stages (the ledger) listen, screening imports none of them.

``finding_confirmed(sender=Finding, finding=…, user=…)`` — sent after a township officer's
confirmation commits: the ledger creates or joins a rectification entry for it.
"""

from django.dispatch import Signal

finding_confirmed = Signal()
