"""`manage.py screen [--township CODE] [--as-of YYYY-MM-DD] [--json]` (DESIGN.md §6)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.screening.models import Run
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db
KEYS = {
    "rule_code",
    "id_number",
    "township_code",
    "village_code",
    "aspect",
    "severity",
    "status",
    "message",
}


def run_json(capsys, *args) -> list[dict]:
    call_command("screen", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_json_lists_findings_with_full_id_numbers(capsys, village_a, village_b):
    id_a = fake_id()
    make_household(village_a, id_number=id_a)
    make_household(village_b, grade="D", assessed_on="2021-01-01")
    rows = run_json(capsys, "--as-of", "2022-06-01")
    assert rows and all(set(row) == KEYS for row in rows)
    mine = [r for r in rows if r["id_number"] == id_a]
    assert mine == [
        {
            "rule_code": "A1-01",
            "id_number": id_a,
            "township_code": "411081100",
            "village_code": village_a.code,
            "aspect": 1,
            "severity": "E",
            "status": "open",
            "message": "有住房（未登记为无房户），但没有住房安全性鉴定（评定）记录",
        }
    ]
    assert {r["township_code"] for r in rows} == {"411081100", "411081101"}
    assert any(r["rule_code"] == "A2-01" and "已 516 天" in r["message"] for r in rows)


def test_json_aspect_of_data_quality_rules(capsys, village_a):
    bad = fake_id()
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    make_household(village_a, id_number=bad, no_house=True)
    rows = run_json(capsys)
    assert {r["aspect"] for r in rows if r["rule_code"] == "D-01"} == {"数据质量"}


def test_township_limits_the_run_and_the_output(capsys, village_a, village_b):
    make_household(village_a)
    make_household(village_b)
    rows = run_json(capsys, "--township", "411081101")
    assert {r["township_code"] for r in rows} == {"411081101"}
    assert Run.objects.get().kind == Run.Kind.TOWNSHIP


def test_the_json_export_of_full_ids_is_audited(capsys, village_a):
    make_household(village_a)
    rows = run_json(capsys)
    event = AuditEvent.objects.filter(event=Event.EXPORT).get()
    assert event.detail["rows"] == len(rows)


def test_plain_output_is_a_chinese_summary(capsys, village_a):
    make_household(village_a)
    call_command("screen", "--as-of", "2022-06-01")
    out = capsys.readouterr().out
    assert out.startswith("筛查完成：禹州市，基准日 2022-06-01，1 户，问题 1 条")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--township", "411081999"], "乡镇代码 411081999 不存在"),
        (["--as-of", "2022/06/01"], "基准日 2022/06/01 格式不对"),
    ],
)
def test_bad_arguments_are_refused_in_chinese(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("screen", *args)
