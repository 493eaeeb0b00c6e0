"""The rule catalogue (RULES.md): one module per aspect, every rule the same shape (base.py).

from anju.screening import rules
rules.all_rules()        # in catalogue order
rules.get("A4-01")
"""

from __future__ import annotations

from anju.screening.rules import (  # noqa: F401
    aspect1,
    aspect2,
    aspect3,
    aspect4,
    aspect5,
    quality,
    reconcile,
)
from anju.screening.rules.base import CATALOGUE, Aspect, Param, Params, Rule, Severity


def _order(code: str) -> tuple[bool, str, int]:
    head, _, tail = code.partition("-")
    return (head == "D", head, int(tail))


def all_rules() -> list[Rule]:
    return [CATALOGUE[c] for c in sorted(CATALOGUE, key=_order)]


def get(code: str) -> Rule:
    return CATALOGUE[code]


def exists(code: str) -> bool:
    return code in CATALOGUE


__all__ = ["Aspect", "Param", "Params", "Rule", "Severity", "all_rules", "exists", "get"]
