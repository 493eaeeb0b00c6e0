"""No edit form silently overwrites someone else's change (issue #13, major 5).

The views that change an existing record are found from the URLconf — every view the
audit registry (``anju/audit/coverage.py``) says updates, transitions, submits, returns,
accepts, signs or changes settings or roles, and every URL named ``…edit`` — so a new edit
form is walked here without anyone adding it. Each must be marked ``@versioned`` (or be a
Django-admin change page, which ``RoleAdmin`` versions) or say in
``anju.core.versions.NOT_VERSIONED`` why it needs no check.

Then ONE test walks every versioned form, as two people would use it: A opens the page; B
opens the same record and saves a change; A saves. A must get the Chinese conflict message
naming B, and the record must stay as B left it. The scenario of each form (who A and B
are, what each changes, how to read the record) is in ``CASES``; a versioned view without
one fails the test. The scenarios are in ``tests/edit_conflict_cases.py``.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from anju.accounts.models import User
from anju.audit.coverage import AUDITED_VIEWS
from anju.audit.events import Event as E
from anju.core.admin_site import RoleAdmin
from anju.core.versions import NOT_VERSIONED
from tests.edit_conflict_cases import CASES, Case, World
from tests.html_forms import form_of
from tests.test_audit_coverage import all_views

pytestmark = pytest.mark.django_db

EDITS = {
    E.UPDATE,
    E.TRANSITION,
    E.SETTINGS_CHANGED,
    E.ROLE_CHANGED,
    E.SUBMIT,
    E.ACCEPT,
    E.RETURN,
    E.SIGN,
    E.REOPEN,
}
CONFLICT = "未保存：您打开页面之后"


def edit_views() -> dict[str, Any]:
    views = all_views()
    names = {n for n, events in AUDITED_VIEWS.items() if events & EDITS}
    names |= {n for n in views if n.endswith("edit")}
    return {n: views[n] for n in sorted(names) if n in views}


def _admin_change(name: str) -> bool:
    """A change page of the admin site whose ModelAdmin is a RoleAdmin (versioned form)."""
    from anju.core.admin_site import site

    admins = {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_change": a
        for m, a in site._registry.items()
    }
    return isinstance(admins.get(name), RoleAdmin)


def is_versioned(name: str, callback) -> bool:
    return _admin_change(name) or getattr(callback, "versioned", False)


def test_every_edit_view_checks_the_version_or_says_why_not():
    views = edit_views()
    assert len(views) > 30  # the walk sees the edit views at all
    unchecked = [n for n, cb in views.items() if not is_versioned(n, cb) and n not in NOT_VERSIONED]
    assert unchecked == [], f"edit views without @versioned or a NOT_VERSIONED reason: {unchecked}"
    stale = sorted(set(NOT_VERSIONED) - set(views))
    assert stale == [], f"NOT_VERSIONED names no edit view: {stale}"
    both = [n for n in NOT_VERSIONED if is_versioned(n, views[n])]
    assert both == [] and all(reason.strip() for reason in NOT_VERSIONED.values())


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _walk(case: Case) -> None:
    a, b = _client(case.a), _client(case.b)
    page = a.get(case.page)
    assert page.status_code == 200, f"A's page {case.page}: {page.status_code}"
    mine = form_of(page.content.decode(), case.page, case.action, case.pick)
    assert "version" in mine, "the form does not carry the version it was opened on"
    if case.change_b is not None:
        case.change_b()
    else:
        b_page = case.b_page or case.page
        b_action = case.b_action or case.action
        theirs = form_of(b.get(b_page).content.decode(), b_page, b_action, case.pick_b)
        done = b.post(b_action, case.edit_b(theirs), follow=True)
        assert CONFLICT not in done.content.decode(), "B's save was refused"
        assert done.redirect_chain, (
            f"B's save did not go through ({done.status_code}): {_messages(done.content.decode())}"
        )
    saved = case.read()
    response = a.post(case.action, case.edit_a(mine), follow=True)
    html = response.content.decode()
    shown = _messages(html)
    assert CONFLICT in html, f"no conflict message (status {response.status_code}): {shown}"
    assert case.b.username in html, f"the message does not name who changed it: {shown}"
    assert case.read() == saved, f"A's stale save changed the record: {saved} -> {case.read()}"


def _messages(html: str) -> str:
    """The page's alerts (for a readable failure)."""
    import re

    found = re.findall(r'class="(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return " | ".join(re.sub(r"<[^>]+>|\s+", " ", m).strip()[:200] for m in found)[:600]


def test_every_edit_form_refuses_a_stale_version(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", households=60, villages_per_township=3, stdout=io.StringIO())
    world = World()
    versioned = [n for n, cb in edit_views().items() if is_versioned(n, cb)]
    failures = []
    for name in versioned:
        if name not in CASES:
            failures.append(f"{name}: no scenario in CASES (add one)")
            continue
        try:
            _walk(CASES[name](world))
        except Exception as exc:  # noqa: BLE001 — every form is walked, then all failures shown
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    assert failures == [], "\n".join(failures)
    assert len(versioned) == len(CASES)
