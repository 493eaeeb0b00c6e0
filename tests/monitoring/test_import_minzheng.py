"""Importing a 民政 list (issue #18 part 1): one row per household or family rows, 救助类别
normalised to the key groups, 集中供养 and stopped assistance left out with a notice."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core import crypto
from anju.monitoring.models import ListedHousehold, ListedPerson, ListVersion
from anju.registry.choices import KeyGroup
from tests.monitoring.lists import FULL_WIDTH, an_id, command, write_book

pytestmark = pytest.mark.django_db
HOUSEHOLD_ROWS = (
    "序号",
    "乡镇",
    "村",
    "户主姓名",
    "身份证号",
    "保障人数",
    "救助类别",
    "救助开始月份",
    "户月保障金",
    "状态",
)
FAMILY_ROWS = (
    "序号",
    "乡镇",
    "村",
    "家庭编号",
    "户主姓名",
    "姓名",
    "身份证号",
    "与户主关系",
    "救助类别",
    "家庭人口",
)


def household_row(n: int, category: str = "农村最低生活保障对象", **cells) -> dict:
    return {
        "乡镇": "火龙镇",
        "村": "示例一村",
        "户主姓名": f"民{n}",
        "身份证号": an_id(500 + n),
        "保障人数": 2,
        "救助类别": category,
        "救助开始月份": "2023-06",
        "户月保障金": 620,
        "状态": "正常",
        **cells,
    }


def run(tmp_path, headers, rows, *extra):
    path = write_book(tmp_path / "民政.xlsx", headers, rows, titles=("禹州市农村低保对象花名册",))
    return command("import_list", "--source", "minzheng", str(path), *extra)


def test_one_row_per_household_with_the_categories_normalised(tmp_path):
    rows = [
        household_row(1),
        household_row(2, "农村最低生活保障边缘家庭成员"),
        household_row(3, "农村特困人员（分散供养）"),
        household_row(4, "农村刚性支出困难家庭成员"),
        household_row(5, "农村特困人员（集中供养）"),
        household_row(6, 状态="停保"),
    ]
    code, out, err = run(tmp_path, HOUSEHOLD_ROWS, rows)
    assert code == 0, out + err
    assert "表头在第 2 行" in out
    groups = {h.head_name: h.groups for h in ListedHousehold.objects.all()}
    assert groups == {
        "民1": KeyGroup.DIBAO,
        "民2": KeyGroup.DIBAO_EDGE,
        "民3": KeyGroup.TEKUN,
        "民4": 0,
    }
    one = ListedHousehold.objects.get(head_name="民1")
    assert one.id_number_hash == crypto.blind_index(an_id(501))
    assert one.assistance == "农村最低生活保障对象" and one.size == 2
    assert one.identified_on == dt.date(2023, 6, 1) and one.monitoring_type == ""
    assert "第 7 行：集中供养特困人员不在农村住房安全保障范围内，不计入名单" in err
    assert "第 8 行：状态为停保（退出），不计入名单" in err
    assert ListVersion.objects.get().households == 4


def test_family_rows_are_grouped_by_family_number_and_the_head_by_relation(tmp_path):
    def person(code, name, n, relation, category="农村最低生活保障对象"):
        return {
            "乡镇": "顺店镇",
            "村": "示例二村",
            "家庭编号": code,
            "户主姓名": "李大",
            "姓名": name,
            "身份证号": an_id(n),
            "与户主关系": relation,
            "救助类别": category,
            "家庭人口": 3,
        }

    rows = [
        person("F1", "李二", 601, "配偶"),
        person("F1", "李大", 602, "户主"),
        person("F1", "李三", 603, "子"),
        person("F2", "赵大", 604, "户主", "农村特困人员(分散供养)"),
    ]
    rows[0]["身份证号"] = " " + rows[0]["身份证号"].translate(FULL_WIDTH) + " "
    code, out, err = run(tmp_path, FAMILY_ROWS, rows)
    assert code == 0, out + err
    li = ListedHousehold.objects.get(household_code="F1")
    assert li.head_name == "李大" and li.row == 4 and li.groups == KeyGroup.DIBAO
    assert li.id_number_hash == crypto.blind_index(an_id(602))
    assert li.persons.count() == 3
    assert ListedPerson.objects.filter(id_number_hash=crypto.blind_index(an_id(601))).exists()
    assert ListedHousehold.objects.get(household_code="F2").groups == KeyGroup.TEKUN


def test_family_rows_without_a_family_number_follow_each_head(tmp_path):
    headers = ("乡镇", "村", "姓名", "身份证号", "与户主关系", "救助类别")
    rows = [
        {
            "乡镇": "火龙镇",
            "村": "甲村",
            "姓名": "甲",
            "身份证号": an_id(701),
            "与户主关系": "户主",
            "救助类别": "低保",
        },
        {
            "乡镇": "火龙镇",
            "村": "甲村",
            "姓名": "乙",
            "身份证号": an_id(702),
            "与户主关系": "妻",
            "救助类别": "低保",
        },
        {
            "乡镇": "火龙镇",
            "村": "甲村",
            "姓名": "丙",
            "身份证号": an_id(703),
            "与户主关系": "户主",
            "救助类别": "低保边缘",
        },
    ]
    code, out, err = run(tmp_path, headers, rows)
    assert code == 0, out + err
    assert sorted(h.persons.count() for h in ListedHousehold.objects.all()) == [1, 2]
    assert ListedHousehold.objects.get(head_name="丙").groups == KeyGroup.DIBAO_EDGE


def test_an_unknown_category_and_a_bad_id_are_errors_and_nothing_is_written(tmp_path):
    rows = [household_row(1, "五保"), household_row(2, 身份证号=an_id(502)[:17] + "  ")]
    code, _, err = run(tmp_path, HOUSEHOLD_ROWS, rows)
    assert code == 1
    assert "第 3 行 G 列（救助类别）“五保”：应为民政救助类别" in err
    assert "第 4 行 E 列（身份证号）" in err and "现为 17 位" in err
    assert ListedHousehold.objects.count() == 0
    assert ListVersion.objects.get().status == "blocked"


def test_a_list_without_names_or_ids_is_refused_by_its_columns(tmp_path):
    code, _, err = run(tmp_path, ("乡镇", "村", "户主姓名", "救助类别"), [household_row(1)])
    assert code == 1 and "缺少必需的列“身份证号”" in err
