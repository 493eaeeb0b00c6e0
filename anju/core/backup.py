"""Backups and restores of the database (SECURITY.md row 26).

A backup is the database file (SQLite, through the online backup API, consistent while the
app runs) or a `pg_dump -Fc` archive (PostgreSQL), plus a manifest: for each core table its
row count and a SHA-256 of its ordered primary keys. A restore puts the backup in place and
then recomputes the manifest on the restored database and compares; the audit chain is
verified too. The PI encryption key is never part of a backup (it is not in the database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection, connections

CORE_MODELS = [
    "units.Unit",
    "accounts.User",
    "audit.AuditEvent",
    "registry.Household",
    "registry.Assessment",
    "registry.Renovation",
    "registry.Attachment",
]


def _optional_models() -> list[str]:
    extra = []
    for label in ("screening.Finding", "rectification.LedgerEntry", "reporting.WeeklySubmission"):
        try:
            apps.get_model(label)
            extra.append(label)
        except LookupError:
            continue
    return extra


def fingerprint() -> dict[str, dict]:
    result = {}
    for label in CORE_MODELS + _optional_models():
        model = apps.get_model(label)
        digest = hashlib.sha256()
        count = 0
        for pk in (
            model._base_manager.order_by("pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=10000)
        ):
            digest.update(f"{pk}\n".encode())
            count += 1
        result[label] = {"rows": count, "pk_sha256": digest.hexdigest()}
    return result


def _pg_uri() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = [
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client）。")
    return path


def backup(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if connection.vendor == "sqlite":
        target = directory / f"anju-{stamp}.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        with dest:
            connection.connection.backup(dest)
        dest.close()
    else:
        target = directory / f"anju-{stamp}.pgdump"
        args, env = _pg_uri()
        subprocess.run(  # noqa: S603 — fixed program, arguments from settings, no shell
            [_tool("pg_dump"), "-Fc", *args, "-f", str(target), connection.settings_dict["NAME"]],
            check=True,
            env=env,
        )
    manifest = {
        "created_at": stamp,
        "vendor": connection.vendor,
        "file": target.name,
        "file_sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "tables": fingerprint(),
    }
    target.with_suffix(".json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    os.chmod(target, 0o600)
    return target


def restore(path: Path) -> dict:
    """Put the backup in place of the current database; return the manifest it came with."""
    manifest = json.loads(path.with_suffix(".json").read_text())
    if hashlib.sha256(path.read_bytes()).hexdigest() != manifest["file_sha256"]:
        raise ValueError("备份文件的哈希与清单不符：文件已损坏或被改动。")
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}。")
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connections.close_all()
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(path, name)
    else:
        args, env = _pg_uri()
        connections.close_all()
        subprocess.run(  # noqa: S603 — fixed program, arguments from settings, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            check=True,
            env=env,
        )
    return manifest


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    problems = []
    for label, want in expected.items():
        got = actual.get(label)
        if got != want:
            problems.append(f"{label}: 备份时 {want}，恢复后 {got}")
    return problems
