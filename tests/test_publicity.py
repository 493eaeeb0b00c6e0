"""公示 lists: whitelisted columns only, no personal data, registered (SECURITY.md row 17)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from anju.publicity.models import WHITELIST, Publication
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db


def post(client, township, **extra):
    today = dt.date.today()
    data = {
        "title": "火龙镇2022年农村危房改造补助对象公示",
        "township": township.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        "takedown_on": (today + dt.timedelta(days=8)).isoformat(),
        **extra,
    }
    return client.post("/publicity/", data)


def test_sec_17_a_public_list_has_only_the_whitelisted_columns(
    as_user, officer_a, township_a, village_a
):
    raw = fake_id(99)
    make_household(
        village_a,
        id_number=raw,
        phone="13812345678",
        head_name="张公示",
        latitude="34.150000",
        longitude="113.450000",
        grade="D",
        renovation={
            "method": "原址重建",
            "subsidy_amount": 22680,
            "accepted_on": dt.date(2022, 5, 1),
        },
    )
    response = post(as_user(officer_a), township_a)
    assert response.status_code == 200
    data = response.content
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert tuple(c.value for c in ws[2]) == WHITELIST
    assert ws["D3"].value == "张公示" and ws["G3"].value == 22680
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    assert raw not in xml and "********" not in xml
    assert not re.search(r"1[3-9][0-9]{9}", xml)
    assert "34.15" not in xml and "113.45" not in xml
    publication = Publication.objects.get()
    assert publication.rows == 1 and publication.columns == list(WHITELIST)
    assert publication.takedown_on > publication.ends_on


def test_periods_are_checked(as_user, officer_a, township_a):
    today = dt.date.today()
    page = post(
        as_user(officer_a), township_a, takedown_on=(today + dt.timedelta(days=2)).isoformat()
    )
    assert "撤下日期不能早于公示结束日期" in page.content.decode()
    assert not Publication.objects.exists()


def test_a_township_cannot_publish_or_see_another(
    as_user, officer_a, officer_b, township_a, township_b
):
    post(as_user(officer_a), township_a)
    refused = post(as_user(officer_b), township_a)
    assert "请选择乡镇" in refused.content.decode()
    assert "火龙镇2022年" not in as_user(officer_b).get("/publicity/").content.decode()
    assert Publication.objects.count() == 1
