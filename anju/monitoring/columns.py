"""The columns of the department lists, found by header text with the synonyms of
SOURCES.md (never by position), and the parsers of their cells.

A header is compared after NFKC (full-width → half-width, so （） and () are one), with
spaces and a leading or trailing ``*`` removed. Headers the lists carry that Anju does not
use (序号, 县, 自然村 …) are recognised and ignored without a notice; any other header gets
a notice ("not a column of this list, ignored").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from anju.registry import idcard
from anju.registry.choices import KeyGroup, MonitoringType
from anju.registry.io import parsers
from anju.registry.io.parsers import Cell, CellError


@dataclass(frozen=True)
class Column:
    field: str  # where the value goes (a ListedHousehold/ListedPerson field, or a kind)
    header: str  # the canonical header, as messages name it
    aliases: tuple[str, ...] = ()
    required: bool = False


def header_key(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return re.sub(r"\s+", "", text).strip("*")


# --- 全国防返贫监测信息系统 export (SOURCES.md §1) ---------------------------------------------
FPJC_COLUMNS = (
    Column("township", "乡(镇)", ("乡", "乡镇", "乡镇(街道)", "乡镇名称", "乡(镇、街道)"), True),
    Column("village", "行政村", ("村", "村名", "行政村名称"), True),
    Column("household_code", "户编号", ("户码",), True),
    Column("person_code", "人编号", ("人码",)),
    Column("name", "姓名", ("成员姓名", "人员姓名"), True),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "证件号"), True),
    Column("relation", "与户主关系", ("与户主的关系",), True),
    Column("size", "人数", ("家庭人数", "家庭人口", "家庭人口数", "户人数")),
    Column("household_type", "户类型", ("户属性",)),
    Column(
        "monitoring_type",
        "监测对象类别",
        ("易返贫致贫户(监测对象)类型", "监测对象类型", "监测类型", "监测户类型"),
    ),
    Column(
        "risk",
        "致贫/返贫风险",
        (
            *(f"致贫/返贫风险{n}" for n in range(1, 6)),
            *(f"致贫返贫风险{n}" for n in range(1, 6)),
            "致贫原因",
            "致贫原因1",
            "主要致贫原因",
            "返贫致贫风险",
        ),
    ),
    Column("identified_on", "识别监测时间", ("风险识别时间", "纳入监测时间")),
    Column("risk_eliminated", "风险是否已消除", ("风险是否消除",)),
    Column("eliminated_on", "消除监测时间", ("风险消除时间",)),
    Column("dangerous_house", "是否危房户", ("危房户",)),
    Column("housing_guarantee", "住房安全保障", ("住房安全保障情况",)),
    Column("dibao", "享受低保政策情况", ("享受低保政策", "低保情况")),
    Column("tekun", "享受特困供养政策情况", ("享受特困供养政策", "特困供养情况")),
    Column("phone", "联系电话", ("户联系电话", "人联系电话", "户主联系电话", "电话")),
)
FPJC_IGNORED = (
    "序号",
    "县",
    "县(市、区、旗)",
    "县(市、区)",
    "自然村",
    "风险消除方式",
    "住房面积",
    "首次识别时间",
    "数据日期",
    "性别",
    "民族",
    "年龄",
    "文化程度",
    "健康状况",
    "劳动技能",
    "务工状况",
    "在校生状况",
)


class ColumnTable:
    """Header text → column, for one source."""

    def __init__(self, columns: tuple[Column, ...], ignored: tuple[str, ...]):
        self.columns = columns
        self.required = [c for c in columns if c.required]
        self._lookup: dict[str, Column] = {}
        for column in columns:
            for name in (column.header, *column.aliases):
                self._lookup[header_key(name)] = column
        self.ignored = {header_key(h) for h in ignored}

    def column_for(self, raw: object) -> Column | None:
        return self._lookup.get(header_key(raw))

    def is_ignored(self, raw: object) -> bool:
        return header_key(raw) in self.ignored


FPJC = ColumnTable(FPJC_COLUMNS, FPJC_IGNORED)

# --- 民政 lists (低保, 特困, 低保边缘; SOURCES.md §2, shape uncertain) --------------------------
# Either one row per household (户主姓名 + 身份证号) or family rows (姓名, 身份证号, 与户主关系
# per person, grouped by 户编号/家庭编号, else by 户主身份证号, else by the rows that follow each
# head). Which one is decided by the columns found (``reader.minzheng_shape``).
MINZHENG_COLUMNS = (
    Column("township", "乡镇", ("乡(镇)", "乡", "乡镇(街道)", "乡镇名称", "街道(乡镇)"), True),
    Column("village", "村", ("行政村", "村(社区)", "村(居)", "村名", "村(居)委会"), True),
    Column("household_code", "家庭编号", ("户编号", "家庭编码", "户号")),
    Column("head_name", "户主姓名", ("户主", "申请人姓名", "申请人")),
    Column("head_id", "户主身份证号", ("户主身份证号码", "户主证件号码", "申请人身份证号")),
    Column("name", "姓名", ("成员姓名", "家庭成员姓名", "保障对象姓名")),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "成员身份证号", "公民身份号码")),
    Column("relation", "与户主关系", ("与申请人关系", "与户主的关系")),
    Column("size", "保障人数", ("家庭人口", "家庭人数", "人口数", "救助人数", "保障人口")),
    Column("assistance", "救助类别", ("保障类别", "救助类型", "对象类别", "类别"), True),
    Column("identified_on", "救助开始月份", ("认定日期", "纳入日期", "救助开始时间", "审批日期")),
    Column("state", "状态", ("保障状态", "救助状态")),
    Column("phone", "联系电话", ("电话", "手机号")),
)
MINZHENG_IGNORED = (
    "序号",
    "区划",
    "县",
    "县(市、区)",
    "金额",
    "户月保障金",
    "月保障金",
    "保障金额",
    "性别",
    "民族",
    "出生日期",
    "银行账号",
    "开户银行",
    "备注",
)
MINZHENG = ColumnTable(MINZHENG_COLUMNS, MINZHENG_IGNORED)


# --- cells ------------------------------------------------------------------------------------
def text(raw: Cell, max_len: int) -> str:
    value = re.sub(r"\s+", " ", parsers.clean_text(raw)).strip()
    if len(value) > max_len:
        raise CellError(f"不能超过 {max_len} 个字，现为 {len(value)} 个字")
    return value


def code(raw: Cell) -> str:
    """户编号/人编号: digits as written (a number cell keeps no ``.0``), no spaces."""
    value = re.sub(r"\s+", "", parsers.clean(raw))
    if len(value) > 40:
        raise CellError("编号过长（超过 40 位）")
    return value


def name(raw: Cell) -> str:
    value = re.sub(r"\s+", "", parsers.clean_text(raw))
    if len(value) > 20:
        raise CellError(f"姓名不能超过 20 个字，现为 {len(value)} 个字")
    return value


def id_number(raw: Cell) -> parsers.Warned | str | None:
    """证件号码: full-width digits and spaces normalised, cut to 18 characters (exports append
    text), upper-case X; then the registry's check (shape an error, check digit a warning)."""
    if isinstance(raw, float):
        raise CellError("证件号码被存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新导出")
    value = idcard.normalize(parsers.clean(raw)).removeprefix("'")[:18]
    return parsers.id_number(value)


MONITORING_WORDS = {str(v): str(v) for v in MonitoringType.values if v}
MONITORING_WORDS.update(
    {
        "脱贫不稳定": MonitoringType.UNSTABLE,
        "边缘易致贫": MonitoringType.EDGE,
        "突发严重困难": MonitoringType.SUDDEN,
        "脱贫不稳定户(监测对象)": MonitoringType.UNSTABLE,
        "边缘易致贫户(监测对象)": MonitoringType.EDGE,
        "突发严重困难户(监测对象)": MonitoringType.SUDDEN,
    }
)
NOT_MONITORED = ("", "无", "否", "非监测对象", "-", "—", "/")


def monitoring_type(raw: Cell) -> str:
    value = header_key(raw)
    if value in NOT_MONITORED:
        return ""
    if value in MONITORING_WORDS:
        return str(MONITORING_WORDS[value])
    allowed = "、".join(v for v in MonitoringType.values if v)
    raise CellError(f"应为以下之一：{allowed}，或留空")


# What the exports write in a column that does not apply (a risk not yet eliminated has no
# 消除监测时间, and exports put 无, — or / there): an empty cell, never an error.
DASHES = ("-", "—", "——", "－", "/", "／", "\\", "不涉及")
NO_DATE = (*DASHES, "无", "暂无", "未消除")


def boolean(raw: Cell) -> bool | None:
    if isinstance(raw, str) and re.sub(r"\s+", "", parsers.clean(raw)) in DASHES:
        return None
    return parsers.boolean(raw)


MONTH_PATTERNS = (
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
)
MONTH_EXPECTED = "应为年月或日期，如 202303、2023-03、2023年3月 或 2023-03-15"


def month_or_date(raw: Cell) -> dt.date | None:
    """识别监测时间 and the like: often YYYYMM (the first of that month), else a date."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = int(raw)
        if 190001 <= number <= 299912:
            raw = str(number)
    if isinstance(raw, str):
        value = re.sub(r"\s+", "", parsers.clean(raw))
        if not value or value in NO_DATE:
            return None
        for pattern in MONTH_PATTERNS:
            match = pattern.match(value)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if not 1 <= month <= 12:
                    raise CellError(f"月份“{month}”不存在：{MONTH_EXPECTED}")
                found = dt.date(year, month, 1)
                if found > parsers.today():
                    raise CellError(f"不能晚于本月（{parsers.today():%Y-%m}）")
                if year < 1900:
                    raise CellError("不能早于 1900 年")
                return found
    try:
        return parsers.date(raw)
    except CellError as exc:
        if str(exc) == parsers.DATE_EXPECTED:
            raise CellError(MONTH_EXPECTED) from None
        raise


HOUSING_RISK = ("因安全住房", "安全住房", "住房安全")


def is_housing_risk(risk: str) -> bool:
    return any(word in risk for word in HOUSING_RISK)


def fpjc_groups(*, monitoring: str, household_type: str, dibao: str, tekun: str) -> int:
    """The six key groups (TEMPLATE.md) a 防返贫监测 row says the household belongs to.

    脱贫不稳定户/边缘易致贫户 are 易返贫致贫户 and 突发严重困难户 is its own group; 农村低保 or
    城市低保 is 低保户; 特困 (not 集中供养) is 分散供养特困人员; a 脱贫户 that is none of the
    monitored kinds is 其他脱贫户."""
    mask = 0
    if monitoring in (MonitoringType.UNSTABLE, MonitoringType.EDGE):
        mask |= KeyGroup.UNSTABLE
    elif monitoring == MonitoringType.SUDDEN:
        mask |= KeyGroup.SUDDEN
    if "低保" in dibao and "未" not in dibao and "边缘" not in dibao:
        mask |= KeyGroup.DIBAO
    if "特困" in tekun and "未" not in tekun and "集中" not in tekun:
        mask |= KeyGroup.TEKUN
    if household_type.startswith("脱贫") and not monitoring:
        mask |= KeyGroup.OTHER_ALLEVIATED
    return int(mask)


# 救助类别 as 民政 writes it → the key group (TEMPLATE.md), checked in this order. 集中供养
# 特困 persons live in institutions: out of scope for house safety (SOURCES.md §2).
CENTRAL = "集中供养"
ASSISTANCE = (
    (("边缘",), KeyGroup.DIBAO_EDGE),
    (("最低生活保障", "低保"), KeyGroup.DIBAO),
    (("特困",), KeyGroup.TEKUN),
    (("刚性支出",), 0),  # 低收入人口, but none of the six groups: kept, not reconciled
)
ASSISTANCE_EXPECTED = (
    "应为民政救助类别，如 农村最低生活保障对象、农村最低生活保障边缘家庭成员、"
    "农村刚性支出困难家庭成员、农村特困人员（分散供养）"
)


def assistance(raw: Cell) -> tuple[str, int]:
    """(救助类别 as written, its key group bit); 集中供养 is returned with group -1."""
    value = header_key(raw)
    if not value:
        return "", 0
    if CENTRAL in value:
        return value[:60], -1
    for words, group in ASSISTANCE:
        if any(w in value for w in words):
            return value[:60], int(group)
    raise CellError(ASSISTANCE_EXPECTED)


STOPPED_WORDS = ("停保", "退保", "注销", "终止", "退出", "已停", "停发")


def stopped(raw: Cell) -> bool:
    """状态 says the assistance ended (the row is no longer on the list)."""
    value = header_key(raw)
    return any(w in value for w in STOPPED_WORDS)


HEAD_WORDS = ("户主", "本人", "本人(户主)", "户主本人")


def is_head(relation: str) -> bool:
    return header_key(relation) in HEAD_WORDS


DATE_IN_TITLE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")


def title_date(rows: list[list], header_index: int) -> dt.date | None:
    """The date a title row above the header states (数据截至：2023年11月30日)."""
    for row in rows[:header_index]:
        for cell in row:
            if isinstance(cell, dt.datetime | dt.date):
                return cell.date() if isinstance(cell, dt.datetime) else cell
            if not isinstance(cell, str):
                continue
            match = DATE_IN_TITLE.search(unicodedata.normalize("NFKC", cell))
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    continue
    return None
