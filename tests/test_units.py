"""Units: the shipped townships, the village loader, and scoped unit pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anju.units.loader import load_units_csv
from anju.units.models import Unit

pytestmark = pytest.mark.django_db


def test_yuzhou_and_its_26_townships_ship_with_the_product():
    county = Unit.objects.get(code="411081")
    assert county.name == "禹州市"
    townships = Unit.objects.townships()
    assert townships.count() == 26
    assert set(townships.values_list("parent_id", flat=True)) == {county.pk}
    assert Unit.objects.get(code="411081210").name == "山货回族乡"
    assert Unit.objects.get(code="411081001").government_name == "颍川街道办事处"
    assert Unit.objects.get(code="411081100").government_name == "火龙镇人民政府"


def test_a_good_village_list_loads_and_reloading_changes_nothing():
    data = "代码,名称,上级代码\n411081100201,红星村,411081100\n411081100202,东风村,411081100\n"
    first = load_units_csv(data.encode())
    assert (first.created, first.errors) == (2, [])
    again = load_units_csv(data.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Unit.objects.get(code="411081100201").parent.code == "411081100"


def test_a_gbk_file_is_read():
    data = "411081101201,团结村,411081101\n".encode("gbk")
    assert load_units_csv(data).created == 1
    assert Unit.objects.get(code="411081101201").name == "团结村"


def test_bad_codes_and_unknown_parents_are_named_by_line_and_nothing_is_written():
    data = (
        "代码,名称,上级代码\n"
        "411081100201,好村,411081100\n"
        "41108110020X,坏代码村,411081100\n"
        "411081999201,无上级村,411081999\n"
        "411081100203,错上级村,411081101\n"
        "411081100201,重复村,411081100\n"
    )
    result = load_units_csv(data.encode())
    assert len(result.errors) == 4
    assert result.errors[0].startswith("第 3 行")
    assert "411081999" in result.errors[-1] and result.errors[-1].startswith("第 4 行")
    assert any(e.startswith("第 5 行") and "不对应" in e for e in result.errors)
    assert any(e.startswith("第 6 行") and "重复" in e for e in result.errors)
    assert not Unit.objects.filter(code__startswith="411081100201").exists()


def test_the_command_fails_with_the_errors(tmp_path, capsys):
    path = tmp_path / "villages.csv"
    path.write_text("411081100201,好村,411081100\n4110811002,短代码,411081100\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("load_units", str(path))
    assert "第 2 行" in capsys.readouterr().err
    assert not Unit.objects.filter(code="411081100201").exists()


def test_unit_pages_are_scoped(as_user, officer_a, officer_b, village_a, village_b, city_reviewer):
    page_a = as_user(officer_a).get("/units/").content.decode()
    assert village_a.name in page_a
    assert village_b.name not in page_a
    assert "顺店镇" not in page_a
    # tampering with the query string does not widen the scope
    tampered = as_user(officer_a).get("/units/?township=411081101").content.decode()
    assert village_b.name not in tampered
    city = as_user(city_reviewer).get("/units/?township=411081101").content.decode()
    assert village_b.name in city


def test_village_workers_do_not_get_the_unit_pages(as_user, worker_a):
    assert as_user(worker_a).get("/units/").status_code == 403
