"""Cell parsers of the registry workbook: messy values in, clean values out (TEMPLATE.md).

Every parser takes one raw cell as a reader gives it (``str``, ``int``, ``float``, ``bool``,
``date`` or ``datetime``) and returns the clean value, ``None`` for an empty cell (unknown),
or a ``Warned(value, message)`` when the value is imported with a remark. A value that
cannot be used raises ``CellError`` with a Chinese message that says what is wrong and
what is expected. Parsers are pure functions of the cell, so the importer caches them per
distinct text (a column of 是/否 is parsed twice, not 100,000 times).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias

from django.db import models
from django.utils import timezone

from anju.core import crypto
from anju.registry import idcard
from anju.registry.choices import GROUP_ALIASES, KeyGroup

# A cell as the readers give it (a ``datetime`` is a ``date`` too; calamine also gives
# ``time`` and ``timedelta`` for time and duration formats); ``None`` is empty.
Cell: TypeAlias = str | int | float | bool | dt.date | dt.time | dt.timedelta | None


class CellError(ValueError):
    """The cell cannot be imported; the message is shown to the user as is."""


class Warned:
    """A value that is imported, with a remark the user should see (a warning)."""

    __slots__ = ("value", "message")

    def __init__(self, value: object, message: str) -> None:
        self.value = value
        self.message = message


_today: tuple[int, dt.date] | None = None  # (the minute, the date then)


def today() -> dt.date:
    """The local date (looked up once a minute: parsers run for every cell)."""
    global _today
    minute = int(time.time() // 60)
    if _today is None or _today[0] != minute:
        _today = (minute, timezone.localdate())
    return _today[1]


def clean(raw: Cell) -> str:
    """The cell as trimmed half-width text; a number keeps no trailing ``.0``.

    A leading apostrophe that only protected a formula character (as exports write it,
    SECURITY.md row 18) is dropped, so an exported workbook imports unchanged.
    """
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = str(raw)
    text = unicodedata.normalize("NFKC", text).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def display(raw: Cell) -> str:
    """How a raw cell is quoted back in a problem message."""
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    text = str(raw)
    return text if len(text) <= 60 else text[:57] + "…"


# --- text -----------------------------------------------------------------------------------
# Free text keeps its Chinese punctuation (，：（）), so it is not NFKC-normalised: only
# full-width digits, letters and the ideographic space become half-width.
HALF_WIDTH = {0x3000: " "} | {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
HALF_WIDTH |= {c: c - 0xFEE0 for c in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}


def clean_text(raw: Cell) -> str:
    if not isinstance(raw, str):
        return clean(raw)
    value = raw.translate(HALF_WIDTH).strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        value = value[1:]
    return value


def text(*, max_len: int, min_len: int = 1, squeeze: bool = False) -> Callable[[Cell], str | None]:
    """Free text; ``squeeze`` removes every space (names written with spaces to align)."""

    def parse(raw: Cell) -> str | None:
        value = clean_text(raw)
        value = re.sub(r"\s+", "" if squeeze else " ", value)
        if not value:
            return None
        if len(value) < min_len or len(value) > max_len:
            if min_len > 1:
                raise CellError(f"应为 {min_len}–{max_len} 个字，现为 {len(value)} 个字")
            raise CellError(f"不能超过 {max_len} 个字，现为 {len(value)} 个字")
        return value

    return parse


def id_number(raw: Cell) -> str | Warned | None:
    """身份证号: 17 digits and a digit or X. A wrong check character or birth date is a
    warning: the household is imported and screening rule D-01 flags it."""
    if isinstance(raw, float):
        raise CellError("身份证号被存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新填写")
    value = idcard.normalize(clean(raw) if not isinstance(raw, str) else raw)
    value = value.removeprefix("'")
    if not value:
        return None
    if not idcard.has_shape(value):
        raise CellError(
            f"不是 18 位身份证号（现为 {len(value)} 位）：应为 17 位数字加 1 位数字或 X"
        )
    found = idcard.problems(value, today())
    if found:
        return Warned(value, "身份证号校验未通过（" + "；".join(found) + "），已导入，请核实")
    return value


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3})-?([2-9]\d{6,7})$")
LOCAL_LINE = re.compile(r"^[2-9]\d{6,7}$")


def phone(raw: Cell) -> str | None:
    value = clean(raw)
    value = re.sub(r"[\s()]", "", value).replace("—", "-")
    value = value.removeprefix("+86").removeprefix("0086")
    if not value:
        return None
    if MOBILE.match(value.replace("-", "")):
        return value.replace("-", "")
    match = LANDLINE.match(value)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    if LOCAL_LINE.match(value):
        return value
    raise CellError("应为 11 位手机号（如 13812345678）或固定电话（如 0374-8123456）")


def mask_for(column_kind: str, raw: Cell) -> str:
    """Problem messages never carry a full ID number or phone (SECURITY.md row 16)."""
    text_value = display(raw)
    if column_kind == "id_number":
        return crypto.mask_id_number(idcard.normalize(text_value))
    if column_kind == "phone":
        return crypto.mask_phone(re.sub(r"\s", "", text_value))
    return text_value


# --- numbers --------------------------------------------------------------------------------
def _number(raw: Cell, *, units: dict[str, int]) -> Decimal:
    if isinstance(raw, bool):
        raise CellError("不是数字")
    if isinstance(raw, int | float):
        return Decimal(repr(raw))
    value = clean(raw).replace(" ", "").replace(",", "")
    factor = 1
    for unit, times in units.items():
        if value.endswith(unit):
            value, factor = value[: -len(unit)], times
            break
    try:
        number = Decimal(value) * factor
    except InvalidOperation:
        raise CellError("不是数字") from None
    if not number.is_finite():
        raise CellError("不是数字")
    return number


def integer(
    *, lo: int, hi: int, units: tuple[str, ...] = ("人", "口", "年")
) -> Callable[[Cell], int | None]:
    unit_map = dict.fromkeys(units, 1)

    def parse(raw: Cell) -> int | None:
        if isinstance(raw, str) and not clean(raw):
            return None
        if isinstance(raw, dt.date):
            raise CellError(f"应为 {lo}–{hi} 的整数")
        try:
            number = _number(raw, units=unit_map)
        except CellError:
            raise CellError(f"不是数字：应为 {lo}–{hi} 的整数") from None
        if number != number.to_integral_value():
            raise CellError(f"应为 {lo}–{hi} 的整数")
        value = int(number)
        if not lo <= value <= hi:
            raise CellError(f"应为 {lo}–{hi} 的整数")
        return value

    return parse


def year(raw: Cell) -> int | None:
    if isinstance(raw, dt.date):
        value = raw.year
    else:
        if isinstance(raw, str) and not clean(raw):
            return None
        try:
            number = _number(raw, units={"年": 1})
        except CellError:
            raise CellError("应为四位年份，如 1998") from None
        if number != number.to_integral_value():
            raise CellError("应为四位年份，如 1998")
        value = int(number)
    if not 1900 <= value <= today().year:
        raise CellError(f"应为 1900–{today().year} 之间的年份")
    return value


AREA_UNITS = {"平方米": 1, "平米": 1, "m2": 1, "M2": 1, "米2": 1}
MONEY_UNITS = {"万元": 10000, "元": 1, "万": 10000}
CENT = Decimal("0.01")


def decimal(
    *, positive: bool, units: dict[str, int], limit: Decimal
) -> Callable[[Cell], Decimal | None]:
    """An amount or area with up to two decimals: units and thousands separators removed;
    ``positive`` demands > 0 (areas), else ≥ 0 (money)."""

    def parse(raw: Cell) -> Decimal | None:
        if isinstance(raw, str) and not clean(raw):
            return None
        if isinstance(raw, dt.date):
            raise CellError("不是数字")
        number = _number(raw, units=units).quantize(CENT, rounding=ROUND_HALF_UP)
        if positive and number <= 0:
            raise CellError("应为大于 0 的数字")
        if number < 0:
            raise CellError("不能为负数")
        if number >= limit:
            raise CellError(f"数值过大（应小于 {limit:,.0f}）")
        return number

    return parse


# --- yes / no -------------------------------------------------------------------------------
TRUE_WORDS = frozenset({"是", "有", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对", "已"})
FALSE_WORDS = frozenset({"否", "无", "×", "✗", "✘", "N", "NO", "0", "FALSE", "没有", "未"})


def boolean(raw: Cell) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise CellError("应为 是/否（也可填 有/无、√/×、Y/N、1/0）")
    value = clean(raw).upper()
    if not value:
        return None
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise CellError("应为 是/否（也可填 有/无、√/×、Y/N、1/0）")


# --- enumerations ---------------------------------------------------------------------------
NONE_WORDS = ("无", "否", "没有", "不是", "非监测对象")


# What real exports write in a value column for "not applicable / not done" (a household
# never renovated: 改造方式 无, 未改造, —): read as an empty cell, never as an error.
BLANK_WORDS = (*NONE_WORDS, "未改造", "暂未改造", "不涉及", "-", "—", "－", "/", "／", "\\")


def choice(
    enum: type[models.TextChoices],
    *,
    aliases: dict[str, str] | None = None,
    blank_words: tuple[str, ...] = (),
) -> Callable[[Cell], str | None]:
    """One of the enumeration's values; ``aliases`` maps other spellings; when the
    enumeration has an empty member, 无/否 set it explicitly (an empty cell stays unknown);
    ``blank_words`` are read as an empty cell."""
    lookup: dict[str, str | None] = {}
    if "" in enum.values:
        lookup.update(dict.fromkeys(NONE_WORDS, ""))
    lookup.update(dict.fromkeys(blank_words))
    lookup.update({str(v): str(v) for v in enum.values if v})
    lookup.update(aliases or {})
    allowed = "、".join(str(v) for v in enum.values if v)
    suffix = "，或填“无”" if "" in enum.values else ""

    def parse(raw: Cell) -> str | None:
        value = re.sub(r"\s+", "", clean(raw))
        if not value:
            return None
        if value in lookup:
            return lookup[value]
        raise CellError(f"应为以下之一：{allowed}{suffix}")

    return parse


GRADE_PATTERN = re.compile(r"^([ABCD])(级|类)?$")


def grade(raw: Cell) -> str | None:
    value = re.sub(r"\s+", "", clean(raw)).upper()
    if not value:
        return None
    match = GRADE_PATTERN.match(value)
    if not match:
        raise CellError("应为 A、B、C、D 之一（也可写 A级）")
    return match.group(1)


# --- key groups -----------------------------------------------------------------------------
GROUP_SPLIT = re.compile(r"[、,;/\s]+")
GROUP_LOOKUP = {g.label: g.value for g in KeyGroup} | {k: v.value for k, v in GROUP_ALIASES.items()}


def groups(raw: Cell) -> int | None:
    value = clean(raw)
    if not value:
        return None
    if value in NONE_WORDS:
        return 0
    mask = 0
    for token in GROUP_SPLIT.split(value):
        if not token:
            continue
        if token not in GROUP_LOOKUP:
            allowed = "、".join(g.label for g in KeyGroup)
            raise CellError(f"“{token}”不是重点对象类别：应为 {allowed}，多个用顿号分隔")
        mask |= GROUP_LOOKUP[token]
    return mask


def groups_text(mask: int | None) -> str:
    if mask is None:
        return ""
    return "、".join(g.label for g in KeyGroup if mask & g.value)


# --- dates ----------------------------------------------------------------------------------
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_EXPECTED = "应为日期，如 2022-05-20、2022/5/20、2022.5.20、2022年5月20日 或 20220520"


def _from_number(number: float) -> dt.date:
    if not float(number).is_integer():
        number = int(number)  # a date-time serial: the day part
    number = int(number)
    if 19000101 <= number <= 29991231:
        return _real(number // 10000, number // 100 % 100, number % 100, str(number))
    if 1 <= number <= 2958465:
        return EXCEL_EPOCH + dt.timedelta(days=number)
    raise CellError(DATE_EXPECTED)


def _real(y: int, m: int, d: int, shown: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise CellError(f"日期“{shown}”不存在") from None


def date(raw: Cell) -> dt.date | None:
    value: dt.date | None
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, bool):
        raise CellError(DATE_EXPECTED)
    elif isinstance(raw, int | float):
        value = _from_number(raw)
    else:
        text_value = re.sub(r"\s+", " ", clean(raw))
        if not text_value:
            return None
        value = None
        for pattern in DATE_PATTERNS:
            match = pattern.match(text_value)
            if match:
                y, m, d = (int(g) for g in match.groups())
                value = _real(y, m, d, text_value)
                break
        if value is None:
            if re.fullmatch(r"\d{5}(\.\d+)?", text_value):
                value = _from_number(float(text_value))
            else:
                raise CellError(DATE_EXPECTED)
    if value.year < 1900:
        raise CellError("日期不能早于 1900 年")
    if value > today():
        raise CellError(f"日期不能晚于今天（{today():%Y-%m-%d}）")
    return value
