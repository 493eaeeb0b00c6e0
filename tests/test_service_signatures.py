"""Public services are keyword-only and annotated (issue #19 step 6, docs/ARCHITECTURE.md).

A public function of a ``services.py`` module is a use case other modules call. Its call sites
must read as sentences — ``sign(submission, actor=…, password=…)`` — so at most one parameter
(the thing the use case is about) may be positional; every other one is keyword-only. Every
parameter and the return value are annotated, so mypy (strict for services) can check callers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ANJU = Path(__file__).resolve().parent.parent / "anju"

# Debt from before this test: take a name off when its signature passes. Nothing may be added.
KNOWN: set[str] = set()


def _problems(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = node.args
    positional = args.posonlyargs + args.args
    problems = []
    if len(positional) > 1:
        problems.append(f"positional after the first: {[a.arg for a in positional[1:]]}")
    if args.vararg or args.kwarg:
        problems.append("*args/**kwargs")
    unannotated = [a.arg for a in positional + args.kwonlyargs if a.annotation is None]
    if unannotated:
        problems.append(f"unannotated: {unannotated}")
    if node.returns is None:
        problems.append("no return annotation")
    return problems


def _services() -> dict[str, list[str]]:
    found = {}
    for path in sorted(ANJU.glob("**/services.py")):
        module = ".".join(path.relative_to(ANJU.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef
            ) and not node.name.startswith("_"):
                found[f"{module}.{node.name}"] = _problems(node)
    return found


def test_public_services_are_keyword_only_and_annotated():
    services = _services()
    assert len(services) > 100  # the scan found the services
    failing = {name: problems for name, problems in services.items() if problems}
    new = {name: problems for name, problems in failing.items() if name not in KNOWN}
    assert not new, "\n".join(f"{name}: {'; '.join(p)}" for name, p in sorted(new.items()))


def test_known_debt_only_shrinks():
    services = _services()
    fixed = sorted(name for name in KNOWN if not services.get(name))
    assert not fixed, f"these pass now (or are gone): take them off KNOWN: {fixed}"
