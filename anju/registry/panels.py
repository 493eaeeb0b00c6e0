"""Sections other stages add to the household page (findings, visits, ledger entries).

    from anju.registry import panels
    panels.register("screening.findings", "screening/_household_findings.html", context_func, order=20)

``context_func(request, household)`` returns the template's context dict (or None to hide).
The household page renders each registered panel below its own sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HouseholdPanel:
    key: str
    template: str
    context: Callable
    order: int = 100


_panels: dict[str, HouseholdPanel] = {}


def register(key: str, template: str, context: Callable, order: int = 100) -> None:
    _panels[key] = HouseholdPanel(key, template, context, order)


def panels_for(request, household) -> list[tuple[HouseholdPanel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        ctx = panel.context(request, household)
        if ctx is not None:
            shown.append((panel, ctx))
    return shown
