"""``manage.py draw_sample``: output, reproducibility, recording, bad input."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from anju.audit.models import AuditEvent
from anju.inspections.models import Sample, SampleHousehold, SampleVillage
from tests.inspections.conftest import find, households, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_data(campaign, township_a, township_b):
    for n in range(6):
        unit = village(township_a if n % 2 else township_b, 10 + n, f"测试村{n}")
        hh = households(unit, 5 if n else 2)
        for h in hh[: n % 3 + 1]:
            find(h)
    return campaign


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("draw_sample", *args, stdout=out)
    return out.getvalue()


def test_json_lists_villages_with_score_and_households_masked(county_data):
    data = json.loads(
        run("--villages", "3", "--households-per-village", "2", "--seed", "42", "--json")
    )
    assert data["seed"] == 42 and data["seed_generated"] is False and data["recorded"] is True
    assert data["parameters"] == {
        "villages": 3,
        "households_per_village": 2,
        "rank_share": 70,
        "fail_at": 2,
    }
    assert len(data["villages"]) == 3
    first = data["villages"][0]
    assert set(first) == {
        "code",
        "name",
        "township_code",
        "township",
        "rank",
        "score",
        "chosen_by",
        "expected",
        "reported",
        "population",
        "households",
    }
    assert [v["chosen_by"] for v in data["villages"]] == ["rank", "rank", "random"]
    assert [v["rank"] for v in data["villages"]][:2] == [1, 2]
    assert isinstance(first["score"], float)
    assert len(data["households"]) == 6
    h = data["households"][0]
    assert set(h) == {
        "id",
        "id_number_masked",
        "village_code",
        "village",
        "township_code",
        "township",
    }
    assert "*" in h["id_number_masked"]
    assert data["sample"] == Sample.objects.get().number


def test_same_seed_same_sample(county_data):
    args = ("--villages", "4", "--households-per-village", "2", "--seed", "2022", "--json")
    # The same data: the first batch, still open, must not hold its households back.
    first, second = json.loads(run(*args)), json.loads(run(*args, "--include-open"))
    assert first["villages"] == second["villages"]
    assert first["households"] == second["households"]
    assert (first["sample"], second["sample"]) == (1, 2)
    other = json.loads(
        run("--villages", "4", "--households-per-village", "2", "--seed", "7", "--json")
    )
    assert other["households"] != first["households"] or other["villages"] != first["villages"]


def test_missing_seed_is_generated_printed_and_recorded(county_data):
    out = run("--villages", "2", "--households-per-village", "1")
    sample = Sample.objects.get()
    assert sample.seed_generated
    assert f"未指定随机种子，已生成种子 {sample.seed}" in out
    assert f"种子 {sample.seed}" in out
    assert sample.notes[0] == f"未指定随机种子，系统生成种子 {sample.seed} 并已记录。"
    assert "得分 = (台账已列问题数 + 1)" in out


def test_a_small_village_is_taken_whole_and_said_so(county_data):
    data = json.loads(
        run("--villages", "6", "--households-per-village", "3", "--seed", "1", "--json")
    )
    assert any("只有 2 户，少于每村抽查户数 3，已全部抽取" in n for n in data["notes"])
    assert len(data["households"]) == 5 * 3 + 2


def test_dry_run_records_nothing(county_data):
    data = json.loads(
        run(
            "--villages", "2", "--households-per-village", "1", "--seed", "3", "--json", "--dry-run"
        )
    )
    assert data["recorded"] is False and data["sample"] is None
    assert not Sample.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--villages", "0", "--households-per-village", "2"), "抽查村数应至少为 1（现为 0）。"),
        (
            ("--villages", "2", "--households-per-village", "0", "--fail-at", "1"),
            "每村抽查户数应至少为 1（现为 0）。",
        ),
        (
            ("--villages", "7", "--households-per-village", "2"),
            "抽查村数 7 超过了有“回头看”范围内农户的村数（共 6 个），请改为不超过 6。",
        ),
        (
            ("--villages", "2", "--households-per-village", "2", "--fail-at", "3"),
            "不合格判定户数 d",
        ),
        (("--villages", "2", "--households-per-village", "2", "--seed", "-5"), "随机种子应为"),
        (
            ("--villages", "2", "--households-per-village", "2", "--rank-share", "101"),
            "按排名选取比例",
        ),
    ],
)
def test_bad_input_has_a_chinese_message_and_writes_nothing(county_data, args, message):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(CommandError) as error:
        run(*args, "--seed", "1") if "--seed" not in args else run(*args)
    assert message in str(error.value)
    assert not Sample.objects.exists()
    assert not SampleVillage.objects.exists() and not SampleHousehold.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_no_villages_in_scope(campaign):
    with pytest.raises(CommandError, match="目前没有任何村有“回头看”范围内的农户"):
        run("--villages", "1", "--households-per-village", "1", "--seed", "1")
