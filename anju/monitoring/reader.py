"""From a department list's sheets to households: find the sheet and its header row (often
the third, under title rows), map the columns by header text, read every cell as text,
check it, and group the person rows into households.

Nothing here writes: the result is a ``ParsedList`` with its households and every problem
(sheet, row, column letter and header, the value — ID numbers and phones masked — and a
Chinese message), in the registry import's ``Problem`` shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

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
    head_name: str = ""  # 民政: the head's name/ID written on a member's row
    head_id: str = ""
    assistance: str = ""  # 民政: 救助类别 as written, and its key group (-1: 集中供养)
    group: int = 0
    stopped: bool = False
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
    groups: int = 0  # 民政: the key groups of its rows' 救助类别
    assistance: str = ""

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
    family: bool = True  # 民政: family rows (else one row per household)

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


def _recognised(table: ColumnTable, row: Sequence[parsers.Cell]) -> int:
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
    if table is cols.MINZHENG:
        minzheng_shape(parsed)
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
            elif kind in ("name", "head_name"):
                setattr(person, kind, cols.name(raw))
            elif kind == "head_id":
                person.head_id = _plain_id(parsed, person, raw, index, header)
            elif kind == "assistance":
                person.assistance, person.group = cols.assistance(raw)
            elif kind == "state":
                person.stopped = cols.stopped(raw)
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
            shown = parsers.mask_for("id_number" if kind == "head_id" else kind, raw)
            parsed.add(ERROR, number, index, header, shown, str(exc))
            person.error = True
    _place(parsed, person, places, scope)
    return person


def _plain_id(parsed, person, raw, index, header) -> str:
    """An ID number that only names someone else (户主身份证号 on a member's row): normalised
    and shape-checked; its check digit is the head's own row's business."""
    result = cols.id_number(raw)
    if result is None:
        return ""
    return str(result.value) if isinstance(result, parsers.Warned) else result


def _id_number(parsed, person, raw, index, header) -> None:
    result = cols.id_number(raw)
    if result is None:
        parsed.add(ERROR, person.row, index, header, "", "必填，不能为空")
        person.error = True
        return
    if isinstance(result, parsers.Warned):
        parsed.add(
            WARNING,
            person.row,
            index,
            header,
            parsers.mask_for("id_number", raw),
            result.message,
        )
        person.id_valid = False
        person.id_number = str(result.value)
        return
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


def _column(parsed: ParsedList, field_name: str) -> tuple[int | None, str]:
    return next(((i, h) for i, c, h in parsed.columns if c.field == field_name), (None, ""))


def group_by_code(parsed: ParsedList) -> None:
    """防返贫监测: person rows → households by 户编号; the head is the row whose 与户主关系 is
    户主. Household facts are the head's row; 识别监测时间 is the earliest of the household's
    rows (exports carry each member's own date)."""
    groups: dict[str, list[ParsedPerson]] = {}
    for person in parsed.persons:
        if person.household_code:
            groups.setdefault(person.household_code, []).append(person)
    for code, persons in groups.items():
        _household(parsed, f"户编号 {code}", code, persons)


def _household(parsed: ParsedList, label: str, code: str, persons: list[ParsedPerson]):
    heads = [p for p in persons if p.is_head]
    rows = "、".join(str(p.row) for p in persons)
    rel_index, rel_header = _column(parsed, "relation")
    if len(heads) != 1:
        if heads:
            numbers = "、".join(str(p.row) for p in heads)
            message = _spaced(label, f"有 {len(heads)} 个户主（第 {numbers} 行）")
        else:
            message = _spaced(
                label, f"的 {len(persons)} 行（第 {rows} 行）中没有与户主关系为“户主”的人"
            )
        for person in heads or persons[:1]:
            parsed.add(ERROR, person.row, rel_index, rel_header, person.relation, message)
            person.error = True
        return None
    head = heads[0]
    places = {(p.township_id, p.village_name) for p in persons if p.township_id}
    if len(places) > 1:
        index, header = _column(parsed, "township")
        parsed.add(
            ERROR,
            head.row,
            index,
            header,
            "",
            _spaced(label, f"的各行（第 {rows} 行）乡镇或村不一致"),
        )
        head.error = True
    dates = [p.values["identified_on"] for p in persons if p.values.get("identified_on")]
    household = ParsedHousehold(
        code=code,
        head=head,
        persons=persons,
        identified_on=min(dates, default=None),
        groups=_bits(p.group for p in persons),
        assistance="、".join(dict.fromkeys(p.assistance for p in persons if p.assistance))[:60],
    )
    parsed.households.append(household)
    return household


def _spaced(label: str, rest: str) -> str:
    """A space between a number and the Chinese that follows it (第 4 行, 户编号 41 的)."""
    return f"{label} {rest}" if label[-1:].isascii() and label[-1:].isalnum() else label + rest


def _bits(groups) -> int:
    mask = 0
    for group in groups:
        if group > 0:
            mask |= group
    return mask


# --- 民政 lists ---------------------------------------------------------------------------------
def minzheng_shape(parsed: ParsedList) -> None:
    """Family rows (a 与户主关系 column) or one row per household, decided by the columns.
    In the second shape 户主姓名/户主身份证号 are the row's own name and ID number."""
    fields = {c.field for _, c, _ in parsed.columns}
    parsed.family = "relation" in fields
    if not parsed.family:
        swap = {"head_name": "name", "head_id": "id_number"}
        parsed.columns = [
            (
                i,
                replace(c, field=swap[c.field]) if swap.get(c.field) not in (None, *fields) else c,
                h,
            )
            for i, c, h in parsed.columns
        ]
        fields = {c.field for _, c, _ in parsed.columns}
    need = {"name": "户主姓名" if not parsed.family else "姓名", "id_number": "身份证号"}
    missing = [label for f, label in need.items() if f not in fields]
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        message = f"工作表“{parsed.sheet}”缺少必需的列{names}，未导入任何数据。"
        parsed.add(ERROR, parsed.header_row, None, "", "", f"缺少必需的列{names}")
        raise MissingColumns(message, parsed.problems)
    parsed.columns = [
        (i, replace(c, required=True) if c.field in ("name", "id_number", "relation") else c, h)
        for i, c, h in parsed.columns
    ]


def group_minzheng(parsed: ParsedList) -> None:
    """民政 rows → households: one per row, or families by 家庭编号, else by 户主身份证号, else
    by the rows that follow each 户主 row. Rows whose 状态 says the assistance stopped, and
    集中供养 特困 persons (in institutions, out of scope), are left out with a notice; a
    family whose head is left out is left out whole."""
    fields = {c.field for _, c, _ in parsed.columns}
    if not parsed.family:
        families = [(f"第 {p.row} 行", p.household_code, [p]) for p in parsed.persons]
        for person in parsed.persons:
            person.is_head = True
    elif "household_code" in fields or "head_id" in fields:
        by_code = "household_code" in fields
        keyed: dict[str, list[ParsedPerson]] = {}
        for person in parsed.persons:
            key = person.household_code if by_code else person.head_id
            if not key:
                index, header = _column(parsed, "household_code" if by_code else "head_id")
                parsed.add(ERROR, person.row, index, header, "", "必填，不能为空")
                person.error = True
                continue
            keyed.setdefault(key, []).append(person)
        label = "家庭编号 {}" if by_code else "户主身份证号为 {} 的家庭"
        families = [
            (label.format(k if by_code else crypto.mask_id_number(k)), k if by_code else "", v)
            for k, v in keyed.items()
        ]
    else:
        families = []
        for person in parsed.persons:
            if person.is_head or not families:
                families.append((f"第 {person.row} 行起的家庭", "", []))
            families[-1][2].append(person)
    for label, code, persons in families:
        head = next((p for p in persons if p.is_head), None)
        if head is not None and (head.stopped or head.group < 0):
            _left_out(parsed, head, persons)
            continue
        kept = [p for p in persons if not (p.stopped or p.group < 0)]
        for person in persons:
            if person not in kept:
                _left_out(parsed, person, [person])
        if kept:
            _household(parsed, label, code, kept)


def _left_out(parsed: ParsedList, head: ParsedPerson, persons: list[ParsedPerson]) -> None:
    why = (
        "状态为停保（退出），不计入名单"
        if head.stopped
        else "集中供养特困人员不在农村住房安全保障范围内，不计入名单"
    )
    if len(persons) > 1:
        why += f"（连同家庭成员共 {len(persons)} 行）"
    parsed.add(NOTICE, head.row, None, "", "", why)
