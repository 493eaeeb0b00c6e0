"""A second county deploys with no code change (issue #16 item 7): its units from a CSV
(``load_units``), its first accounts (``create_first_admins``), its round from the pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.campaigns.models import Campaign
from anju.core.versions import version_of
from anju.units.models import Unit
from tests.campaigns.test_rounds import _form
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# As the NBS list arrives: a header, the county with its 市 code, trailing spaces, GBK.
UNITS = (
    "统计用区划代码,名称,上级代码\n"
    "419901,测试县 ,4199\n"
    "419901100,东湖镇,419901\n"
    "419901101,西山乡 ,419901\n"
    "419901100201,东湖村委会,419901100\n"
    "419901101201,西山村委会 ,419901101\n"
).encode("gbk")


@pytest.fixture
def units_file(tmp_path):
    path = tmp_path / "测试县区划.csv"
    path.write_bytes(UNITS)
    return path


def test_a_second_county_from_a_units_file_first_admins_and_a_round(units_file, as_user):
    out = io.StringIO()
    call_command("load_units", str(units_file), stdout=out)
    county = Unit.objects.get(code="419901")
    assert county.name == "测试县" and county.parent is None
    assert Unit.objects.get(code="419901101201").parent.name == "西山乡"

    out = io.StringIO()
    call_command("create_first_admins", "419901", stdout=out)
    admin = User.objects.get(username="419901_admin")
    assert admin.role == Role.CITY_ADMIN and admin.unit == county and admin.must_change_password
    assert User.objects.filter(unit=county, role=Role.SECURITY_ADMIN).exists()
    assert "419901_admin" in out.getvalue()
    admin.must_change_password = False  # the first login's password change (its own tests)
    admin.save()

    client = as_user(admin)
    home = client.get("/").content.decode()
    assert "开始使用：测试县" in home and "2 个乡镇" in home
    client.post(reverse("campaigns:create"), _form())
    campaign = Campaign.objects.get(county=county)
    client.post(
        reverse("campaigns:step", args=[campaign.pk, "publish"]),
        {"version": version_of(campaign)},
    )
    officer = make_user("dh_jb", Role.TOWNSHIP_OFFICER, Unit.objects.get(code="419901100"))
    page = as_user(officer).get("/").content.decode()
    assert "测建〔2031〕7号" in page and "动员部署阶段" in page and "开始后一周内" in page
    # The demo county's round is not the new county's.
    assert Campaign.objects.current(officer) == campaign


def test_a_county_row_whose_parent_code_does_not_match_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("419902,错县,4100\n419902100,甲镇,419902\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Unit.objects.filter(code__startswith="419902").exists()


def test_first_admins_need_the_county_loaded():
    with pytest.raises(CommandError, match="请先用 load_units 导入"):
        call_command("create_first_admins", "419903", stdout=io.StringIO())
