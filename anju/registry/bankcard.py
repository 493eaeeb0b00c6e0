"""补助发放账号 (the household's 一卡通/社保卡 account for the subsidy): shape and mask.

Stored like the phone (SECURITY.md row 15): encrypted by ``anju.core.crypto``, shown only as
a mask that keeps the last four digits (``6217 0000 0000 1234`` → ``****1234``).
"""

from __future__ import annotations

import re
import unicodedata

MIN_DIGITS = 12
MAX_DIGITS = 30
_SPACES = re.compile(r"\s+")


def normalize(raw: str | None) -> str:
    """Full-width digits made ASCII, spaces removed; nothing else is changed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw or ""))


def problem(value: str) -> str:
    """Why a normalised account number is refused, or "" when it is acceptable."""
    if not value.isascii() or not value.isdigit():
        return "只能包含数字（可用空格分组）"
    if not MIN_DIGITS <= len(value) <= MAX_DIGITS:
        return f"应为 {MIN_DIGITS} 到 {MAX_DIGITS} 位数字（现为 {len(value)} 位）"
    return ""


def mask(value: str | None) -> str:
    """``****1234``: the last four digits only."""
    if not value:
        return ""
    return f"****{value[-4:]}"
