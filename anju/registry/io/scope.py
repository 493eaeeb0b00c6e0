"""Where an importing user may put households: townships and villages by name or code.

- The system (a command without ``--user``) and the city roles import for the whole
  county; a township officer only for their own township (other rows are errors).
- 乡镇 is a township of the county, by name (火龙镇, 火龙, 火龙镇人民政府) or 9-digit code.
- 行政村 is a village of that township, by name (张庄村 or 张庄) or 12-digit code. A name
  that is not on the township's list is an error, unless the user chose to create missing
  villages: then it is created under that township with the next free 村委会 code
  (NBS 200–399) when the import is written. Two villages with the same name in one
  township must be written by code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anju.accounts.roles import COUNTY_WIDE, IMPORTERS, TOWNSHIP
from anju.registry.io.parsers import CellError
from anju.units.models import Level, Unit

if TYPE_CHECKING:
    from anju.accounts.models import User

VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")
TOWNSHIP_SUFFIXES = ("回族乡", "街道", "镇", "乡")
GOVERNMENT_SUFFIXES = ("人民政府", "办事处")
NAME_MAX = Unit._meta.get_field("name").max_length


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def village_keys(name: str) -> list[str]:
    value = _plain(name)
    keys = [value]
    for suffix in VILLAGE_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            keys.append(value[: -len(suffix)])
            break
    return keys


def township_keys(name: str) -> list[str]:
    value = _plain(name)
    for suffix in GOVERNMENT_SUFFIXES:
        value = value.removesuffix(suffix)
    keys = [value]
    for suffix in TOWNSHIP_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            keys.append(value[: -len(suffix)])
            break
    return keys


@dataclass(frozen=True)
class NewVillage:
    """A village to be created when the import is written."""

    township_id: int
    name: str


class ImportScope:
    def __init__(self, user: User | None = None, *, create_villages: bool = False) -> None:
        self.user = user
        townships = Unit.objects.townships().filter(is_active=True).select_related("parent")
        if user is not None:
            county = _county_of(user)
            townships = townships.filter(parent=county) if county else townships.none()
        self.townships = {t.pk: t for t in townships}
        self.allowed: set[int]
        if user is None or user.role in COUNTY_WIDE:
            self.allowed = set(self.townships)
        elif user.role in TOWNSHIP and user.role in IMPORTERS:
            self.allowed = set(self.townships) & {user.unit_id}
        else:
            self.allowed = set()
        own = user.unit_id if user is not None and user.role in TOWNSHIP else None
        self.own_township = self.townships.get(own) if own is not None else None
        first = next(iter(self.townships.values()), None)
        parent = first.parent if first is not None else None
        self.county_name = parent.name if parent is not None else ""
        self.create_villages = bool(create_villages) and (user is None or user.role in IMPORTERS)
        self._township_index: dict[str, list[Unit]] = {}
        for township in self.townships.values():
            self._township_index.setdefault(township.code, []).append(township)
            for key in dict.fromkeys(township_keys(township.name)):
                self._township_index.setdefault(key, []).append(township)
        self._villages: dict[int, dict[str, list[Unit]]] = {}
        self._township_cache: dict[str, Unit] = {}
        self.new_villages: dict[tuple[int, str], NewVillage] = {}

    # --- townships ----------------------------------------------------------------------
    def township(self, text: str) -> Unit:
        """The township written in a row, or ``CellError`` (unknown, or not the user's)."""
        found = self._township_cache.get(text)
        if found is None:
            found = self._find_township(text)
            self._township_cache[text] = found
        if found.pk not in self.allowed:
            own = self.own_township
            if own is not None:
                raise CellError(f"乡镇经办人只能导入本乡镇（{own.name}）的农户，本行是{found.name}")
            raise CellError(f"您无权导入{found.name}的农户")
        return found

    def _find_township(self, text: str) -> Unit:
        for key in township_keys(text):
            units = self._township_index.get(key)
            if units and len(units) == 1:
                return units[0]
        county = self.county_name or "本县（市）"
        raise CellError(
            f"不是{county}的乡镇（街道）：应填乡镇名称或 9 位区划代码，如 火龙镇 或 411081100"
        )

    # --- villages -----------------------------------------------------------------------
    def _index(self, township: Unit) -> dict[str, list[Unit]]:
        index = self._villages.get(township.pk)
        if index is None:
            index = {}
            for village in Unit.objects.filter(
                parent=township, level=Level.VILLAGE, is_active=True
            ):
                index.setdefault(village.code, []).append(village)
                for key in dict.fromkeys(village_keys(village.name)):
                    index.setdefault(key, []).append(village)
            self._villages[township.pk] = index
        return index

    def village(self, township: Unit, text: str) -> int | NewVillage:
        index = self._index(township)
        keys = village_keys(text)
        for key in keys:
            units = index.get(key)
            if not units:
                continue
            if len(units) > 1 and key == keys[0] and not key.isdigit():
                exact = [u for u in units if _plain(u.name) == key]
                if len(exact) == 1:
                    return exact[0].pk
                codes = "、".join(u.code for u in units)
                raise CellError(f"{township.name}有多个同名行政村（{codes}），请改填 12 位村代码")
            if len(units) == 1:
                return units[0].pk
        if _plain(text).isdigit():
            raise CellError(f"不是{township.name}的行政村代码")
        if self.create_villages:
            if NAME_MAX is not None and len(keys[0]) > NAME_MAX:
                raise CellError(f"村名不能超过 {NAME_MAX} 个字")
            # 新庄 and 新庄村 in one file are one new village, named as first written
            return self.new_villages.setdefault(
                (township.pk, keys[-1]), NewVillage(township_id=township.pk, name=keys[0])
            )
        raise CellError(
            f"不在{township.name}的村名单中：请核对村名，或在导入时选择“自动新建名单中没有的行政村”"
        )


def _county_of(user: User) -> Unit | None:
    unit = getattr(user, "unit", None)
    while unit is not None and unit.level != Level.COUNTY:
        unit = unit.parent
    return unit


def next_village_codes(township: Unit, count: int) -> list[str]:
    """Free 村委会 codes (NBS 200–399) under the township, lowest first."""
    used = set(
        Unit.objects.filter(code__startswith=township.code, level=Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    free = [
        f"{township.code}{n:03d}" for n in range(200, 400) if f"{township.code}{n:03d}" not in used
    ]
    if len(free) < count:
        free += [
            f"{township.code}{n:03d}"
            for n in range(400, 1000)
            if f"{township.code}{n:03d}" not in used
        ]
    return free[:count]
