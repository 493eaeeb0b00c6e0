"""From a department list's sheets to households: find the sheet and its header row (often
the third, under title rows), map the columns by header text, read every cell as text,
check it, and group the person rows into households.

Nothing here writes: the result is a ``ParsedList`` with its households and every problem
(sheet, row, column letter and header, the value — ID numbers and phones masked — and a
Chinese message), in the registry import's ``Problem`` shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from anju.core import crypto
from anju.monitoring import columns as cols
from anju.monitoring.columns import Column, ColumnTable
from anju.registry.io import parsers
from anju.registry.io.columns import letter
from anju.registry.io.problems import ERROR, NOTICE, WARNING, Problem
from anju.registry.io.readers import FileRefused, SheetSource
from anju.registry.io.scope import ImportScope


class MissingColumns(Exception):
    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


@dataclass(slots=True)
class ParsedPerson:
    row: int
    household_code: str = ""
    person_code: str = ""
    name: str = ""
    id_number: str = ""
    id_valid: bool = True
    relation: str = ""
    is_head: bool = False
    values: dict = field(default_factory=dict)  # the row's household facts
    risks: list = field(default_factory=list)
    phone: str = ""
    township_id: int | None = None
    village_id: int | None = None
    village_name: str = ""
    error: bool = False


@dataclass(slots=True)
class ParsedHousehold:
    code: str
    head: ParsedPerson
    persons: list[ParsedPerson]
    identified_on: dt.date | None = None

    @property
    def id_hash(self) -> str:
        return crypto.blind_index(self.head.id_number)


@dataclass
class ParsedList:
    sheet: str
    header_row: int
    data_date: dt.date | None = None
    columns: list[tuple[int, Column, str]] = field(default_factory=list)
    persons: list[ParsedPerson] = field(default_factory=list)
    households: list[ParsedHousehold] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, level, row, index, header, value, message) -> None:
        self.problems.append(
            Problem(
                level=level,
                sheet=self.sheet,
                row=row,
                col=letter(index) if index is not None else "",
                header=header,
                value=value,
                message=message,
            )
        )

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == ERROR)


def _recognised(table: ColumnTable, row: list) -> int:
    return len({c.field for c in (table.column_for(v) for v in row if isinstance(v, str)) if c})


def choose_sheet(sources: list[SheetSource], table: ColumnTable, what: str):
    """The sheet and header row (in its first rows) that name the most columns of the list."""
    best: tuple[SheetSource | None, int, int] = (None, 0, 0)
    for source in sources:
        for index, row in enumerate(source.head()):
            count = _recognised(table, row)
            if count > best[2]:
                best = (source, index, count)
    if best[0] is None or best[2] < 3:
        names = "、".join(f"“{s.name}”" for s in sources)
        examples = "“" + "”“".join(c.header for c in table.required[:3]) + "”"
        raise FileRefused(
            f"在工作表{names}的前 10 行中没有找到{what}的表头（如{examples}）："
            f"请确认上传的是{what}的导出文件。"
        )
    return best[0], best[1]


def map_columns(table: ColumnTable, header: list, parsed: ParsedList) -> None:
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = cols.header_key(raw) if raw not in ("", None) else ""
        if not text:
            continue
        column = table.column_for(text)
        if column is None:
            if not table.is_ignored(text):
                parsed.add(NOTICE, parsed.header_row, index, text, "", "本系统不使用此列，已忽略")
            continue
        if column.field in seen and column.field != "risk":
            first = letter(seen[column.field])
            parsed.add(
                NOTICE,
                parsed.header_row,
                index,
                text,
                "",
                f"与 {first} 列同为“{column.header}”，已忽略本列",
            )
            continue
        seen.setdefault(column.field, index)
        parsed.columns.append((index, column, text))
    missing = [c.header for c in table.required if c.field not in seen]
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        message = f"工作表“{parsed.sheet}”缺少必需的列{names}，未导入任何数据。"
        parsed.add(ERROR, parsed.header_row, None, "", "", f"缺少必需的列{names}")
        raise MissingColumns(message, parsed.problems)


# field → (parser, level of a bad cell); the household facts of a person row
FACTS = {
    "size": (parsers.integer(lo=1, hi=50), ERROR),
    "household_type": (lambda raw: cols.text(raw, 20), ERROR),
    "monitoring_type": (cols.monitoring_type, ERROR),
    "identified_on": (cols.month_or_date, ERROR),
    "risk_eliminated": (cols.boolean, ERROR),
    "eliminated_on": (cols.month_or_date, ERROR),
    "dangerous_house": (cols.boolean, ERROR),
    "housing_guarantee": (lambda raw: cols.text(raw, 40), ERROR),
    "dibao": (lambda raw: cols.text(raw, 20), ERROR),
    "tekun": (lambda raw: cols.text(raw, 20), ERROR),
}


def parse_list(
    table: ColumnTable, name: str, rows: list[list], header_index: int, scope: ImportScope
) -> ParsedList:
    parsed = ParsedList(sheet=name, header_row=header_index + 1)
    parsed.data_date = cols.title_date(rows, header_index)
    map_columns(table, rows[header_index], parsed)
    for offset, row in enumerate(rows[header_index + 1 :]):
        if not any(v not in ("", None) for v in row):
            continue
        person = _person(parsed, row, header_index + 2 + offset, scope)
        parsed.persons.append(person)
    _duplicates(parsed)
    return parsed


def _cell(row: list, index: int):
    return row[index] if index < len(row) else ""


def _person(parsed: ParsedList, row: list, number: int, scope: ImportScope) -> ParsedPerson:
    person = ParsedPerson(row=number)
    places: dict[str, tuple[int, str, str]] = {}
    for index, column, header in parsed.columns:
        raw = _cell(row, index)
        empty = raw in ("", None) or (isinstance(raw, str) and not raw.strip())
        if empty:
            if column.required:
                parsed.add(ERROR, number, index, header, "", "必填，不能为空")
                person.error = True
            continue
        kind = column.field
        try:
            if kind in ("township", "village"):
                places[kind] = (index, header, parsers.clean(raw))
            elif kind in ("household_code", "person_code"):
                setattr(person, kind, cols.code(raw))
            elif kind == "name":
                person.name = cols.name(raw)
            elif kind == "relation":
                person.relation = cols.text(raw, 20)
                person.is_head = cols.is_head(person.relation)
            elif kind == "id_number":
                _id_number(parsed, person, raw, index, header)
            elif kind == "phone":
                _phone(parsed, person, raw, index, header)
            elif kind == "risk":
                risk = cols.text(raw, 20)
                if risk and risk not in parsers.BLANK_WORDS and risk not in person.risks:
                    person.risks.append(risk)
            else:
                parse, level = FACTS[kind]
                value = parse(raw)
                if type(value) is parsers.Warned:
                    parsed.add(WARNING, number, index, header, parsers.display(raw), value.message)
                    value = value.value
                if value is not None:
                    person.values[kind] = value
        except parsers.CellError as exc:
            shown = parsers.mask_for(kind, raw)
            parsed.add(ERROR, number, index, header, shown, str(exc))
            person.error = True
    _place(parsed, person, places, scope)
    return person


def _id_number(parsed, person, raw, index, header) -> None:
    result = cols.id_number(raw)
    if result is None:
        parsed.add(ERROR, person.row, index, header, "", "必填，不能为空")
        person.error = True
        return
    if type(result) is parsers.Warned:
        parsed.add(
            WARNING,
            person.row,
            index,
            header,
            parsers.mask_for("id_number", raw),
            result.message,
        )
        person.id_valid = False
        result = result.value
    person.id_number = result


def _phone(parsed, person, raw, index, header) -> None:
    try:
        person.phone = parsers.phone(raw) or ""
    except parsers.CellError as exc:
        # a department's phone is not ours to correct: the list is kept, the number is not
        parsed.add(
            WARNING,
            person.row,
            index,
            header,
            parsers.mask_for("phone", raw),
            f"{exc}；该电话未导入",
        )


def _place(parsed, person, places, scope: ImportScope) -> None:
    if "township" not in places:
        return
    index, header, text = places["township"]
    try:
        township = scope.township(text)
    except parsers.CellError as exc:
        parsed.add(ERROR, person.row, index, header, text, str(exc))
        person.error = True
        return
    person.township_id = township.pk
    if "village" not in places:
        return
    _, _, village = places["village"]
    person.village_name = village[:60]
    try:
        found = scope.village(township, village)
    except parsers.CellError:
        found = None  # kept by name: the list's village need not be on the township's list
    person.village_id = found if isinstance(found, int) else None


def _duplicates(parsed: ParsedList) -> None:
    """The same person twice in one list is an error on every occurrence."""
    index, _, header = next(c for c in parsed.columns if c[1].field == "id_number")
    by_id: dict[str, list[ParsedPerson]] = {}
    for person in parsed.persons:
        if person.id_number:
            by_id.setdefault(person.id_number, []).append(person)
    for id_number, persons in by_id.items():
        if len(persons) < 2:
            continue
        numbers = "、".join(str(p.row) for p in persons)
        for person in persons:
            parsed.add(
                ERROR,
                person.row,
                index,
                header,
                crypto.mask_id_number(id_number),
                f"证件号码在本文件中重复出现（第 {numbers} 行）",
            )
            person.error = True


def group_by_code(parsed: ParsedList) -> None:
    """Person rows → households by 户编号; the head is the row whose 与户主关系 is 户主.
    Household facts are the head's row; 识别监测时间 is the earliest of the household's rows
    (exports carry each member's own date)."""
    code_col = next((i, h) for i, c, h in parsed.columns if c.field == "household_code")
    rel_col = next((i, h) for i, c, h in parsed.columns if c.field == "relation")
    groups: dict[str, list[ParsedPerson]] = {}
    for person in parsed.persons:
        if person.household_code:
            groups.setdefault(person.household_code, []).append(person)
    for code, persons in groups.items():
        heads = [p for p in persons if p.is_head]
        rows = "、".join(str(p.row) for p in persons)
        if len(heads) != 1:
            message = (
                f"户编号 {code} 的 {len(persons)} 行（第 {rows} 行）中没有与户主关系为“户主”的人"
                if not heads
                else f"户编号 {code} 有 {len(heads)} 个户主（第 "
                + "、".join(str(p.row) for p in heads)
                + " 行）"
            )
            for person in heads or persons[:1]:
                parsed.add(ERROR, person.row, rel_col[0], rel_col[1], person.relation, message)
                person.error = True
            continue
        head = heads[0]
        places = {(p.township_id, p.village_name) for p in persons if p.township_id}
        if len(places) > 1:
            parsed.add(
                ERROR,
                head.row,
                code_col[0],
                code_col[1],
                code,
                f"同一户编号的各行（第 {rows} 行）乡镇或村不一致",
            )
            head.error = True
        dates = [p.values["identified_on"] for p in persons if p.values.get("identified_on")]
        parsed.households.append(
            ParsedHousehold(
                code=code, head=head, persons=persons, identified_on=min(dates, default=None)
            )
        )
