"""Navigation that depends on role. Each app registers its own entries in its nav.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: list[NavItem] = []


def register(label: str, url_name: str, roles, order: int = 100) -> None:
    item = NavItem(str(label), url_name, frozenset(str(r) for r in roles), order)
    if item not in _items:
        _items.append(item)


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted((i for i in _items if user.role in i.roles), key=lambda i: (i.order, i.label))
