"""Shared fixtures: the people of every test (STYLE.md: reviewer, officer of A, officer of B).

Townships A (火龙镇) and B (顺店镇) come from the shipped unit data; each gets two
villages. Every persona has a logged-in client: ``as_user(persona)``.
"""

from __future__ import annotations

import itertools
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.units.models import Level, Unit

PASSWORD = "Persona#2022pw"
_ANCHOR_DIRS = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_audit_anchors():
    """Each test its own (not yet created) folder of audit anchors: an anchor written by one
    test (a backup, ``anchor_audit``) must not be checked against the next test's chain."""
    folder = Path(settings.AUDIT_ANCHOR_DIR) / f"t{next(_ANCHOR_DIRS)}"
    with override_settings(AUDIT_ANCHOR_DIR=folder):
        yield folder


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """``db_worker`` run in the test process installs its own SIGTERM/SIGINT handlers (a
    graceful shutdown) and leaves them: afterwards the suite ignored a kill and Ctrl-C."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        if signal.getsignal(number) is not handler:
            signal.signal(number, handler)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the demo leaves it before any data: the county's demo round
    (a production install has none; tests/campaigns/test_rounds.py starts from nothing).
    Made after the migrations, then the databases' serialised copy (used by transactional
    tests with ``serialized_rollback``) is taken again so that it includes the round."""
    from django.db import connection, connections

    from anju.audit.context import SYSTEM, acting_as
    from anju.campaigns.demo import demo_round

    with django_db_blocker.unblock():
        county = Unit.objects.filter(level=Level.COUNTY).order_by("code").first()
        if county is not None:
            with acting_as(SYSTEM):
                demo_round(county)
            # The round stands as the migrations would leave it: tests that count or chain
            # audit rows start from an empty log, as they did before the round moved here.
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent")
        for conn in connections.all(initialized_only=True):
            if getattr(conn, "_test_serialized_contents", None) is not None:
                conn._test_serialized_contents = conn.creation.serialize_db_to_string()


@pytest.fixture
def county(db):
    return Unit.objects.get(code="411081")


@pytest.fixture
def township_a(db):
    return Unit.objects.get(code="411081100")


@pytest.fixture
def township_b(db):
    return Unit.objects.get(code="411081101")


def _village(township: Unit, n: int, name: str) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        code=f"{township.code}{200 + n:03d}",
        defaults={"name": name, "level": Level.VILLAGE, "parent": township, "is_fictional": True},
    )
    return unit


@pytest.fixture
def village_a(township_a):
    return _village(township_a, 1, "甲一村")


@pytest.fixture
def village_a2(township_a):
    return _village(township_a, 2, "甲二村")


@pytest.fixture
def village_b(township_b):
    return _village(township_b, 1, "乙一村")


def make_user(username: str, role: Role, unit: Unit, **extra) -> User:
    user = User(username=username, full_name=username, role=role, unit=unit, **extra)
    user.set_password(PASSWORD)
    user.must_change_password = extra.get("must_change_password", False)
    user.save()
    return user


@pytest.fixture
def city_admin(county):
    return make_user("p_city_admin", Role.CITY_ADMIN, county)


@pytest.fixture
def city_reviewer(county):
    return make_user("p_reviewer", Role.CITY_REVIEWER, county)


@pytest.fixture
def inspector(county):
    return make_user("p_inspector", Role.INSPECTOR, county)


@pytest.fixture
def security_admin(county):
    return make_user("p_security", Role.SECURITY_ADMIN, county)


@pytest.fixture
def audit_admin(county):
    return make_user("p_audit", Role.AUDIT_ADMIN, county)


@pytest.fixture
def officer_a(township_a):
    return make_user("p_officer_a", Role.TOWNSHIP_OFFICER, township_a)


@pytest.fixture
def head_a(township_a):
    return make_user("p_head_a", Role.TOWNSHIP_HEAD, township_a)


@pytest.fixture
def officer_b(township_b):
    return make_user("p_officer_b", Role.TOWNSHIP_OFFICER, township_b)


@pytest.fixture
def worker_a(village_a):
    return make_user("p_worker_a", Role.VILLAGE_WORKER, village_a)


PERSONAS = [
    "city_admin",
    "city_reviewer",
    "inspector",
    "security_admin",
    "audit_admin",
    "officer_a",
    "head_a",
    "officer_b",
    "worker_a",
]


@pytest.fixture
def as_user():
    """``as_user(user)`` → a test client logged in as that user."""

    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login
