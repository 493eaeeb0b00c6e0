"""SECURITY.md row 10, the static half: every view that changes something is in the
audited-event registry (``anju/audit/coverage.py``) with the events it writes, or is listed
as writing none with a reason. The per-event tests (``test_sec_10_each_event_…``) prove
that each event writes one complete row; this test proves no mutating view escapes them."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from django.contrib.admin.options import ModelAdmin
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic.base import RedirectView

from anju.audit.coverage import AUDITED_VIEWS, NOT_AUDITED
from anju.audit.events import Event

ROOT = Path(__file__).resolve().parents[1] / "anju"
MUTATES = re.compile(
    r"request\.method\s*(==|!=)\s*\"POST\"|request\.method\s+in|request\.POST|request\.FILES"
    r"|require_POST|require_http_methods"
)
ADMIN_MUTATING = ("_add", "_change", "_delete", "_changelist", "password_change")
CRUD = {Event.CREATE, Event.UPDATE, Event.DELETE}


def _views(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, (namespace, p.namespace)))
            yield from _views(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p.callback


def _unwrap(callback):
    view = getattr(callback, "view_class", None) or callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _mutating(name: str, callback) -> bool:
    view = _unwrap(callback)
    if name.startswith("admin:"):
        return name.endswith(ADMIN_MUTATING)
    if isinstance(view, type) and issubclass(view, RedirectView):
        return False
    if isinstance(view, type) and any(hasattr(view, m) for m in ("post", "put", "delete")):
        return True
    return bool(MUTATES.search(inspect.getsource(view)))


def all_views() -> dict[str, object]:
    return dict(_views(get_resolver().url_patterns))


def test_sec_10_every_mutating_view_is_in_the_audit_registry():
    views = all_views()
    mutating = {name for name, cb in views.items() if _mutating(name, cb)}
    assert len(mutating) > 60  # the detector sees the POST views at all
    missing = sorted(mutating - AUDITED_VIEWS.keys() - NOT_AUDITED.keys())
    assert missing == [], f"views that change data but are not in anju/audit/coverage.py: {missing}"


def test_sec_10_the_audit_registry_names_only_real_views_and_events():
    views = all_views()
    stale = sorted((AUDITED_VIEWS.keys() | NOT_AUDITED.keys()) - views.keys())
    assert stale == [], f"registry entries without a URL: {stale}"
    assert not AUDITED_VIEWS.keys() & NOT_AUDITED.keys()
    assert all(AUDITED_VIEWS.values()) and all(reason.strip() for reason in NOT_AUDITED.values())


def _app_source(callback) -> str:
    module = inspect.getmodule(_unwrap(callback))
    parts = module.__name__.split(".")
    if parts[0] != "anju":  # Django's own admin views: our admin site and models
        parts = ["anju", "core"]
    folder = ROOT.joinpath(*parts[1:2])
    # Shared code that writes events for every app: exports, the admin, accounts, and the
    # one transition runner (core/transitions.py writes Event.TRANSITION by default).
    core = ROOT / "core"
    shared = [
        core / "exports.py",
        core / "admin_site.py",
        core / "transitions.py",
        ROOT / "accounts",
    ]
    files = [
        *folder.rglob("*.py"),
        *[f for s in shared for f in (s.rglob("*.py") if s.is_dir() else [s])],
    ]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_sec_10_each_listed_event_is_written_by_that_views_app():
    """A claim in the registry is checked against the code: a non-CRUD event must be written
    (``Event.X``) in the view's app or the shared export/admin code; CRUD events come from
    ``AuditedModel`` saves, so the app must have audited models or write them itself."""
    views = all_views()
    wrong = []
    for name, events in AUDITED_VIEWS.items():
        source = _app_source(views[name])
        for event in events:
            if event in CRUD:
                ok = "AuditedModel" in source or f"Event.{event.name}" in source
                ok = ok or name.startswith("admin:")
            else:
                ok = f"Event.{event.name}" in source
            if not ok:
                wrong.append(f"{name}: {event.name}")
    assert wrong == []


def test_sec_10_every_event_a_view_writes_has_its_own_test():
    from tests.test_security_rows import EVENT_ACTIONS

    # reporting and acceptance have their own tests
    tested = set(EVENT_ACTIONS) | {"submit", "return", "accept", "sign", "reopen"}
    written = {str(e) for events in AUDITED_VIEWS.values() for e in events}
    assert written - tested == set()


def test_the_admin_sites_own_password_page_leads_to_the_audited_one(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == "/account/password/"


def test_the_admin_site_models_are_audited_models():
    from anju.audit.models import AuditedModel
    from anju.core.admin_site import site

    for model, model_admin in site._registry.items():
        assert isinstance(model_admin, ModelAdmin)
        assert issubclass(model, AuditedModel) or model._meta.label == "accounts.User", model
