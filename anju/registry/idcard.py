"""Resident identity numbers (GB 11643-1999, DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def normalize(raw: str | None) -> str:
    """Full-width → half-width, spaces removed, lower-case x → X."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"\s+", "", text).upper()


def has_shape(value: str) -> bool:
    """17 digits and a digit or X: anything else is not an ID number at all."""
    return bool(SHAPE.match(value))


def check_char(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def problems(value: str, today: dt.date | None = None) -> list[str]:
    """What is wrong with a well-shaped ID number (empty when valid)."""
    found = []
    if check_char(value[:17]) != value[17]:
        found.append(f"校验码应为 {check_char(value[:17])}")
    born = birth_date(value)
    today = today or dt.date.today()
    if born is None or born.year < 1800 or born > today:
        found.append(f"出生日期 {value[6:14]} 不存在")
    return found


def is_valid(value: str) -> bool:
    return has_shape(value) and not problems(value)


def make(prefix6: str, born: dt.date, sequence: int) -> str:
    """A valid-format ID number (for synthetic demo data)."""
    first17 = f"{prefix6}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
