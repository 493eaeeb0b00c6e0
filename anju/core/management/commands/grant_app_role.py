"""PostgreSQL: the role the application connects as, with no right to alter the audit trail
(SECURITY.md row 11: "the app DB role lacks UPDATE/DELETE, checked with has_table_privilege").

Run by the database owner after ``migrate`` (and after each release that adds tables):

    DATABASE_URL=postgres://owner@host/anju python manage.py grant_app_role anju_app

The role may read and write business tables and use their sequences, may only SELECT and
INSERT audit records, and owns nothing (no DDL: migrations run as the owner). The
application then connects as that role (``DATABASE_URL=postgres://anju_app@…``). The
role's password or certificate is set by the DBA, never here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from anju.audit.models import AuditEvent

APPEND_ONLY = (AuditEvent._meta.db_table,)


def grant(role: str) -> None:
    ident = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            ident
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
    ]
    for table in APPEND_ONLY:
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), ident
            )
        )
    raw = connection.connection  # psycopg: composed statements with quoted identifiers
    with transaction.atomic(), raw.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        for statement in statements:
            cursor.execute(statement)


class Command(BaseCommand):
    help = "（PostgreSQL）创建或授权应用连接所用的数据库角色：可读写业务表，审计表只能查询和新增。"

    def add_arguments(self, parser):
        parser.add_argument("role", help="角色名，例如 anju_app")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("只适用于 PostgreSQL（SQLite 没有数据库角色；审计表由触发器保护）。")
        connection.ensure_connection()
        grant(role)
        self.stdout.write(
            f"已授权角色 {role}：业务表可读写；审计表 {', '.join(APPEND_ONLY)} 只能查询和新增。"
        )
