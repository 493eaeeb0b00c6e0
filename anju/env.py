"""Typed helpers that read settings from the environment and fail loudly.

A malformed value stops the process with a message that names the variable, so a
mistyped deployment never starts with a silently different configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(
        f"环境变量 {name} 的值 {value!r} 无效：应为 true/false（或 1/0、yes/no）。"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 无效：应为整数。") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {number} 无效：不能小于 {minimum}。")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    return Path(value).expanduser().resolve() if value else default


def secret_from_env_or_file(name: str, path: Path, *, generate) -> str:
    """The secret in ``name``; else one kept in ``path`` (created on first use, mode 0600).

    Used for development and the demo. Production sets the variable (see .env.example).
    """
    value = _raw(name)
    if value:
        return value
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
