"""The national systems' words (TEMPLATE.md "Words from the national systems", SOURCES.md §3):
every alias is accepted and stored as the canonical value; exported, the canonical value is
written, so a re-import changes nothing."""

from __future__ import annotations

import pytest

from anju.registry.choices import KeyGroup
from anju.registry.models import Household
from tests.registry.test_import_helpers import book, problems, row, run

pytestmark = pytest.mark.django_db

# TEMPLATE.md's table, as written there: canonical → also written as
METHODS = {
    "加固维修": ("维修加固", "修缮加固", "加固"),
    "原址重建": ("拆除重建", "原址翻建", "原址新建", "重建"),
    "异地重建": ("选址新建", "异地新建", "异地非集中新建", "异地相对集中新建"),
    "其他保障": ("统建集体公租房", "集体公租房", "租赁", "置换", "幸福大院", "投亲靠友"),
}
GROUPS = {
    KeyGroup.OTHER_ALLEVIATED: ("建档立卡贫困户", "脱贫户"),
    KeyGroup.TEKUN: ("农村分散供养特困人员", "特困分散供养"),
    KeyGroup.DIBAO: ("农村低保户", "农村最低生活保障对象"),
    KeyGroup.DIBAO_EDGE: ("农村低保边缘家庭", "农村最低生活保障边缘家庭成员"),
}
METHOD_CASES = [(word, canonical) for canonical, words in METHODS.items() for word in words]
GROUP_CASES = [(word, group) for group, words in GROUPS.items() for word in words]


@pytest.mark.parametrize(("word", "canonical"), METHOD_CASES)
def test_every_national_word_for_a_method_is_stored_as_the_canonical_one(
    tmp_path, village_a, word, canonical
):
    batch = run(book(tmp_path, [row(village_a, 改造方式=f" {word} ", 鉴定等级="D")]))
    assert problems(batch, None) == []
    assert Household.objects.get().renovation.method == canonical


@pytest.mark.parametrize(("word", "group"), GROUP_CASES)
def test_every_national_word_for_a_group_is_stored_as_the_group(tmp_path, village_a, word, group):
    batch = run(book(tmp_path, [row(village_a, 对象类别=word)]))
    assert problems(batch, None) == []
    assert Household.objects.get().groups == group


def test_the_four_old_types_and_the_new_groups_mix_in_one_cell(tmp_path, village_a):
    cell = "建档立卡贫困户、农村最低生活保障对象；农村低保边缘家庭"
    run(book(tmp_path, [row(village_a, 对象类别=cell)]))
    assert Household.objects.get().groups == (
        KeyGroup.OTHER_ALLEVIATED | KeyGroup.DIBAO | KeyGroup.DIBAO_EDGE
    )


def test_a_whole_export_in_national_words_imports_and_reimports_unchanged(tmp_path, village_a):
    rows = [
        row(village_a, n, 改造方式=word, 鉴定等级="D", 对象类别="建档立卡贫困户")
        for n, (word, _) in enumerate(METHOD_CASES, start=1)
    ]
    path = book(tmp_path, rows)
    first = run(path)
    assert (first.created, first.warning_count, first.error_count) == (len(rows), 0, 0)
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


def test_a_word_no_system_uses_is_still_an_error_naming_the_choices(tmp_path, village_a):
    batch = run(book(tmp_path, [row(village_a, 改造方式="拆了重盖")]))
    [error] = problems(batch)
    assert error["header"] == "改造方式" and error["value"] == "拆了重盖"
    assert error["message"].startswith("应为以下之一：加固维修、原址重建、异地重建、新建、其他保障")


def test_the_benchmark_workbook_is_a_real_export_and_imports_cleanly(tmp_path, monkeypatch):
    """bench/import_bench.py writes what national exports look like: debt columns for
    everyone, the system's words for methods and groups, messy dates and numbers."""
    import random

    from bench import import_bench

    monkeypatch.setattr(import_bench, "VILLAGES_PER_TOWNSHIP", 1)
    path = tmp_path / "bench.xlsx"
    import_bench.write_workbook(path, 300, import_bench.make_villages(), random.Random(5))
    batch = run(path)
    assert (batch.status, batch.created, batch.error_count) == ("done", 300, 0), problems(batch)
    assert batch.warning_count == 0  # no renovation notice on rows without renovation facts
    renovated = Household.objects.filter(renovation__isnull=False)
    assert renovated.count() == Household.objects.filter(assessment__grade__in=["C", "D"]).count()
    assert set(renovated.values_list("renovation__method", flat=True)) <= {
        "加固维修",
        "原址重建",
        "异地重建",
    }
    assert not Household.objects.filter(borrowed__isnull=True).exists()
