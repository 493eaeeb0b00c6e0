"""Every column of the registry workbook: its messy spellings are normalised, its wrong
values are errors named by sheet, row, column and header (TEMPLATE.md "Cell-level checks")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.registry.io.columns import COLUMNS, column_for, letter
from anju.registry.models import Household
from tests.registry.test_import_helpers import an_id, book, problems, row, run

pytestmark = pytest.mark.django_db
D = dt.date(2022, 5, 20)
TEMPLATE_HEADERS = [
    "乡镇",
    "行政村",
    "户主姓名",
    "身份证号",
    "联系电话",
    "家庭人口",
    "对象类别",
    "是否脱贫户",
    "是否享受政策",
    "监测对象类型",
    "风险状态",
    "是否无房户",
    "房屋结构",
    "建成年份",
    "房屋面积",
    "是否危险场地",
    "鉴定方式",
    "鉴定日期",
    "鉴定等级",
    "鉴定人员",
    "鉴定结果是否出具",
    "疑似危房上报日期",
    "是否挂牌",
    "挂牌日期",
    "挂牌等级",
    "改造方式",
    "改造方式说明",
    "批准日期",
    "开工日期",
    "竣工日期",
    "验收日期",
    "验收后等级",
    "改造后面积",
    "施工人员资质",
    "地基基础检查日期",
    "主体结构检查日期",
    "竣工检查日期",
    "是否入住",
    "旧房是否拆除",
    "补助金额",
    "补助发放日期",
    "发放方式",
    "代发协议",
    "自筹资金",
    "是否举债",
    "其他住房补助",
    "申请书",
    "鉴定表",
    "改造协议",
    "验收表",
    "改造前照片",
    "改造后照片",
    "补助凭证",
]


def test_the_columns_are_the_template_s_in_its_order():
    assert [c.header for c in COLUMNS] == TEMPLATE_HEADERS


@pytest.mark.parametrize(
    ("written", "header"),
    [
        ("乡镇/街道", "乡镇"),
        ("乡镇名称", "乡镇"),
        ("村", "行政村"),
        ("村名", "行政村"),
        ("村委会", "行政村"),
        ("姓名", "户主姓名"),
        ("户主", "户主姓名"),
        (" 户主 姓名 ", "户主姓名"),
        ("身份证号码", "身份证号"),
        ("证件号码", "身份证号"),
        ("户主身份证号", "身份证号"),
        ("电话", "联系电话"),
        ("手机号", "联系电话"),
        ("人口数", "家庭人口"),
        ("家庭人口数", "家庭人口"),
        ("*家庭人口", "家庭人口"),
        ("重点对象类别", "对象类别"),
        ("风险是否消除", "风险状态"),
        ("住房面积", "房屋面积"),
        ("房屋面积（㎡）", "房屋面积"),
        ("评定日期", "鉴定日期"),
        ("安全等级", "鉴定等级"),
        ("评定等级", "鉴定等级"),
        ("鉴定单位", "鉴定人员"),
        ("竣工验收日期", "验收日期"),
        ("工匠证书号", "施工人员资质"),
        ("施工队伍", "施工人员资质"),
        ("已发放补助", "补助金额"),
        ("补助资金", "补助金额"),
        ("补助金额（元）", "补助金额"),
        ("ｓｈｏｕｌｄ not match", None),
    ],
)
def test_headers_are_found_by_text_and_aliases(written, header):
    found = column_for(written)
    assert (found.header if found else None) == header


def household():
    return Household.objects.select_related("assessment", "renovation", "village").get()


def value_of(target: str):
    obj = household()
    for part in target.removeprefix("household.").split("."):
        obj = getattr(obj, part)
    return obj


NORMALISED = [
    ("乡镇", "火龙", "township.name", "火龙镇"),
    ("乡镇", "411081100", "township.name", "火龙镇"),
    ("乡镇", "火龙镇人民政府", "township.name", "火龙镇"),
    ("行政村", "甲一", "village.name", "甲一村"),
    ("行政村", "411081100201", "village.name", "甲一村"),
    ("行政村", " 甲一村 ", "village.name", "甲一村"),
    ("户主姓名", "王 建国", "head_name", "王建国"),
    ("户主姓名", "王　建国", "head_name", "王建国"),
    ("联系电话", "138 1234 5678", "phone", "13812345678"),
    ("联系电话", "１３８１２３４５６７８", "phone", "13812345678"),
    ("联系电话", "+86 13812345678", "phone", "13812345678"),
    ("联系电话", "0374－8123456", "phone", "0374-8123456"),
    ("联系电话", 13812345678, "phone", "13812345678"),
    ("家庭人口", "３", "size", 3),
    ("家庭人口", "4人", "size", 4),
    ("家庭人口", 5, "size", 5),
    ("对象类别", "低保户、其他脱贫户", "groups", 2 | 32),
    ("对象类别", "低保户，低保边缘家庭；易返贫致贫户", "groups", 2 | 16 | 1),
    ("对象类别", "分散供养特困人员;突发严重困难户", "groups", 4 | 8),
    ("对象类别", "无", "groups", 0),
    ("是否脱贫户", "否", "is_alleviated", False),
    ("是否脱贫户", "有", "is_alleviated", True),
    ("是否脱贫户", "无", "is_alleviated", False),
    ("是否脱贫户", "√", "is_alleviated", True),
    ("是否脱贫户", "×", "is_alleviated", False),
    ("是否脱贫户", "Y", "is_alleviated", True),
    ("是否脱贫户", "n", "is_alleviated", False),
    ("是否脱贫户", 1, "is_alleviated", True),
    ("是否脱贫户", "0", "is_alleviated", False),
    ("是否脱贫户", True, "is_alleviated", True),
    ("是否享受政策", "Ｙ", "enjoys_policy", True),
    ("监测对象类型", "边缘易致贫户", "monitoring_type", "边缘易致贫户"),
    ("监测对象类型", "无", "monitoring_type", ""),
    ("风险状态", "风险消除", "risk_state", "风险消除"),
    ("风险状态", "风险未消除", "risk_state", "风险未消除"),
    ("是否无房户", "是", "no_house", True),
    ("房屋结构", "砖木结构", "structure", "砖木"),
    ("房屋结构", "土木", "structure", "土木"),
    ("建成年份", "1998年", "year_built", 1998),
    ("建成年份", 1985, "year_built", 1985),
    ("房屋面积", "80㎡", "floor_area", Decimal("80")),
    ("房屋面积", "1,200.5平方米", "floor_area", Decimal("1200.5")),
    ("房屋面积", "９５ m2", "floor_area", Decimal("95")),
    ("房屋面积", 66.666, "floor_area", Decimal("66.67")),
    ("是否危险场地", "×", "dangerous_site", False),
    ("疑似危房上报日期", "2022.3.1", "suspected_reported_on", dt.date(2022, 3, 1)),
    ("是否挂牌", "Y", "plaque_posted", True),
    ("挂牌日期", "20220320", "plaque_date", dt.date(2022, 3, 20)),
    ("挂牌等级", "B级", "plaque_grade", "B"),
    ("鉴定方式", "评定", "assessment.kind", "评定"),
    ("鉴定人员", "  禹州市   鉴定站 ", "assessment.assessor", "禹州市 鉴定站"),
    ("鉴定结果是否出具", "有", "assessment.result_issued", True),
    ("改造方式", "维修加固", "renovation.method", "加固维修"),
    ("改造方式", "原址重建", "renovation.method", "原址重建"),
    (
        "改造方式说明",
        "房屋整体倾斜，加固不经济",
        "renovation.method_reason",
        "房屋整体倾斜，加固不经济",
    ),
    ("批准日期", "2022/4/1", "renovation.approved_on", dt.date(2022, 4, 1)),
    ("开工日期", "2022年4月10日", "renovation.started_on", dt.date(2022, 4, 10)),
    ("竣工日期", "２０２２－０６－３０", "renovation.completed_on", dt.date(2022, 6, 30)),
    ("验收日期", 44747, "renovation.accepted_on", dt.date(2022, 7, 5)),
    ("验收后等级", "ａ", "renovation.post_grade", "A"),
    ("改造后面积", "70平米", "renovation.area_after", Decimal("70")),
    ("施工人员资质", "豫工匠-2021-001", "renovation.craftsman", "豫工匠-2021-001"),
    ("地基基础检查日期", "2022.4.15", "renovation.foundation_checked_on", dt.date(2022, 4, 15)),
    ("主体结构检查日期", "20220501", "renovation.structure_checked_on", dt.date(2022, 5, 1)),
    ("竣工检查日期", dt.date(2022, 6, 30), "renovation.final_checked_on", dt.date(2022, 6, 30)),
    ("是否入住", "√", "renovation.moved_in", True),
    ("旧房是否拆除", "否", "renovation.old_demolished", False),
    ("补助金额", "2.5万元", "renovation.subsidy_amount", Decimal("25000")),
    ("补助金额", "30,000元", "renovation.subsidy_amount", Decimal("30000")),
    ("补助金额", 0, "renovation.subsidy_amount", Decimal("0")),
    (
        "补助发放日期",
        dt.datetime(2022, 7, 20, 9, 30),
        "renovation.subsidy_paid_on",
        dt.date(2022, 7, 20),
    ),
    ("发放方式", "一卡通", "renovation.payment_channel", "一卡通"),
    ("代发协议", "N", "renovation.payee_agreement", False),
    ("自筹资金", "5000元", "household.self_funds", Decimal("5000")),
    ("是否举债", "0", "household.borrowed", False),
    ("其他住房补助", "灾后重建", "household.other_subsidy", "灾后重建"),
    ("其他住房补助", "无", "household.other_subsidy", ""),
    *[
        (h, "√", f"renovation.{n}", True)
        for h, n in (
            ("申请书", "file_application"),
            ("鉴定表", "file_assessment"),
            ("改造协议", "file_agreement"),
            ("验收表", "file_acceptance"),
            ("改造前照片", "file_photos_before"),
            ("改造后照片", "file_photos_after"),
            ("补助凭证", "file_payment_voucher"),
        )
    ],
]


@pytest.mark.parametrize(("header", "raw", "target", "expected"), NORMALISED)
def test_messy_values_are_normalised(tmp_path, village_a, header, raw, target, expected):
    cells = {header: raw}
    if target.startswith("assessment.") and header != "鉴定等级":
        cells["鉴定等级"] = "C"
    if target.startswith("renovation.") and header != "改造方式":
        cells["改造方式"] = "原址重建"  # 否 / 0 alone make no renovation (ADR 0009)
    batch = run(book(tmp_path, [row(village_a, **cells)]))
    assert problems(batch) == [], problems(batch)
    assert batch.created == 1
    assert value_of(target) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2022-05-20",
        "2022/5/20",
        "2022.5.20",
        "2022年5月20日",
        "20220520",
        44701,
        D,
        dt.datetime(2022, 5, 20),
        "２０２２年５月２０日",
        "2022-05-20 00:00:00",
    ],
)
def test_every_date_form_is_read(tmp_path, village_a, raw):
    batch = run(book(tmp_path, [row(village_a, 鉴定日期=raw, 鉴定等级="C级")]))
    assert problems(batch) == []
    assert household().assessment.assessed_on == D


@pytest.mark.parametrize("raw", ["c", "C级", "Ｃ", " C ", "c级"])
def test_grades_are_read_in_every_spelling(tmp_path, village_a, raw):
    run(book(tmp_path, [row(village_a, 鉴定等级=raw)]))
    assert household().assessment.grade == "C"


def test_an_id_number_with_lower_case_x_spaces_and_full_width_digits_matches(tmp_path, village_a):
    number = next(an_id(n) for n in range(1, 200) if an_id(n).endswith("X"))
    messy = "　".join([number[:6], number[6:14], number[14:].lower()])
    messy = messy.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    run(book(tmp_path, [row(village_a, 身份证号=messy)]))
    assert Household.objects.by_id_number(number).exists()
    assert household().id_number == number


ERRORS = [
    ("户主姓名", "王", "应为 2–20 个字"),
    ("户主姓名", "王" * 21, "应为 2–20 个字"),
    ("身份证号", "41108119580309123", "不是 18 位身份证号"),
    ("身份证号", "4110811958030912AB", "不是 18 位身份证号"),
    ("身份证号", 411081195803091234.0, "存成了数字"),
    ("联系电话", "12345", "11 位手机号"),
    ("家庭人口", "0", "1–20 的整数"),
    ("家庭人口", "21", "1–20 的整数"),
    ("家庭人口", "2.5", "1–20 的整数"),
    ("家庭人口", "三口", "不是数字：应为 1–20 的整数"),
    ("对象类别", "贫困户", "“贫困户”不是重点对象类别"),
    ("是否脱贫户", "也许", "应为 是/否"),
    ("是否享受政策", "2", "应为 是/否"),
    ("监测对象类型", "一般户", "应为以下之一：脱贫不稳定户、边缘易致贫户、突发严重困难户"),
    ("风险状态", "不清楚", "应为以下之一：风险未消除、风险消除"),
    ("是否无房户", "待定", "应为 是/否"),
    ("房屋结构", "钢结构", "应为以下之一：砖混、砖木、土木、石木、框架、其他"),
    ("建成年份", "1850", "1900–"),
    ("建成年份", "2999", "1900–"),
    ("建成年份", "九八年", "四位年份"),
    ("房屋面积", "0", "大于 0"),
    ("房屋面积", "-5㎡", "大于 0"),
    ("房屋面积", "很大", "不是数字"),
    ("是否危险场地", "?", "应为 是/否"),
    ("鉴定方式", "检测", "应为以下之一：鉴定、评定"),
    ("鉴定日期", "2022-02-30", "不存在"),
    ("鉴定日期", "2099-01-01", "不能晚于今天"),
    ("鉴定日期", "去年五月", "应为日期"),
    ("鉴定日期", "1899-12-31", "不能早于 1900 年"),
    ("鉴定等级", "E", "应为 A、B、C、D 之一"),
    ("鉴定人员", "站" * 101, "不能超过 100 个字"),
    ("鉴定结果是否出具", "不详", "应为 是/否"),
    ("疑似危房上报日期", "2022-13-01", "不存在"),
    ("是否挂牌", "挂了", "应为 是/否"),
    ("挂牌日期", "明天", "应为日期"),
    ("挂牌等级", "五级", "应为 A、B、C、D 之一"),
    ("改造方式", "拆除", "应为以下之一：加固维修、原址重建、异地重建、新建、其他保障"),
    ("改造方式说明", "因" * 201, "不能超过 200 个字"),
    ("批准日期", "2099/1/1", "不能晚于今天"),
    ("开工日期", "2022年2月30日", "不存在"),
    ("竣工日期", "20221332", "不存在"),
    ("验收日期", "2022.5", "应为日期"),
    ("验收后等级", "AB", "应为 A、B、C、D 之一"),
    ("改造后面积", "0平方米", "大于 0"),
    ("施工人员资质", "证" * 101, "不能超过 100 个字"),
    ("地基基础检查日期", "上月", "应为日期"),
    ("主体结构检查日期", "2099.1.1", "不能晚于今天"),
    ("竣工检查日期", "2022-00-10", "不存在"),
    ("是否入住", "住了", "应为 是/否"),
    ("旧房是否拆除", "部分", "应为 是/否"),
    ("补助金额", "-100元", "不能为负数"),
    ("补助金额", "两万", "不是数字"),
    ("补助发放日期", "2099-07-20", "不能晚于今天"),
    ("发放方式", "现金", "应为以下之一：一卡通、其他"),
    ("代发协议", "签了", "应为 是/否"),
    ("自筹资金", "abc", "不是数字"),
    ("是否举债", "借了", "应为 是/否"),
    ("其他住房补助", "危房改造", "应为以下之一：灾后重建、抗震改造、易地搬迁"),
    *[
        (h, "缺", "应为 是/否")
        for h in ("申请书", "鉴定表", "改造协议", "验收表", "改造前照片", "改造后照片", "补助凭证")
    ],
    ("乡镇", "长葛市某镇", "不是禹州市的乡镇（街道）"),
    ("行政村", "不存在村", "不在火龙镇的村名单中"),
]


@pytest.mark.parametrize(("header", "raw", "message"), ERRORS)
def test_sec_21_wrong_values_are_errors_at_their_cell(tmp_path, village_a, header, raw, message):
    values = row(village_a, **{header: raw})
    if header.startswith("鉴定") and header != "鉴定等级":
        values["鉴定等级"] = "C"
    path = book(tmp_path, [values])
    batch = run(path)
    assert batch.status == "blocked"
    assert Household.objects.count() == 0
    errors = problems(batch)
    assert len(errors) == 1, errors
    error = errors[0]
    headers = [h for h in TEMPLATE_HEADERS if h in values]
    assert error["sheet"] == "农户"
    assert error["row"] == 2
    assert error["col"] == letter(headers.index(header))
    assert error["header"] == header
    assert message in error["message"]
    if header not in ("身份证号", "联系电话", "乡镇", "行政村"):
        assert error["value"]


@pytest.mark.parametrize("header", ["乡镇", "行政村", "户主姓名", "身份证号", "家庭人口"])
def test_required_cells_must_be_filled(tmp_path, village_a, header):
    batch = run(
        book(
            tmp_path,
            [row(village_a, **{header: None}), row(village_a, n=2)],
            headers=TEMPLATE_HEADERS,
        )
    )
    errors = problems(batch)
    assert [(e["row"], e["header"], e["message"]) for e in errors] == [
        (2, header, "必填，不能为空")
    ]


def test_a_wrong_check_character_is_a_warning_and_the_household_is_imported(tmp_path, village_a):
    number = an_id(7)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    batch = run(book(tmp_path, [row(village_a, 身份证号=wrong)]))
    assert batch.status == "done" and batch.created == 1
    assert problems(batch) == []
    [warning] = problems(batch, "warning")
    assert "校验码应为" in warning["message"]
    assert warning["value"] == wrong[:6] + "********" + wrong[-4:]
    assert household().id_number_valid is False


def test_an_impossible_birth_date_is_a_warning(tmp_path, village_a):
    from anju.registry import idcard

    first17 = "411081" + "19581332" + "123"
    batch = run(book(tmp_path, [row(village_a, 身份证号=first17 + idcard.check_char(first17))]))
    assert batch.created == 1
    [warning] = problems(batch, "warning")
    assert "出生日期 19581332 不存在" in warning["message"]


def test_the_same_id_number_twice_is_an_error_on_both_rows(tmp_path, village_a):
    batch = run(
        book(
            tmp_path,
            [row(village_a, n=1), row(village_a, n=2), row(village_a, n=1, 户主姓名="李四")],
        )
    )
    errors = problems(batch)
    assert [(e["row"], e["header"]) for e in errors] == [(2, "身份证号"), (4, "身份证号")]
    assert all("第 2、4 行" in e["message"] for e in errors)
    assert Household.objects.count() == 0


def test_cross_field_contradictions_are_imported_for_screening(tmp_path, village_a):
    values = row(
        village_a,
        鉴定等级="A",
        挂牌等级="D",
        是否挂牌="是",
        改造方式="加固维修",
        开工日期="2022-06-01",
        竣工日期="2022-03-01",
        验收日期="2022-01-01",
        验收后等级="C",
    )
    batch = run(book(tmp_path, [values]))
    assert batch.status == "done"
    assert problems(batch) == []


def test_unknown_columns_are_ignored_with_a_notice(tmp_path, village_a):
    batch = run(book(tmp_path, [row(village_a, 备注="老房子", 家庭住址="某街")]))
    assert batch.created == 1
    notices = problems(batch, "notice")
    assert {(n["row"], n["header"], n["message"]) for n in notices} == {
        (1, "备注", "不是模板中的列，已忽略"),
        (1, "家庭住址", "不是模板中的列，已忽略"),
    }


def test_a_missing_required_column_stops_the_import(tmp_path, village_a):
    values = row(village_a)
    del values["家庭人口"], values["身份证号"]
    batch = run(book(tmp_path, [values]))
    assert batch.status == "blocked"
    assert "缺少必填列“身份证号”、“家庭人口”" in batch.message
    assert Household.objects.count() == 0


def test_the_header_may_sit_below_a_title_row(tmp_path, village_a):
    batch = run(
        book(tmp_path, [row(village_a)], before=[["火龙镇农户住房信息表"], ["填报日期：2022年5月"]])
    )
    assert batch.created == 1
    assert batch.summary["header_row"] == 3


def test_the_template_s_example_row_is_skipped(tmp_path, village_a):
    from anju.registry.io.columns import EXAMPLE_ID

    batch = run(book(tmp_path, [row(village_a, 身份证号=EXAMPLE_ID), row(village_a, n=3)]))
    assert batch.created == 1
    assert "示例行" in problems(batch, "notice")[0]["message"]


def test_an_assessment_without_grade_is_not_imported_but_warned(tmp_path, village_a):
    batch = run(book(tmp_path, [row(village_a, 鉴定日期="2022-05-20", 鉴定人员="鉴定站")]))
    assert batch.created == 1
    assert household().assessment is None
    [warning] = problems(batch, "warning")
    assert warning["header"] == "鉴定日期" or "鉴定等级" in warning["message"]


def test_a_renovation_without_method_is_imported_and_warned(tmp_path, village_a):
    batch = run(book(tmp_path, [row(village_a, 补助金额="20000元")]))
    assert household().renovation.subsidy_amount == Decimal("20000")
    assert household().renovation.method == ""
    assert any("未填改造方式" in w["message"] for w in problems(batch, "warning"))
