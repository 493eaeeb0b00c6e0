"""The home page is built from panels: each app registers what its people have to do.

A panel is a template plus a function that returns its context for the user (or None to
hide the panel). Apps register panels in their nav.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    roles: frozenset[str]
    context: Callable
    order: int = 100


_panels: dict[str, Panel] = {}


def register(key: str, template: str, roles, context: Callable, order: int = 100) -> None:
    _panels[key] = Panel(key, template, frozenset(str(r) for r in roles), context, order)


def panels_for(request) -> list[tuple[Panel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if request.user.role not in panel.roles:
            continue
        ctx = panel.context(request)
        if ctx is not None:
            shown.append((panel, ctx))
    return shown
