"""Use cases of 动态监测, called alike by pages, commands and the demo."""

from __future__ import annotations

from anju.accounts.roles import CITY

# The lists arrive at the county bureau (SOURCES.md): its city roles import them.
LIST_IMPORTERS = CITY


def can_import_lists(user) -> bool:
    return getattr(user, "role", None) in LIST_IMPORTERS
