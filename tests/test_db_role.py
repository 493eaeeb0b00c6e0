"""SECURITY.md row 11: the database role the application runs as cannot change or delete
audit records (``grant_app_role``), checked with has_table_privilege and by trying."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles")


@postgres_only
def test_sec_11_the_app_role_may_not_update_or_delete_audit_rows():
    # Roles are cluster-wide but CREATE ROLE is transactional: the test's rollback drops it.
    role = f"anju_app_{uuid.uuid4().hex[:8]}"
    call_command("grant_app_role", role)
    checks = [
        ("audit_auditevent", "SELECT"),
        ("audit_auditevent", "INSERT"),
        ("audit_auditevent", "UPDATE"),
        ("audit_auditevent", "DELETE"),
        ("audit_auditevent", "TRUNCATE"),
        ("registry_household", "UPDATE"),
        ("registry_household", "DELETE"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["has_table_privilege(%s, %s, %s)"] * len(checks)),
            [value for table, right in checks for value in (role, table, right)],
        )
        got = dict(zip(checks, cursor.fetchone(), strict=True))
    assert got == {
        ("audit_auditevent", "SELECT"): True,
        ("audit_auditevent", "INSERT"): True,
        ("audit_auditevent", "UPDATE"): False,
        ("audit_auditevent", "DELETE"): False,
        ("audit_auditevent", "TRUNCATE"): False,
        ("registry_household", "UPDATE"): True,
        ("registry_household", "DELETE"): True,
    }
    # and as that role the database itself refuses (before any trigger is reached)
    for statement in ("DELETE FROM audit_auditevent", "UPDATE audit_auditevent SET ip = NULL"):
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(statement)


@postgres_only
def test_granting_twice_is_harmless():
    role = f"anju_app_{uuid.uuid4().hex[:8]}"
    call_command("grant_app_role", role)
    call_command("grant_app_role", role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [role])
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite answer")
def test_on_sqlite_the_command_explains_itself():
    with pytest.raises(CommandError, match="只适用于 PostgreSQL"):
        call_command("grant_app_role", "anju_app")
