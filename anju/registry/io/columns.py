"""The registry workbook's columns, declared once (TEMPLATE.md): header (the model field's
``verbose_name``), aliases, parser, whether required, and the words of the 填写说明 sheet.

The importer, the exporter, the template and the tests all read ``COLUMNS``; adding a
column is one entry here (and a field on the model).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import models

from anju.registry import idcard
from anju.registry.choices import (
    METHOD_ALIASES,
    AssessmentKind,
    Method,
    MonitoringType,
    OtherSubsidy,
    PaymentChannel,
    RiskState,
    Structure,
)
from anju.registry.io import parsers as p
from anju.registry.models import Assessment, Household, Renovation, model_field

MODELS = {"household": Household, "assessment": Assessment, "renovation": Renovation}
BOOL_VALUES = "是/否（也可填 有/无、√/×、Y/N、1/0）"
DATE_VALUES = "日期，如 2022-05-20、2022/5/20、2022年5月20日"
GRADE_VALUES = "A、B、C、D（也可写 A级）"
# The template's example row is recognised by this (fictional, valid-format) ID number and
# skipped with a notice, so a template imported without deleting it adds nobody.
EXAMPLE_ID = idcard.make("411081", dt.date(1960, 1, 1), 1)


@dataclass(frozen=True)
class Column:
    field: str  # "<model>.<field>": household / assessment / renovation (ADR 0009: 自筹资金,
    # 是否举债 and 其他住房补助 are the household's)
    parse: Callable[[p.Cell], object]
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "plain"  # township, village, id_number, phone, groups, bool, date, number, plain
    meaning: str = ""
    values: str = ""
    example: object = ""

    @property
    def model(self) -> str:
        return self.field.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.field.split(".", 1)[1]

    @cached_property
    def header(self) -> str:
        name = {"id_number": "id_number_masked", "phone": "phone_masked"}.get(self.name, self.name)
        return str(model_field(MODELS[self.model], name).verbose_name)

    @property
    def attname(self) -> str:
        return {"township": "township_id", "village": "village_id"}.get(self.name, self.name)


def _bool(
    field: str, meaning: str, example: object = "是", aliases: tuple[str, ...] = ()
) -> Column:
    return Column(
        field, p.boolean, aliases, kind="bool", meaning=meaning, values=BOOL_VALUES, example=example
    )


def _date(field: str, meaning: str, example: object = "", aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        field, p.date, aliases, kind="date", meaning=meaning, values=DATE_VALUES, example=example
    )


def _grade(field: str, meaning: str, example: object = "", aliases: tuple[str, ...] = ()) -> Column:
    return Column(field, p.grade, aliases, meaning=meaning, values=GRADE_VALUES, example=example)


def _enum(
    field: str,
    enum: type[models.TextChoices],
    meaning: str,
    example: object = "",
    aliases: tuple[str, ...] = (),
    value_aliases: dict[str, str] | None = None,
    note: str = "",
    blank_words: tuple[str, ...] = (),
) -> Column:
    allowed = "、".join(str(v) for v in enum.values if v)
    values = allowed + ("；不适用填“无”或留空" if "" in enum.values else "") + note
    return Column(
        field,
        p.choice(enum, aliases=value_aliases, blank_words=blank_words),
        aliases,
        meaning=meaning,
        values=values,
        example=example,
    )


AREA = p.decimal(positive=True, units=p.AREA_UNITS, limit=Decimal("1000000"))
MONEY = p.decimal(positive=False, units=p.MONEY_UNITS, limit=Decimal("10000000000"))
AREA_VALUES = "大于 0 的数字，单位平方米（可带 ㎡、平方米、m2）"
MONEY_VALUES = "不小于 0 的数字，单位元（可带 元、万元、千位分隔符）"

COLUMNS: tuple[Column, ...] = (
    Column(
        "household.township",
        p.text(max_len=50),
        ("乡镇/街道", "乡镇名称", "乡镇(街道)"),
        required=True,
        kind="township",
        meaning="农户所在乡镇（街道）",
        values="本县（市）乡镇名称或 9 位区划代码，如 火龙镇 或 411081100",
        example="火龙镇",
    ),
    Column(
        "household.village",
        p.text(max_len=50),
        ("村", "村名", "村委会", "行政村(社区)"),
        required=True,
        kind="village",
        meaning="农户所在行政村（社区）",
        values="该乡镇下的村名或 12 位区划代码；名单中没有的村，导入时可选择自动新建",
        example="示例村",
    ),
    Column(
        "household.head_name",
        p.text(min_len=2, max_len=20, squeeze=True),
        ("姓名", "户主"),
        required=True,
        meaning="户主姓名",
        values="2–20 个字",
        example="张三",
    ),
    Column(
        "household.id_number",
        p.id_number,
        ("身份证号码", "证件号码", "户主身份证号", "户主身份证号码"),
        required=True,
        kind="id_number",
        meaning="户主身份证号（按此匹配已有农户）",
        values="18 位，最后一位可为 X；请将该列设为文本格式",
        example=EXAMPLE_ID,
    ),
    Column(
        "household.phone",
        p.phone,
        ("电话", "手机号", "手机号码", "联系方式"),
        kind="phone",
        meaning="户主联系电话",
        values="11 位手机号或固定电话（如 0374-8123456）",
        example="13800000000",
    ),
    Column(
        "household.size",
        p.integer(lo=1, hi=20),
        ("人口数", "家庭人口数", "家庭人数"),
        required=True,
        kind="number",
        meaning="家庭人口数",
        values="1–20 的整数",
        example=3,
    ),
    Column(
        "household.groups",
        p.groups,
        ("重点对象类别",),
        kind="groups",
        meaning="六类重点对象中的类别，可填多个",
        values="易返贫致贫户、低保户、分散供养特困人员、突发严重困难户、低保边缘家庭、其他脱贫户"
        "（也可写 建档立卡贫困户、农村低保户、农村分散供养特困人员 等系统用词）；"
        "多个用顿号（、）、逗号或分号分隔",
        example="低保户、其他脱贫户",
    ),
    _bool("household.is_alleviated", "是否为脱贫户"),
    _bool("household.enjoys_policy", "是否享受过农村危房改造政策"),
    _enum("household.monitoring_type", MonitoringType, "防止返贫监测对象类型"),
    _enum(
        "household.risk_state",
        RiskState,
        "监测对象的风险状态",
        aliases=("风险是否消除",),
        value_aliases={
            "是": "风险消除",
            "否": "风险未消除",
            "已消除": "风险消除",
            "未消除": "风险未消除",
        },
    ),
    _bool("household.no_house", "是否为无房户", example="否"),
    _enum(
        "household.structure",
        Structure,
        "现住房结构",
        example="砖木",
        value_aliases={f"{v}结构": v for v in Structure.values},
    ),
    Column(
        "household.year_built",
        p.year,
        kind="number",
        meaning="现住房建成年份",
        values="1900 年至今年之间的四位年份",
        example=1985,
    ),
    Column(
        "household.floor_area",
        AREA,
        ("住房面积",),
        kind="number",
        meaning="现住房建筑面积（平方米）",
        values=AREA_VALUES,
        example=65,
    ),
    _bool("household.dangerous_site", "住房是否位于危险场地（地质灾害隐患点等）", example="否"),
    _enum("assessment.kind", AssessmentKind, "安全性鉴定还是评定", example="鉴定"),
    _date("assessment.assessed_on", "鉴定（评定）日期", "2022-03-15", ("评定日期",)),
    _grade("assessment.grade", "改造前的安全等级", "C", ("安全等级", "评定等级")),
    Column(
        "assessment.assessor",
        p.text(max_len=100),
        ("鉴定单位",),
        meaning="鉴定人员或鉴定单位",
        values="文字，不超过 100 字",
        example="禹州市房屋安全鉴定站",
    ),
    _bool("assessment.result_issued", "是否出具鉴定（评定）结果"),
    _date("household.suspected_reported_on", "发现疑似危房并上报的日期"),
    _bool("household.plaque_posted", "是否已挂安全等级标识牌"),
    _date("household.plaque_date", "挂牌日期", "2022-03-20"),
    _grade("household.plaque_grade", "标识牌上的等级", "C"),
    _enum(
        "renovation.method",
        Method,
        "改造方式",
        example="加固维修",
        value_aliases={k: str(v) for k, v in METHOD_ALIASES.items()},
        blank_words=p.BLANK_WORDS,
        note="；也可写住建部门系统的用词（如 维修加固、拆除重建、选址新建、统建集体公租房），"
        "导入时按对应方式保存；未改造的留空或填“无”",
    ),
    Column(
        "renovation.method_reason",
        p.text(max_len=200),
        meaning="改造方式与鉴定等级不对应时的原因说明",
        values="文字，不超过 200 字",
    ),
    _date("renovation.approved_on", "县级审批日期", "2022-04-01"),
    _date("renovation.started_on", "开工日期", "2022-04-10"),
    _date("renovation.completed_on", "竣工日期", "2022-06-30"),
    _date("renovation.accepted_on", "竣工验收日期", "2022-07-05", ("竣工验收日期",)),
    _grade("renovation.post_grade", "竣工验收后的安全等级", "A"),
    Column(
        "renovation.area_after",
        AREA,
        kind="number",
        meaning="改造后住房建筑面积（平方米）",
        values=AREA_VALUES,
        example=65,
    ),
    Column(
        "renovation.craftsman",
        p.text(max_len=100),
        ("工匠证书号", "施工队伍"),
        meaning="施工工匠证书号或施工队伍",
        values="文字，不超过 100 字",
        example="豫工匠2021-0001",
    ),
    _date("renovation.foundation_checked_on", "地基基础阶段检查日期"),
    _date("renovation.structure_checked_on", "主体结构阶段检查日期"),
    _date("renovation.final_checked_on", "竣工阶段检查日期"),
    _bool("renovation.moved_in", "改造后是否入住"),
    _bool("renovation.old_demolished", "旧房是否拆除（重建户）", example=""),
    Column(
        "renovation.subsidy_amount",
        MONEY,
        ("已发放补助", "补助资金"),
        kind="number",
        meaning="已发放的补助资金合计（元）",
        values=MONEY_VALUES,
        example=20000,
    ),
    _date("renovation.subsidy_paid_on", "补助（最后一笔）发放日期", "2022-07-20"),
    _enum("renovation.payment_channel", PaymentChannel, "补助发放渠道", example="一卡通"),
    _bool("renovation.payee_agreement", "代领补助时是否签订代发协议", example=""),
    Column(
        "household.self_funds",
        MONEY,
        kind="number",
        meaning="农户自筹资金（元）",
        values=MONEY_VALUES,
        example=5000,
    ),
    _bool("household.borrowed", "农户是否因改造举债", example="否"),
    _enum("household.other_subsidy", OtherSubsidy, "同年享受的其他住房补助", example="无"),
    *(
        _bool(f"renovation.{name}", f"一户一档：{model_field(Renovation, name).verbose_name}")
        for name in Renovation.FILE_ITEMS
    ),
)

REQUIRED = tuple(c for c in COLUMNS if c.required)


# --- finding columns by header text ---------------------------------------------------------
def header_key(text: object) -> str:
    """Trimmed, half-width, without spaces or the template's required mark (*)."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"\s+", "", value)
    value = value.strip("*")
    value = re.sub(r"\((必填|选填)\)$", "", value)
    return value


UNIT_SUFFIX = re.compile(r"\((元|万元|㎡|m2|平方米|人|年|是/否|[A-D/]+)\)$")


def _build_lookup() -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            lookup.setdefault(header_key(text), column)
    return lookup


LOOKUP = _build_lookup()


def column_for(header: object) -> Column | None:
    key = header_key(header)
    if not key:
        return None
    found = LOOKUP.get(key)
    if found is None:
        found = LOOKUP.get(UNIT_SUFFIX.sub("", key))
    return found


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
