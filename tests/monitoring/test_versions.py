"""Each list is kept as a dated version per source, and what changed since the previous
version of the same source is counted (issue #18 part 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core import crypto
from anju.monitoring.models import ListedHousehold, ListVersion
from anju.monitoring.versions import changes
from tests.monitoring.lists import command, family, fpjc_book, head_id

pytestmark = pytest.mark.django_db


def load(tmp_path, name, rows, date):
    path = fpjc_book(tmp_path / name, rows, titles=("监测对象信息", f"数据截至：{date}"))
    code, out, err = command("import_list", "--source", "fpjc", str(path))
    assert code == 0, out + err
    return ListVersion.objects.order_by("-id").first(), out


def test_the_second_version_names_added_removed_and_changed_households(tmp_path):
    first, _ = load(tmp_path, "10.xlsx", family(1) + family(2) + family(3), "2023年10月31日")
    rows = family(1) + family(2, 监测对象类别="边缘易致贫户") + family(4)
    second, out = load(tmp_path, "11.xlsx", rows, "2023年11月30日")
    assert "与上一版相比新增 1 户，减少 1 户，类别或风险变化 1 户" in out
    assert second.summary["changes"] == {
        "previous": first.pk,
        "added": 1,
        "removed": 1,
        "changed": 1,
    }
    found = changes(second)
    assert [h.id_number_hash for h in found.added] == [crypto.blind_index(head_id(4))]
    assert [h.id_number_hash for h in found.removed] == [crypto.blind_index(head_id(3))]
    (changed,) = found.changed
    assert changed.id_number_hash == crypto.blind_index(head_id(2))
    assert found.before(changed).monitoring_type == "脱贫不稳定户"
    assert changed.monitoring_type == "边缘易致贫户"


def test_a_risk_state_change_counts_and_an_unchanged_list_has_no_changes(tmp_path):
    load(tmp_path, "1.xlsx", family(1), "2023年10月31日")
    second, _ = load(tmp_path, "2.xlsx", family(1, 风险是否已消除="是"), "2023年11月30日")
    assert second.summary["changes"]["changed"] == 1
    third, _ = load(tmp_path, "3.xlsx", family(1, 风险是否已消除="是"), "2023年12月31日")
    assert {k: v for k, v in third.summary["changes"].items() if k != "previous"} == {
        "added": 0,
        "removed": 0,
        "changed": 0,
    }


def test_first_listed_is_carried_while_the_household_stays_on_the_list(tmp_path):
    load(tmp_path, "1.xlsx", family(1), "2023年10月31日")
    load(tmp_path, "2.xlsx", family(1) + family(2), "2023年11月30日")
    latest = ListVersion.objects.current("fpjc")
    dates = {
        h.id_number_hash: h.first_listed_on for h in ListedHousehold.objects.filter(version=latest)
    }
    assert dates == {
        crypto.blind_index(head_id(1)): dt.date(2023, 10, 31),
        crypto.blind_index(head_id(2)): dt.date(2023, 11, 30),
    }


def test_a_blocked_or_checked_file_is_no_version_to_compare_with(tmp_path):
    first, _ = load(tmp_path, "1.xlsx", family(1), "2023年10月31日")
    path = fpjc_book(tmp_path / "2.xlsx", family(2))
    assert command("import_list", "--source", "fpjc", str(path), "--dry-run")[0] == 0
    third, _ = load(tmp_path, "3.xlsx", family(1) + family(3), "2023年12月31日")
    assert third.summary["changes"]["previous"] == first.pk
    assert ListVersion.objects.current("fpjc") == third
    assert ListVersion.objects.current("minzheng") is None
