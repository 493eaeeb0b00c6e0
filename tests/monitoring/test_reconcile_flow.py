"""The reconciliation end to end: a 防返贫监测 export shaped like the real one is imported
with ``import_list``, the county is screened with ``screen --as-of D --json``, and the M-
findings are listed like every other rule's (rule code, the listed head's ID number,
township); when the data agree they resolve themselves."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from anju.registry.choices import KeyGroup
from anju.screening.models import Finding, Status
from tests.factories import make_household
from tests.monitoring.lists import command, family, fpjc_book, head_id

pytestmark = pytest.mark.django_db
TITLES = ("（自定义）监测对象信息", "数据截至：2023年11月30日")


def screen_json(capsys, as_of: str) -> list[dict]:
    capsys.readouterr()
    call_command("screen", "--json", "--as-of", as_of)
    return [r for r in json.loads(capsys.readouterr().out) if r["rule_code"].startswith("M-")]


def test_an_imported_list_is_reconciled_and_listed_by_screen_json(tmp_path, capsys, village_a):
    unassessed = make_household(village_a, id_number=head_id(1), monitoring_type="脱贫不稳定户")
    unassessed.groups = KeyGroup.UNSTABLE
    unassessed.save()
    make_household(
        village_a,
        id_number=head_id(2),
        grade="B",
        monitoring_type="脱贫不稳定户",
        groups=KeyGroup.UNSTABLE,
    )
    rows = family(1) + family(2, 是否危房户="是")
    path = fpjc_book(tmp_path / "11月.xlsx", rows, titles=TITLES)
    assert command("import_list", "--source", "fpjc", str(path))[0] == 0

    found = screen_json(capsys, "2024-01-15")
    assert sorted((r["rule_code"], r["id_number"], r["township_code"]) for r in found) == [
        ("M-02", head_id(1), "411081100"),
        ("M-03", head_id(2), "411081100"),
    ]
    assert {r["aspect"] for r in found} == {"动态监测比对"}
    assert found[0]["message"].startswith("防返贫监测名单首次列入日期 2023-11-30，")

    # the next month's list no longer calls the house dangerous: M-03 resolves itself
    rows = family(1) + family(2, 是否危房户="否")
    path = fpjc_book(tmp_path / "12月.xlsx", rows, titles=("", "数据截至：2023年12月31日"))
    assert command("import_list", "--source", "fpjc", str(path))[0] == 0
    found = screen_json(capsys, "2024-01-15")
    assert [r["rule_code"] for r in found] == ["M-02"]
    m03 = Finding.objects.get(rule_code="M-03")
    assert m03.status == Status.RESOLVED
    # first listed is carried from the November version: still 2023-11-30
    assert "首次列入日期 2023-11-30" in found[0]["message"]
