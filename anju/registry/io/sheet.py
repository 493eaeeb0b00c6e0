"""From a file's sheets to clean rows: find the sheet and its header, map the columns,
normalise and validate every cell (TEMPLATE.md "Cell-level checks").

Nothing here touches households: the result is a ``ParsedSheet`` with one ``ParsedRow`` per
non-empty data row and every problem found, ready for matching and writing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from anju.core import crypto
from anju.registry.io import parsers
from anju.registry.io.columns import EXAMPLE_ID, REQUIRED, Column, column_for, letter
from anju.registry.io.parsers import Cell
from anju.registry.io.problems import ERROR, NOTICE, WARNING, Problem
from anju.registry.io.readers import FileRefused, SheetSource
from anju.registry.io.scope import ImportScope, NewVillage
from anju.units.models import Unit

MISSING = object()


class MissingColumns(Exception):
    """Required columns are absent: the import stops before any row is read."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(slots=True)
class ParsedRow:
    """One data row, clean: field name → value per model; an empty cell is absent."""

    number: int  # the sheet's row number
    household: dict[str, object] = field(default_factory=dict)
    assessment: dict[str, object] = field(default_factory=dict)
    renovation: dict[str, object] = field(default_factory=dict)
    id_number: str = ""
    id_valid: bool = True
    id_hash: str = ""
    township_id: int | None = None
    village: int | NewVillage | None = None
    phone: str | None = None
    error: bool = False


@dataclass
class ParsedSheet:
    name: str
    header_row: int
    columns: list[tuple[int, Column, str]]  # (index, column, header as written)
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    data_rows: int = 0

    @property
    def fields(self) -> set[str]:
        return {c.field for _, c, _ in self.columns}

    def add(
        self, level: str, row: int, index: int | None, header: str, value: str, message: str
    ) -> None:
        self.problems.append(
            Problem(
                level=level,
                sheet=self.name,
                row=row,
                col=letter(index) if index is not None else "",
                header=header,
                value=value,
                message=message,
            )
        )


def _matches(head: Sequence[Sequence[Cell]]) -> tuple[int, int]:
    """(row index, number of recognised headers) of the best header row in the head."""
    best = (0, 0)
    for i, row in enumerate(head):
        found = {c.field for c in (column_for(v) for v in row if isinstance(v, str)) if c}
        if len(found) > best[1]:
            best = (i, len(found))
    return best


def choose_sheet(sources: list[SheetSource]) -> tuple[SheetSource, int]:
    """The sheet whose header row names the most template columns, and that row's index."""
    best: tuple[SheetSource | None, int, int] = (None, 0, 0)
    for source in sources:
        index, count = _matches(source.head())
        if count > best[2]:
            best = (source, index, count)
    if best[0] is None:
        names = "、".join(f"“{s.name}”" for s in sources)
        raise FileRefused(
            f"在工作表{names}的前 10 行中没有找到农户信息表的表头（如“户主姓名”“身份证号”）："
            "请使用系统提供的导入模板，表头放在第一行。"
        )
    return best[0], best[1]


def map_columns(header_row: Sequence[Cell], sheet: ParsedSheet) -> None:
    row_number = sheet.header_row
    seen: dict[str, int] = {}
    for index, raw in enumerate(header_row):
        text = parsers.clean(raw).strip("*") if raw not in ("", None) else ""
        if not text:
            continue
        column = column_for(text)
        if column is None:
            sheet.add(NOTICE, row_number, index, text, "", "不是模板中的列，已忽略")
            continue
        if column.field in seen:
            first = letter(seen[column.field])
            sheet.add(
                NOTICE,
                row_number,
                index,
                text,
                "",
                f"与 {first} 列同为“{column.header}”，已忽略本列",
            )
            continue
        seen[column.field] = index
        sheet.columns.append((index, column, text))
    missing = [c.header for c in REQUIRED if c.field not in seen]
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        message = f"工作表“{sheet.name}”缺少必填列{names}，未导入任何数据：请按导入模板补上这些列。"
        sheet.add(ERROR, row_number, None, "", "", f"缺少必填列{names}")
        raise MissingColumns(message, sheet.problems)


def parse_sheet(
    name: str,
    rows: Sequence[Sequence[Cell]],
    header_index: int,
    scope: ImportScope,
    progress: Callable[[float], None] | None = None,
) -> ParsedSheet:
    sheet = ParsedSheet(name=name, header_row=header_index + 1, columns=[])
    map_columns(rows[header_index], sheet)
    _parse_rows(rows, header_index, sheet, scope, progress)
    _duplicates(sheet)
    return sheet


def _parse_rows(
    rows: Sequence[Sequence[Cell]],
    header_index: int,
    sheet: ParsedSheet,
    scope: ImportScope,
    progress: Callable[[float], None] | None,
) -> None:
    # (index, model, field, parser, its cache, header) of each column parsed cell by cell
    plain: list[tuple[int, str, str, Callable[[Cell], object], dict[object, Any], str]] = []
    special: dict[str, tuple[int, Column, str]] = {}
    for index, column, header in sheet.columns:
        if column.kind in ("township", "village", "id_number", "phone"):
            special[column.kind] = (index, column, header)
        else:
            plain.append((index, column.model, column.name, column.parse, {}, header))
    id_col, tw_col, vi_col = special["id_number"], special["township"], special["village"]
    ph_col = special.get("phone")
    required = {c.name for c in REQUIRED if c.kind not in ("township", "village", "id_number")}
    township_cache: dict[str, Unit | parsers.CellError] = {}
    village_cache: dict[tuple[int, str], int | NewVillage | parsers.CellError] = {}
    add = sheet.add
    total = len(rows) - header_index - 1
    step = max(total // 20, 1000)
    for offset, row in enumerate(rows[header_index + 1 :]):
        number = header_index + 2 + offset
        if progress and offset % step == 0 and offset:
            progress(offset / max(total, 1))
        width = len(row)
        if not any(v != "" and v is not None for v in row):
            continue
        sheet.data_rows += 1
        parsed = ParsedRow(number=number)
        targets = {
            "household": parsed.household,
            "assessment": parsed.assessment,
            "renovation": parsed.renovation,
        }
        error = False
        for index, model, name, parse, cache, header in plain:
            raw = row[index] if index < width else ""
            if raw == "" or raw is None:
                if name in required:
                    add(ERROR, number, index, header, "", "必填，不能为空")
                    error = True
                continue
            # 1, 1.0 and True are equal keys: only text is cached by itself
            key = raw if type(raw) is str else (type(raw), raw)
            result = cache.get(key, MISSING)
            if result is MISSING:
                result = cache[key] = _safe(parse, raw)
            if result is None:
                if name in required:
                    add(ERROR, number, index, header, "", "必填，不能为空")
                    error = True
                continue
            rtype = type(result)
            if rtype is parsers.CellError:
                add(ERROR, number, index, header, parsers.display(raw), str(result))
                error = True
                continue
            if rtype is parsers.Warned:
                add(WARNING, number, index, header, parsers.display(raw), result.message)
                result = result.value
            targets[model][name] = result
        # 身份证号
        index, _, header = id_col
        raw = row[index] if index < width else ""
        result = _safe(parsers.id_number, raw) if raw not in ("", None) else None
        if result is None:
            add(ERROR, number, index, header, "", "必填，不能为空")
            error = True
        elif type(result) is parsers.CellError:
            add(ERROR, number, index, header, parsers.mask_for("id_number", raw), str(result))
            error = True
        else:
            parsed.id_valid = type(result) is not parsers.Warned
            if not parsed.id_valid:
                add(
                    WARNING,
                    number,
                    index,
                    header,
                    parsers.mask_for("id_number", raw),
                    result.message,
                )
                result = result.value
            if result == EXAMPLE_ID:
                add(NOTICE, number, None, "", "", "这是导入模板的示例行，已跳过")
                sheet.data_rows -= 1
                continue
            parsed.id_number = result
        # 联系电话
        if ph_col is not None:
            index, _, header = ph_col
            raw = row[index] if index < width else ""
            if raw not in ("", None):
                result = _safe(parsers.phone, raw)
                if type(result) is parsers.CellError:
                    add(ERROR, number, index, header, parsers.mask_for("phone", raw), str(result))
                    error = True
                else:
                    parsed.phone = result
        # 乡镇 and 行政村
        error |= _place(
            row, width, number, parsed, sheet, scope, tw_col, vi_col, township_cache, village_cache
        )
        parsed.error = error
        sheet.rows.append(parsed)


def _place(
    row: Sequence[Cell],
    width: int,
    number: int,
    parsed: ParsedRow,
    sheet: ParsedSheet,
    scope: ImportScope,
    tw_col: tuple[int, Column, str],
    vi_col: tuple[int, Column, str],
    tcache: dict[str, Unit | parsers.CellError],
    vcache: dict[tuple[int, str], int | NewVillage | parsers.CellError],
) -> bool:
    t_index, _, t_header = tw_col
    v_index, _, v_header = vi_col
    t_raw = row[t_index] if t_index < width else ""
    v_raw = row[v_index] if v_index < width else ""
    t_text = parsers.clean(t_raw) if t_raw not in ("", None) else ""
    v_text = parsers.clean(v_raw) if v_raw not in ("", None) else ""
    error = False
    township: Unit | None = None
    if not t_text:
        sheet.add(ERROR, number, t_index, t_header, "", "必填，不能为空")
        error = True
    else:
        found = tcache.get(t_text)
        if found is None:
            found = tcache[t_text] = _safe(scope.township, t_text)
        if isinstance(found, parsers.CellError):
            sheet.add(ERROR, number, t_index, t_header, t_text, str(found))
            error = True
        else:
            township = found
            parsed.township_id = found.pk
    if not v_text:
        sheet.add(ERROR, number, v_index, v_header, "", "必填，不能为空")
        return True
    if township is None:
        return error
    key = (township.pk, v_text)
    village = vcache.get(key)
    if village is None:
        village = vcache[key] = _safe(scope.village, township, v_text)
    if isinstance(village, parsers.CellError):
        sheet.add(ERROR, number, v_index, v_header, v_text, str(village))
        return True
    parsed.village = village
    return error


def _safe(parse: Callable[..., object], *args: object) -> Any:
    """``parse(*args)``, or the ``CellError`` it raised. Any: the hot loop above tells the
    result's type by ``type(result) is …`` (fastest), which mypy cannot follow."""
    try:
        return parse(*args)
    except parsers.CellError as exc:
        return exc


def _duplicates(sheet: ParsedSheet) -> None:
    """The same 身份证号 twice in one file: every occurrence is an error."""
    by_id: dict[str, list[ParsedRow]] = {}
    for row in sheet.rows:
        if row.id_number:
            by_id.setdefault(row.id_number, []).append(row)
    index, _, header = next(c for c in sheet.columns if c[1].kind == "id_number")
    for id_number, rows in by_id.items():
        if len(rows) < 2:
            continue
        numbers = "、".join(str(r.number) for r in rows)
        masked = crypto.mask_id_number(id_number)
        for row in rows:
            sheet.add(
                ERROR,
                row.number,
                index,
                header,
                masked,
                f"身份证号在本文件中重复出现（第 {numbers} 行）",
            )
            row.error = True
    for row in sheet.rows:
        if row.id_number and not row.error:
            row.id_hash = crypto.blind_index(row.id_number)
