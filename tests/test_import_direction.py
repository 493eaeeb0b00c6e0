"""Imports run one way (docs/ARCHITECTURE.md): a stage app imports the apps before it in the
flow and the base apps, never one after it — an earlier app reaches a later one only through
a signal or a registry that ARCHITECTURE.md names. The base apps import no stage app."""

from __future__ import annotations

import ast
from pathlib import Path

ANJU = Path(__file__).resolve().parent.parent / "anju"

BASE = {"core", "audit", "units", "accounts", "campaigns", "documents"}
# The flow of DESIGN.md §3; api and publicity read the stages before them.
STAGES = [
    "registry",
    "monitoring",
    "screening",
    "visits",
    "rectification",
    "reporting",
    "acceptance",
    "inspections",
    "notices",
    "overview",
    "publicity",
    "api",
]
# Known uphill imports, each with its reason; take one off when it is gone.
KNOWN = {
    # A house visit's problem becomes a draft 整改台账 entry (and its review page shows the
    # entry's state): visits writes to the ledger of the next stage.
    ("visits", "rectification", "anju/visits/services.py"),
    ("visits", "rectification", "anju/visits/views_review.py"),
    # The demo's last step computes the overview once, after every stage has its data.
    ("notices", "overview", "anju/notices/demo.py"),
    # The round pages (#16) edit a round's weekly schedule and its rule parameters: the pages
    # belong above the stages, the Campaign model below them (one app holds both today).
    ("campaigns", "reporting", "anju/campaigns/forms.py"),
    ("campaigns", "reporting", "anju/campaigns/services.py"),
    ("campaigns", "reporting", "anju/campaigns/views.py"),
    ("campaigns", "screening", "anju/campaigns/forms.py"),
    # 动态监测 (#18, landed meanwhile): screening reads the department lists, and monitoring
    # re-screens after an import and links findings — a signal would carry the first.
    ("monitoring", "screening", "anju/monitoring/services.py"),
    ("monitoring", "screening", "anju/monitoring/views.py"),
}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def uphill() -> set[tuple[str, str, str]]:
    apps = set(STAGES) | BASE
    found = set()
    for path in sorted(ANJU.rglob("*.py")):
        parts = path.relative_to(ANJU).parts
        if len(parts) < 2 or "migrations" in parts or parts[0] not in apps:
            continue
        app = parts[0]
        for module in _imports(path):
            names = module.split(".")
            if names[0] != "anju" or len(names) < 2 or names[1] in (app, *BASE):
                continue
            target = names[1]
            if target not in STAGES:
                continue
            if app in BASE or STAGES.index(target) > STAGES.index(app):
                found.add((app, target, str(path.relative_to(ANJU.parent))))
    return found


def test_every_app_is_placed():
    on_disk = {p.name for p in ANJU.iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(STAGES) | BASE


def test_imports_run_from_later_stages_to_earlier_ones():
    assert uphill() - KNOWN == set()


def test_the_known_uphill_imports_are_still_there():
    # a cleaned-up exception is taken off the list, so the list stays true
    assert KNOWN - uphill() == set()


def test_retention_asks_the_later_stages_whether_a_case_is_open():
    from anju.registry import retention

    assert set(retention._open_cases) >= {"screening.open_finding", "rectification.open_entry"}
