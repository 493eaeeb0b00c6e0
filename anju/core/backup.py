"""Backups and restores of the database and the uploaded files (SECURITY.md row 26).

A backup is the database file (SQLite, through the online backup API, consistent while the
app runs) or a `pg_dump -Fc` archive (PostgreSQL); a tar of the media folder (photos,
evidence, work plans, signed final reports, issued notices); and a manifest: for each core
table its row count and a SHA-256 of its ordered primary keys, and each file's SHA-256. A
restore checks both hashes, puts the database and the files in place, then recomputes the
manifest on the restored database and compares; the audit chain is verified too. The PI
encryption key is never part of a backup (it is not in the database).

Each backup first anchors the audit chain's head (``anju/audit/anchors.py``) and keeps a copy
of that signed anchor beside the backup (``anju-<stamp>.anchor.json``): the restored chain
must reach it. A restore sets aside the anchors written after that one (their rows are not
in the backup) and records that it did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
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
    from anju.audit import anchors

    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    anchor = anchors.write("backup")  # the head every row of this backup reaches
    assert anchor is not None  # only a once-a-day anchor is ever skipped
    anchor_copy = directory / f"anju-{stamp}.anchor.json"
    shutil.copyfile(anchor, anchor_copy)
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
    media = _media_archive(directory / f"anju-{stamp}.media.tar")
    manifest = {
        "created_at": stamp,
        "vendor": connection.vendor,
        "file": target.name,
        "file_sha256": _sha256(target),
        "media": media,
        "audit_anchor": {"file": anchor_copy.name, "sha256": _sha256(anchor_copy)},
        "tables": fingerprint(),
    }
    target.with_suffix(".json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    os.chmod(target, 0o600)
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_archive(target: Path) -> dict:
    """Every uploaded file, uncompressed (photos and documents are compressed already)."""
    root = _media_root()
    count = 0
    with tarfile.open(target, "w") as tar:
        if root.exists():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                count += 1
    os.chmod(target, 0o600)
    return {"file": target.name, "sha256": _sha256(target), "files": count}


def _restore_media(directory: Path, media: dict) -> None:
    archive = directory / media["file"]
    if not archive.exists() or _sha256(archive) != media["sha256"]:
        raise ValueError(f"上传文件备份 {media['file']} 缺失或哈希与清单不符。")
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")  # no absolute paths, no "..", no links out


def restore(path: Path) -> dict:
    """Put the backup in place of the current database; return the manifest it came with."""
    manifest = json.loads(path.with_suffix(".json").read_text())
    if _sha256(path) != manifest["file_sha256"]:
        raise ValueError("备份文件的哈希与清单不符：文件已损坏或被改动。")
    if manifest.get("media"):
        archive = path.parent / manifest["media"]["file"]
        if not archive.exists() or _sha256(archive) != manifest["media"]["sha256"]:
            raise ValueError(f"上传文件备份 {manifest['media']['file']} 缺失或哈希与清单不符。")
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
    if manifest.get("media"):
        _restore_media(path.parent, manifest["media"])
    return manifest


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    problems = []
    for label, want in expected.items():
        got = actual.get(label)
        if got != want:
            problems.append(f"{label}: 备份时 {want}，恢复后 {got}")
    return problems


def backup_anchor(path: Path, manifest: dict) -> Path | None:
    """The copy of the audit anchor written with the backup (None for older backups)."""
    entry = manifest.get("audit_anchor")
    if not entry:
        return None
    copy = path.parent / entry["file"]
    if not copy.exists() or _sha256(copy) != entry["sha256"]:
        raise ValueError(f"审计锚点 {entry['file']} 缺失或哈希与清单不符。")
    return copy


def set_aside_later_anchors(anchor_copy: Path | None) -> list[dict]:
    """Move the anchors written after the backup's own into ``superseded-<time>/`` (the
    rows they count are not in the restored database); return what each recorded."""
    from django.utils import timezone

    from anju.audit import anchors

    if anchor_copy is None:
        return []
    mine = anchors.parse(anchor_copy.name, anchor_copy.read_text(encoding="utf-8"))
    if mine.problem:
        raise ValueError(mine.problem)
    folder = anchors.directory()
    later = [
        a
        for a in anchors.read_all(folder)
        if not a.problem and a.body["created_at"] > mine.body["created_at"]
    ]
    if not later:
        return []
    aside = folder / f"superseded-{timezone.localtime():%Y%m%dT%H%M%S}"
    aside.mkdir(parents=True, exist_ok=True)
    for anchor in later:
        (folder / anchor.name).rename(aside / anchor.name)
    return [{"file": f"{aside.name}/{a.name}", "rows": a.rows, "last_id": a.last_id} for a in later]
