"""A malformed environment stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(tmp_path, **env):
    full = {**os.environ, "ANJU_DATA_DIR": str(tmp_path), **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ANJU_DEBUG", "maybe"),
        ("ANJU_SESSION_IDLE_MINUTES", "thirty"),
        ("ANJU_LOGIN_LOCK_MINUTES", "5"),
        ("DATABASE_URL", "mysql://root@localhost/anju"),
        ("ANJU_PASSWORD_MIN_LENGTH", "6"),
    ],
)
def test_bad_variable_is_named(tmp_path, name, value):
    result = run_check(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_defaults_start(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
