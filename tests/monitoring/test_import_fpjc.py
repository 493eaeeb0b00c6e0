"""Importing the 防返贫监测 export (issue #18 part 1): header found under title rows, person
rows grouped by 户编号 with the head by 与户主关系, the synonyms of SOURCES.md, ID numbers
normalised, cell-level Chinese errors, nothing written on errors, audited."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from anju.audit.models import AuditEvent
from anju.core import crypto
from anju.monitoring.models import ListedHousehold, ListedPerson, ListVersion
from anju.registry.choices import KeyGroup
from tests.monitoring.lists import (
    FPJC_2021,
    FULL_WIDTH,
    command,
    family,
    fpjc_book,
    head_id,
)

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "samples" / "fpjc-2023-sample.xlsx"  # /work/shared/samples


def test_the_export_is_grouped_into_households_with_the_head_by_relation(tmp_path):
    rows = family(1, size=4, head_at=2) + family(2, "顺店镇", "示例二村", size=1, head_at=0)
    code, out, _ = command(
        "import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows))
    )
    assert code == 0, out
    assert "表头在第 3 行，共 5 行（人），2 户" in out
    version = ListVersion.objects.get()
    assert (version.status, version.households, version.persons) == ("done", 2, 5)
    assert version.data_date == dt.date(2023, 11, 30)
    first = ListedHousehold.objects.get(household_code="411081000001")
    assert first.head_name == "户1主" and first.row == 6  # the third person of the household
    assert first.id_number_hash == crypto.blind_index(head_id(1, 4, 2))
    assert first.id_number == head_id(1, 4, 2)
    assert first.id_number_masked == crypto.mask_id_number(head_id(1, 4, 2))
    assert first.township.name == "火龙镇" and first.village is None
    assert first.village_name == "示例一村"
    assert first.persons.count() == 4 and first.persons.filter(is_head=True).get().row == 6
    assert ListedHousehold.objects.get(household_code="411081000002").township.name == "顺店镇"


def test_the_household_facts_are_read_and_the_key_groups_follow_from_them(tmp_path):
    rows = (
        family(1, 监测对象类别="脱贫不稳定户", 享受低保政策情况="农村低保")
        + family(2, 户类型="脱贫户", 监测对象类别="", size=1, head_at=0)
        + family(
            3,
            户类型="普通农户",
            监测对象类别="突发严重困难户",
            **{"致贫/返贫风险2": "因安全住房"},
            是否危房户="是",
            风险是否已消除="是",
            消除监测时间="2023-11",
        )
    )
    assert (
        command("import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows)))[0]
        == 0
    )
    one, two, three = ListedHousehold.objects.order_by("household_code")
    assert one.groups == KeyGroup.UNSTABLE | KeyGroup.DIBAO
    assert one.monitoring_type == "脱贫不稳定户" and one.housing_risk is False
    assert one.identified_on == dt.date(2023, 3, 1) and one.risk_eliminated is False
    assert two.groups == KeyGroup.OTHER_ALLEVIATED and two.monitoring_type == ""
    assert three.groups == KeyGroup.SUDDEN and three.housing_risk is True
    assert three.risks == "因病、因安全住房" and three.dangerous_house is True
    assert three.risk_eliminated is True and three.eliminated_on == dt.date(2023, 11, 1)


def test_an_older_export_with_other_header_names_is_read_the_same(tmp_path):
    rows = family(1, 是否危房户="是")
    path = fpjc_book(tmp_path / "2021.xlsx", rows, rename=FPJC_2021, titles=("监测对象信息",))
    code, out, _ = command("import_list", "--source", "fpjc", str(path))
    assert code == 0, out
    assert "表头在第 2 行" in out
    listed = ListedHousehold.objects.get()
    assert listed.monitoring_type == "脱贫不稳定户" and listed.dangerous_house is True
    assert listed.identified_on == dt.date(2023, 3, 1) and listed.risk_eliminated is False


def test_id_numbers_in_full_width_with_spaces_and_appended_text_are_normalised(tmp_path):
    rows = family(1, size=3, head_at=0)
    rows[0]["证件号码"] = " " + head_id(1, 3, 0).translate(FULL_WIDTH) + "  "
    rows[0]["户编号"] = rows[1]["户编号"] = rows[2]["户编号"] = "４１１０８１０００００１"
    rows[1]["证件号码"] = rows[1]["证件号码"] + "(已迁出)"  # cut to 18 characters
    rows[2]["证件号码"] = rows[2]["证件号码"].lower()
    code, out, err = command(
        "import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows))
    )
    assert code == 0, out + err
    listed = ListedHousehold.objects.get()
    assert listed.household_code == "411081000001"
    assert listed.id_number_hash == crypto.blind_index(head_id(1, 3, 0))
    stored = {crypto.decrypt(p.id_number_enc) for p in ListedPerson.objects.all()}
    assert stored == {r["证件号码"][:18].upper() for r in rows[1:]} | {head_id(1, 3, 0)}


def test_a_17_character_id_with_trailing_spaces_is_an_error_and_nothing_is_written(tmp_path):
    rows = family(1) + family(2)
    rows[4]["证件号码"] = rows[4]["证件号码"][:17] + "   "
    errors = tmp_path / "问题.xlsx"
    path = fpjc_book(tmp_path / "a.xlsx", rows)
    code, out, err = command("import_list", "--source", "fpjc", str(path), "--errors", str(errors))
    assert code == 1
    assert "第 8 行 H 列（证件号码）" in err and "不是 18 位身份证号（现为 17 位）" in err
    assert rows[4]["证件号码"][:17] not in err  # masked
    assert ListedHousehold.objects.count() == 0 and ListedPerson.objects.count() == 0
    version = ListVersion.objects.get()
    assert version.status == "blocked" and version.error_count == 1
    sheet = openpyxl.load_workbook(errors).active
    assert [c.value for c in sheet[2]][:5] == ["错误", "监测对象信息", 8, "H", "证件号码"]


def test_a_household_without_a_head_or_with_two_is_an_error(tmp_path):
    rows = family(1) + family(2)
    rows[1]["与户主关系"] = "之子"  # household 1 has no head now
    rows[3]["与户主关系"] = "户主"  # household 2 has two
    code, _, err = command(
        "import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows))
    )
    assert code == 1
    assert "户编号 411081000001 的 3 行（第 4、5、6 行）中没有与户主关系为“户主”的人" in err
    assert "户编号 411081000002 有 2 个户主（第 7、8 行）" in err
    assert ListedHousehold.objects.count() == 0


def test_bad_cells_are_named_by_row_column_and_header(tmp_path):
    rows = family(1, 乡="不存在镇") + family(2, 识别监测时间="2023年13月", 是否危房户="也许")
    rows[3]["监测对象类别"] = "不稳定"
    code, _, err = command(
        "import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows))
    )
    assert code == 1
    assert "第 4 行 C 列（乡）“不存在镇”：不是禹州市的乡镇（街道）" in err
    assert "第 7 行 O 列（识别监测时间）“2023年13月”：月份“13”不存在" in err
    assert "第 7 行 R 列（是否危房户）“也许”" in err
    assert "第 7 行 L 列（监测对象类别）“不稳定”：应为以下之一" in err
    assert ListVersion.objects.get().status == "blocked"


def test_the_same_person_twice_is_an_error_on_both_rows(tmp_path):
    rows = family(1) + family(2)
    rows[5]["证件号码"] = rows[0]["证件号码"]
    code, _, err = command(
        "import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows))
    )
    assert code == 1
    assert err.count("证件号码在本文件中重复出现（第 4、9 行）") == 2


def test_a_missing_required_column_stops_the_import(tmp_path):
    headers = tuple(h for h in ("乡", "村", "户编号", "姓名", "证件号码", "监测对象类别"))
    code, _, err = command(
        "import_list",
        "--source",
        "fpjc",
        str(fpjc_book(tmp_path / "a.xlsx", family(1), headers=headers)),
    )
    assert code == 1 and "缺少必需的列“与户主关系”" in err
    assert ListVersion.objects.get().status == "blocked"


def test_a_dry_run_checks_and_writes_nothing(tmp_path):
    code, out, _ = command(
        "import_list",
        "--source",
        "fpjc",
        str(fpjc_book(tmp_path / "a.xlsx", family(1))),
        "--dry-run",
    )
    assert code == 0 and "检查完毕（未写入）" in out
    assert ListedHousehold.objects.count() == 0
    assert ListVersion.objects.get().status == "checked"


def test_a_village_on_the_townships_list_is_linked(tmp_path, village_a):
    rows = family(1, village=village_a.name)
    assert (
        command("import_list", "--source", "fpjc", str(fpjc_book(tmp_path / "a.xlsx", rows)))[0]
        == 0
    )
    assert ListedHousehold.objects.get().village == village_a


def test_every_run_is_audited_with_the_files_hash(tmp_path):
    good = fpjc_book(tmp_path / "good.xlsx", family(1))
    bad = tmp_path / "bad.xlsx"
    bad.write_text("<html>not a workbook</html>")
    assert command("import_list", "--source", "fpjc", str(good))[0] == 0
    code, _, err = command("import_list", "--source", "fpjc", str(bad))
    assert code == 1 and "不是 Excel 工作簿" in err
    events = list(AuditEvent.objects.filter(event="import").order_by("id"))
    assert [e.outcome for e in events] == ["success", "failure"]
    assert events[0].detail["source"] == "fpjc" and events[0].detail["households"] == 1
    assert events[0].detail["sha256"] == ListVersion.objects.order_by("id")[0].file_sha256
    assert events[0].username == "system"


def test_a_city_user_imports_and_a_township_officer_may_not(tmp_path, city_reviewer, officer_a):
    path = fpjc_book(tmp_path / "a.xlsx", family(1))
    assert command("import_list", "--source", "fpjc", str(path), "--user", "p_reviewer")[0] == 0
    assert ListVersion.objects.get().user == city_reviewer
    code, _, err = command("import_list", "--source", "fpjc", str(path), "--user", "p_officer_a")
    assert code == 1 and "无权导入部门名单" in err


def test_the_shared_sample_export_imports(tmp_path):
    path = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, path)
    code, out, _ = command("import_list", "--source", "fpjc", str(path))
    assert code == 0, out
    version = ListVersion.objects.get()
    assert (version.households, version.persons) == (10, 27)
    wang = ListedHousehold.objects.get(household_code="411081000001")
    assert wang.head_name == "王示例0" and wang.housing_risk and wang.dangerous_house
