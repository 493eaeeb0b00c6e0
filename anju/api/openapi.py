"""The OpenAPI 3.1 document of the API, written by hand as a Python dict.

Served at /api/v1/openapi.json and listed on the page 接口说明. Tests check that every route
of ``anju.api.urls`` is described here and that each endpoint's answers have exactly the
documented keys, so the document cannot drift from ``serializers``.
"""

from __future__ import annotations

from django.conf import settings

from anju.api import selectors
from anju.rectification.models import Nature, State
from anju.registry.choices import Grade
from anju.screening.choices import Aspect
from anju.screening.models import Status

VERSION = "1.0.0"


# --- small builders ---------------------------------------------------------------------
def _t(kind: str, description: str, *, null: bool = False, **extra) -> dict:
    return {"type": [kind, "null"] if null else kind, "description": description, **extra}


def _s(description: str, **kw) -> dict:
    return _t("string", description, **kw)


def _i(description: str, **kw) -> dict:
    return _t("integer", description, **kw)


def _b(description: str) -> dict:
    return _t("boolean", f"{description}（未填为 null）", null=True)


def _date(description: str) -> dict:
    return _s(description, null=True, format="date")


def _time(description: str, *, null: bool = True) -> dict:
    return _s(f"{description}（北京时间，带时区）", null=null, format="date-time")


def _money(description: str) -> dict:
    return _s(
        f"{description}（两位小数的字符串，未填为 null）", null=True, pattern=r"^-?\d+\.\d{2}$"
    )


def _ref(name: str, description: str = "", *, null: bool = False) -> dict:
    ref = {"$ref": f"#/components/schemas/{name}"}
    if null:
        return {"oneOf": [ref, {"type": "null"}], "description": description}
    return {**ref, "description": description} if description else ref


def _array(item: dict, description: str) -> dict:
    return {"type": "array", "items": item, "description": description}


def obj(properties: dict, description: str) -> dict:
    """An object whose every property is always present (the serializers emit them all)."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


# --- schemas ----------------------------------------------------------------------------
UNIT = obj(
    {"code": _s("统计用区划代码"), "name": _s("名称")},
    "行政单位（乡镇 9 位代码，村 12 位代码）",
)
HOUSEHOLD_REF = obj(
    {
        "id": _i("农户 id"),
        "head_name": _s("户主姓名"),
        "id_number_masked": _s("身份证号（脱敏，如 411081********123X）"),
    },
    "涉及的农户（脱敏）",
)
LISTED_REF = obj(
    {
        "id": _i("名单农户 id"),
        "source": _s("名单来源：fpjc 防返贫监测，minzheng 民政", enum=["fpjc", "minzheng"]),
        "source_label": _s("名单来源名称"),
        "version": _i("名单版本 id（一次导入）"),
        "head_name": _s("户主姓名（名单所写）"),
        "id_number_masked": _s("户主身份证号（脱敏）"),
        "village_name": _s("村（名单所写）"),
        "first_listed_on": _date("首次列入名单日期"),
    },
    "部门名单（防返贫监测、民政）上的农户，农户档案中尚无（脱敏）",
)
HOUSEHOLD_PROPS = {
    "id": _i("农户 id（翻页键）"),
    "township": _ref("Unit", "乡镇"),
    "village": _ref("Unit", "行政村"),
    "head_name": _s("户主姓名"),
    "id_number_masked": _s("身份证号（脱敏，如 411081********123X；接口不提供完整号码）"),
    "id_number_valid": _t("boolean", "身份证号校验通过"),
    "phone_masked": _s("联系电话（脱敏，如 138****1234；未填为空）"),
    "size": _i("家庭人口"),
    "groups": _array(_s("类别名称"), "对象类别（六类重点对象）"),
    "is_alleviated": _b("是否脱贫户"),
    "enjoys_policy": _b("是否享受政策"),
    "monitoring_type": _s("监测对象类型（非监测对象为空）"),
    "risk_state": _s("风险状态"),
    "no_house": _b("是否无房户"),
    "structure": _s("房屋结构"),
    "year_built": _i("建成年份", null=True),
    "storeys": _i("层数", null=True),
    "floor_area": _money("房屋面积（平方米）"),
    "dangerous_site": _b("是否危险场地"),
    "suspected_reported_on": _date("疑似危房上报日期"),
    "plaque_posted": _b("是否挂牌"),
    "plaque_date": _date("挂牌日期"),
    "plaque_grade": _s("挂牌等级"),
    "self_funds": _money("自筹资金（元）"),
    "borrowed": _b("是否举债"),
    "other_subsidy": _s("其他住房补助（无则为空）"),
    "grade": _s("当前鉴定等级", null=True, enum=[*Grade.values, None]),
    "has_renovation": _t("boolean", "是否已安排危房改造：当前改造记录填有改造方式"),
    "renovation_state": _s(
        "当前改造进度：未开工、施工中、已竣工待验收、已验收；无改造（或未填改造方式）为 null",
        null=True,
    ),
    "created_at": _time("建档时间", null=False),
    "updated_at": _time("更新时间", null=False),
}
ASSESSMENT = obj(
    {
        "id": _i("鉴定 id"),
        "kind": _s("鉴定方式：鉴定或评定"),
        "assessed_on": _date("鉴定日期"),
        "grade": _s("鉴定等级", enum=Grade.values),
        "assessor": _s("鉴定人员"),
        "result_issued": _b("鉴定结果是否出具"),
    },
    "当前安全鉴定",
)
FILE_ITEMS = {
    "file_application": "申请书",
    "file_assessment": "鉴定表",
    "file_agreement": "改造协议",
    "file_acceptance": "验收表",
    "file_photos_before": "改造前照片",
    "file_photos_after": "改造后照片",
    "file_payment_voucher": "补助凭证",
}
RENOVATION = obj(
    {
        "id": _i("改造 id"),
        "state": _s(
            "改造进度：未开工、施工中、已竣工待验收、已验收；未填改造方式时为“未填改造方式”"
        ),
        "method": _s(
            "改造方式；为 null 时该记录只有导入的改造信息（日期、面积等），尚未填改造方式，"
            "不算已安排改造",
            null=True,
        ),
        "method_reason": _s("改造方式说明"),
        "approved_on": _date("批准日期"),
        "started_on": _date("开工日期"),
        "completed_on": _date("竣工日期"),
        "accepted_on": _date("验收日期"),
        "post_grade": _s("验收后等级"),
        "area_after": _money("改造后面积（平方米）"),
        "craftsman": _s("施工人员资质"),
        "foundation_checked_on": _date("地基基础检查日期"),
        "structure_checked_on": _date("主体结构检查日期"),
        "final_checked_on": _date("竣工检查日期"),
        "moved_in": _b("是否入住"),
        "old_demolished": _b("旧房是否拆除"),
        "has_toilet": _b("卫生厕所"),
        "livestock_separated": _b("人畜分离"),
        "subsidy_amount": _money("补助金额（元）"),
        "subsidy_paid_on": _date("补助发放日期"),
        "payment_channel": _s("发放方式"),
        "payee_agreement": _b("代发协议"),
        "household_file": obj(
            {k: _b(v) for k, v in FILE_ITEMS.items()}, "一户一档：各项材料是否齐全"
        ),
    },
    "当前危房改造",
)
FINDING = obj(
    {
        "id": _i("问题 id（翻页键）"),
        "rule": _s("规则编号，如 A1-01"),
        "rule_title": _s("规则名称"),
        "aspect": _s("方面", enum=Aspect.values),
        "aspect_label": _s("方面名称"),
        "severity": _s("性质：E 错误，W 提示", enum=["E", "W"]),
        "status": _s("状态", enum=Status.values),
        "status_label": _s("状态名称"),
        "household": _ref(
            "HouseholdRef",
            "农户；应纳未纳（M-01）的问题为 null：该户在部门名单上，农户档案中没有，见 listed",
            null=True,
        ),
        "listed": _ref(
            "ListedRef",
            "部门名单上的农户：只有应纳未纳（M-01）的问题有，其余为 null",
            null=True,
        ),
        "township": _ref("Unit", "乡镇"),
        "village": _ref("Unit", "行政村（名单所写的村与系统中的村对不上时为 null）", null=True),
        "message": _s("问题表述"),
        "facts": {"type": "object", "description": "规则所用数据（字段名 → 值）"},
        "campaign": _i("“回头看”工作 id", null=True),
        "opened_at": _time("发现时间", null=False),
        "updated_at": _time("更新时间", null=False),
        "resolved_at": _time("消除时间"),
        "decided_at": _time("乡镇处理时间"),
        "reason": _s("排除理由"),
    },
    "筛查发现的问题",
)
LEDGER_PROPS = {
    "id": _i("条目 id（翻页键）"),
    "campaign": obj({"id": _i("工作 id"), "name": _s("名称")}, "“回头看”工作"),
    "township": _ref("Unit", "乡镇"),
    "village": _ref("Unit", "行政村（跨村的共性问题为 null）", null=True),
    "number": _i("序号（草稿为 null）", null=True),
    "label": _s("台账中的称呼：第 N 号，或草稿"),
    "problem_type": _s("问题类型"),
    "nature": _s("问题性质", enum=Nature.values),
    "aspect": _s("方面：1–5 为五个方面，D 为数据质量；可为空"),
    "description": _s("问题表述"),
    "measures": _s("整改措施"),
    "deadline": _date("完成时限"),
    "responsible_unit": _s("责任单位"),
    "responsible_leader": _s("责任领导"),
    "cause": _s("产生原因及分析"),
    "source": _s(
        "来源：screening 系统筛查、visit 入户排查、spot_check 市局抽查、city 市局交办、self 乡镇自查"
    ),
    "state": _s("状态", enum=State.values),
    "state_label": _s("状态名称"),
    "light": _s(
        "时限灯：green 正常、yellow 临近时限、red 已逾期、done 已销号",
        enum=["green", "yellow", "red", "done"],
    ),
    "households": _array(_ref("HouseholdRef"), "涉及农户"),
    "findings": _array(
        obj({"id": _i("问题 id"), "rule": _s("规则编号")}, "关联的筛查问题"), "关联筛查问题"
    ),
    "created_at": _time("填报时间", null=False),
    "updated_at": _time("更新时间", null=False),
    "closed_at": _time("销号时间"),
}
TRANSITION = obj(
    {
        "name": _s("操作"),
        "from_state": _s("原状态（新建时为空）"),
        "to_state": _s("新状态", enum=State.values),
        "actor": _s("操作人"),
        "at": _time("时间", null=False),
        "reason": _s("理由"),
    },
    "一次状态变更",
)
NOTE = obj(
    {
        "id": _i("进展 id"),
        "on": _date("日期"),
        "text": _s("进展情况"),
        "author": _s("填写人"),
        "created_at": _time("填写时间", null=False),
    },
    "一条整改进展",
)
EVIDENCE = obj(
    {
        "id": _i("佐证 id"),
        "original_name": _s("原文件名"),
        "content_type": _s("文件类型"),
        "size": _i("大小（字节）"),
        "sha256": _s("文件 SHA-256"),
        "note": _s("说明"),
        "taken_at": _time("拍摄时间"),
        "uploaded_by": _s("上传人"),
        "uploaded_at": _time("上传时间", null=False),
    },
    "整改佐证的说明（接口只给元数据，不给文件与拍摄位置）",
)


def _page(item: str, description: str) -> dict:
    return obj(
        {
            "results": _array(_ref(item), "本页记录，按 id 升序"),
            "next": _s("下一页的地址（已是最后一页时为 null）", null=True),
            "limit": _i("本页最多条数"),
        },
        description,
    )


SCHEMAS = {
    "Error": obj({"error": _s("中文错误说明")}, "错误"),
    "Unit": UNIT,
    "HouseholdRef": HOUSEHOLD_REF,
    "ListedRef": LISTED_REF,
    "Household": obj(HOUSEHOLD_PROPS, "农户（列表中的一行）"),
    "HouseholdDetail": obj(
        {
            **HOUSEHOLD_PROPS,
            "assessment": _ref("Assessment", "当前安全鉴定（无则为 null）", null=True),
            "renovation": _ref("Renovation", "当前危房改造（无则为 null）", null=True),
        },
        "农户，含当前鉴定与改造",
    ),
    "Assessment": ASSESSMENT,
    "Renovation": RENOVATION,
    "Finding": FINDING,
    "LedgerEntry": obj(LEDGER_PROPS, "整改台账条目"),
    "LedgerEntryDetail": obj(
        {
            **LEDGER_PROPS,
            "transitions": _array(_ref("Transition"), "状态变更，按时间先后"),
            "progress_notes": _array(_ref("ProgressNote"), "整改进展，新的在前"),
            "evidence": _array(_ref("Evidence"), "整改佐证（仅元数据）"),
        },
        "整改台账条目，含状态变更、进展与佐证说明",
    ),
    "Transition": TRANSITION,
    "ProgressNote": NOTE,
    "Evidence": EVIDENCE,
    "HouseholdPage": _page("Household", "一页农户"),
    "FindingPage": _page("Finding", "一页筛查问题"),
    "LedgerPage": _page("LedgerEntry", "一页台账条目"),
    "OpenApiDocument": {
        "type": "object",
        "description": "本文档（OpenAPI 3.1）",
        "required": ["openapi", "info", "servers", "security", "tags", "paths", "components"],
    },
}


# --- parameters -------------------------------------------------------------------------
def _q(name: str, description: str, schema: dict, example=None) -> dict:
    param = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        param["example"] = example
    return param


PARAMETERS = {
    "after": _q(
        "after",
        "翻页：上一页最后一条记录的 id；不填从头开始。下一页的完整地址见响应的 next。",
        {"type": "integer", "minimum": 0},
        0,
    ),
    "limit": _q(
        "limit",
        f"每页条数，默认 {selectors.DEFAULT_LIMIT}，最多 {selectors.MAX_LIMIT}",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": selectors.MAX_LIMIT,
            "default": selectors.DEFAULT_LIMIT,
        },
        100,
    ),
    "township": _q(
        "township",
        "乡镇的 9 位统计用区划代码；超出令牌数据范围的乡镇得到空列表",
        {"type": "string", "pattern": r"^[0-9]{9}$"},
        "411081100",
    ),
    "village": _q(
        "village", "村的 12 位统计用区划代码", {"type": "string", "pattern": r"^[0-9]{12}$"}
    ),
    "grade": _q(
        "grade",
        "当前鉴定等级；none 为尚无鉴定",
        {"type": "string", "enum": [*Grade.values, "none"]},
        "D",
    ),
    "updated_since": _q(
        "updated_since",
        "只要此时间以后更新过的农户：日期（2031-06-01，当日零点，北京时间）或带时区的时间",
        {"type": "string"},
        "2031-06-01",
    ),
    "rule": _q(
        "rule", "规则编号", {"type": "string", "pattern": selectors.RULE_CODE.pattern}, "A1-01"
    ),
    "aspect": _q(
        "aspect", "方面：1–5 为五个方面，D 为数据质量", {"type": "string", "enum": Aspect.values}
    ),
    "status": _q(
        "status",
        "问题状态：open 待确认、confirmed 已确认、dismissed 已排除、resolved 已消除",
        {"type": "string", "enum": Status.values},
        "open",
    ),
    "state": _q(
        "state",
        "台账状态：pending 待整改、in_progress 整改中、awaiting 已整改待核验、closed 已销号；"
        "draft 草稿仅乡镇可见（不填时不含草稿）",
        {"type": "string", "enum": State.values},
        "in_progress",
    ),
    "nature": _q("nature", "问题性质", {"type": "string", "enum": Nature.values}, "个性问题"),
    "pk": {
        "name": "pk",
        "in": "path",
        "required": True,
        "description": "记录 id",
        "schema": {"type": "integer", "minimum": 1},
    },
}


def _p(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


RESPONSES = {
    "BadRequest": _error("参数无效（说明中写明是哪个参数）"),
    "Unauthorized": _error("缺少令牌，或令牌无效、已撤销、已过期，或账号已停用、授权已变更"),
    "NotFound": _error("记录不存在或不在令牌的数据范围内（两者不作区分）"),
    "TooManyRequests": _error(
        f"请求过于频繁：每个令牌每分钟最多 {settings.API_RATE_PER_MINUTE} 次（可配置）；"
        "Retry-After 头给出需等待的秒数"
    ),
}


def _get(summary: str, description: str, tag: str, schema: str, params: list[str]) -> dict:
    responses = {
        "200": {"description": "成功", "content": {"application/json": {"schema": _ref(schema)}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "429": {"$ref": "#/components/responses/TooManyRequests"},
    }
    if "pk" in params:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {
        "get": {
            "operationId": schema[0].lower() + schema[1:],
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": [_p(name) for name in params],
            "responses": responses,
        }
    }


PAGED = ["after", "limit"]
PATHS = {
    "/households": _get(
        "农户列表",
        "令牌数据范围内的农户（市级角色全县，乡镇本乡镇，村级信息员本村），按 id 升序分页。"
        "身份证号与电话只给脱敏值；不含住房坐标。",
        "农户档案",
        "HouseholdPage",
        [*selectors.HOUSEHOLD_FILTERS, *PAGED],
    ),
    "/households/{pk}": _get(
        "农户详情",
        "一户的档案，含当前安全鉴定与当前危房改造。不在数据范围内的 id 返回 404。",
        "农户档案",
        "HouseholdDetail",
        ["pk"],
    ),
    "/findings": _get(
        "筛查问题列表",
        "政策筛查发现的问题（含已排除、已消除的），按 id 升序分页。",
        "政策筛查",
        "FindingPage",
        [*selectors.FINDING_FILTERS, *PAGED],
    ),
    "/ledger": _get(
        "整改台账",
        "整改台账条目，按 id 升序分页。不填 state 时不含草稿；草稿只对乡镇经办人、乡镇主要负责人可见。"
        "跨村的共性问题不在村级信息员的范围内。",
        "整改台账",
        "LedgerPage",
        [*selectors.LEDGER_FILTERS, *PAGED],
    ),
    "/ledger/{pk}": _get(
        "台账条目详情",
        "一个台账条目，含状态变更、整改进展和佐证说明（佐证只给元数据，不给文件）。",
        "整改台账",
        "LedgerEntryDetail",
        ["pk"],
    ),
    "/openapi.json": _get(
        "接口文档",
        "本 OpenAPI 3.1 文档。可用令牌读取，也可在登录系统后直接打开。",
        "接口文档",
        "OpenApiDocument",
        [],
    ),
}

DESCRIPTION = (
    "禹州市农村危房改造“回头看”排查整改系统（安居）的只读数据接口：农户档案、筛查问题、整改台账。\n\n"
    "**认证**：在“接口令牌”页面创建令牌（只显示一次），请求时带请求头 "
    "`Authorization: Bearer <令牌>`。令牌代表创建它的账号，数据范围与该账号在页面上看到的一致；"
    "账号停用、角色或单位变更、令牌撤销或过期后，令牌立即失效。\n\n"
    "**个人信息**：身份证号、电话只给脱敏值，接口不提供完整号码；每次返回个人信息的请求都记入审计日志"
    "（接口、筛选条件、条数）。\n\n"
    "**翻页**：列表按 id 升序，每页最多 500 条；用响应中的 next 取下一页，next 为 null 即已取完。\n\n"
    '**错误**：响应体为 `{"error": "中文说明"}`。'
)


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "安居数据接口", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1", "description": "本系统"}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "农户档案"},
            {"name": "政策筛查"},
            {"name": "整改台账"},
            {"name": "接口文档"},
        ],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "在“接口令牌”页面创建的令牌，形如 anju_…",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
