"""Load a village list in the NBS CSV layout (code, name, parent code)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from anju.units.models import CODE_LENGTH, PARENT_LEVEL, Unit, level_for_code


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV。")


def load_units_csv(data: bytes, *, fictional: bool = False) -> LoadResult:
    """Validate every line, then write all or nothing. Errors name the line number."""
    result = LoadResult()
    text = decode(data)
    rows = list(csv.reader(io.StringIO(text)))
    existing = {u.code: u for u in Unit.objects.all()}
    parsed: list[tuple[int, str, str, str, str]] = []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if lineno == 1 and cells and not cells[0].isdigit():
            continue  # header
        if len(cells) < 3:
            result.errors.append(
                f"第 {lineno} 行：应有 3 列（代码, 名称, 上级代码），实有 {len(cells)} 列。"
            )
            continue
        code, name, parent_code = cells[0], cells[1], cells[2]
        level = level_for_code(code) if code.isdigit() else None
        if level is None:
            result.errors.append(
                f"第 {lineno} 行：代码“{code}”无效，县应为 6 位数字、乡镇应为 9 位数字、村应为 12 位数字。"
            )
            continue
        if not name or len(name) > 50:
            result.errors.append(f"第 {lineno} 行：名称为空或超过 50 个字。")
            continue
        if code in seen:
            result.errors.append(f"第 {lineno} 行：代码“{code}”与第 {seen[code]} 行重复。")
            continue
        seen[code] = lineno
        if level == "county":
            # A county is the top of a deployment: its 上级代码 (市, 4 digits) is not a unit.
            if parent_code and not code.startswith(parent_code):
                result.errors.append(
                    f"第 {lineno} 行：上级代码“{parent_code}”与代码“{code}”不对应（应为代码的前 4 位，或留空）。"
                )
                continue
            parsed.append((lineno, code, name, level, ""))
            continue
        expected_parent_len = CODE_LENGTH[PARENT_LEVEL[level]]
        if len(parent_code) != expected_parent_len or not code.startswith(parent_code):
            result.errors.append(
                f"第 {lineno} 行：上级代码“{parent_code}”与代码“{code}”不对应（应为代码的前 {expected_parent_len} 位）。"
            )
            continue
        parsed.append((lineno, code, name, level, parent_code))
    known = set(existing) | {p[1] for p in parsed}
    for lineno, _code, _name, _level, parent_code in parsed:
        if parent_code and parent_code not in known:
            result.errors.append(f"第 {lineno} 行：上级单位“{parent_code}”不存在。")
    if result.errors:
        return result
    with transaction.atomic():
        # parents first: the county (6 digits), townships (9) before villages (12)
        for _lineno, code, name, level, parent_code in sorted(parsed, key=lambda p: len(p[1])):
            parent = existing[parent_code] if parent_code else None
            unit = existing.get(code)
            if unit is None:
                unit = Unit(
                    code=code, name=name, level=level, parent=parent, is_fictional=fictional
                )
                unit.save()
                existing[code] = unit
                result.created += 1
            elif unit.name != name or unit.parent_id != (parent.pk if parent else None):
                unit.name, unit.parent = name, parent
                unit.save()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
