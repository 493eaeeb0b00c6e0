"""Exporting the registry in the import template: it imports back unchanged; it is scoped,
masked unless the role may unmask, formula-safe, and audited with the file's hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from anju.audit.models import AuditEvent
from anju.registry.models import Household
from tests.factories import make_household
from tests.registry.test_import_helpers import an_id, run

pytestmark = pytest.mark.django_db
EXPORT = "/households/export/"
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def scratch_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def rich_household(village, n, **extra):
    fields = {
        "id_number": an_id(n),
        "phone": f"1390000{n:04d}",
        "head_name": "张建国",
        "size": 4,
        "groups": 2 | 32,
        "monitoring_type": "边缘易致贫户",
        "risk_state": "风险未消除",
        "no_house": False,
        "structure": "土木",
        "year_built": 1978,
        "floor_area": Decimal("62.50"),
        "dangerous_site": False,
        "suspected_reported_on": dt.date(2021, 11, 3),
        "plaque_posted": True,
        "plaque_date": dt.date(2022, 1, 20),
        "plaque_grade": "D",
        "self_funds": Decimal("12000.50"),
        "borrowed": True,
        "other_subsidy": "",
        "grade": "D",
        "assessed_on": dt.date(2022, 1, 10),
        "assessor": "禹州市房屋安全鉴定站",
        "result_issued": True,
        "kind": "鉴定",
        "renovation": {
            "method": "原址重建",
            "method_reason": "",
            "approved_on": dt.date(2022, 2, 1),
            "started_on": dt.date(2022, 3, 1),
            "completed_on": dt.date(2022, 6, 1),
            "accepted_on": dt.date(2022, 6, 15),
            "post_grade": "A",
            "area_after": Decimal("60"),
            "craftsman": "豫工匠-001",
            "foundation_checked_on": dt.date(2022, 3, 20),
            "structure_checked_on": dt.date(2022, 4, 20),
            "final_checked_on": dt.date(2022, 6, 1),
            "moved_in": True,
            "old_demolished": True,
            "subsidy_amount": Decimal("35000.00"),
            "subsidy_paid_on": dt.date(2022, 7, 1),
            "payment_channel": "一卡通",
            "payee_agreement": False,
            "file_application": True,
            "file_assessment": True,
            "file_agreement": False,
            "file_acceptance": True,
            "file_photos_before": True,
            "file_photos_after": None,
            "file_payment_voucher": True,
        },
    }
    for name in list(extra):
        if name in fields["renovation"]:
            fields["renovation"][name] = extra.pop(name)
    fields.update(extra)
    return make_household(village, **fields)


def export(client, **data):
    return client.post(EXPORT, {"fmt": "xlsx", **data})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def xml_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(as_user, officer_a, village_a, village_a2, tmp_path, fmt):
    rich_household(village_a, 1)
    rich_household(village_a2, 2, assessor='=HYPERLINK("http://evil")', craftsman="-1+2")
    make_household(village_a, id_number=an_id(3))  # a sparse one
    before = list(Household.objects.order_by("pk").values())
    response = export(as_user(officer_a), fmt=fmt, unmasked="on", reason="核对后再导入")
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(body(response))
    batch = run(path, officer_a)
    assert (batch.status, batch.created, batch.updated, batch.unchanged) == ("done", 0, 0, 3), (
        batch.problems
    )
    after = list(Household.objects.order_by("pk").values())
    assert after == before


def test_the_export_is_the_import_template(as_user, officer_a, village_a):
    rich_household(village_a, 1)
    response = export(as_user(officer_a), unmasked="on", reason="入户核对")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    headers = [c.value for c in sheet[1]]
    values = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert values["*乡镇"] == "火龙镇" and values["*行政村"] == "甲一村"
    assert values["*身份证号"] == an_id(1) and values["联系电话"] == "13900000001"
    assert values["对象类别"] == "低保户、其他脱贫户"
    assert values["鉴定日期"] == dt.datetime(2022, 1, 10)
    assert (
        values["是否挂牌"] == "是" and values["改造协议"] == "否" and values["改造后照片"] is None
    )
    assert values["自筹资金"] == 12000.5


def test_sec_16_export_gives_masks_only_to_roles_that_may_not_unmask(
    as_user, head_a, worker_a, village_a
):
    rich_household(village_a, 1)
    for user in (head_a, worker_a):
        response = export(as_user(user), reason="")
        assert response.status_code == 200
        xml = xml_of(body(response))
        assert not FULL_ID.search(xml) and not FULL_PHONE.search(xml)
        assert an_id(1)[:6] + "********" + an_id(1)[-4:] in xml and "139****0001" in xml


def test_a_forged_unmask_request_by_a_masked_role_stays_masked(as_user, head_a, village_a):
    rich_household(village_a, 1)
    response = export(as_user(head_a), unmasked="on", reason="想看")
    assert not FULL_ID.search(xml_of(body(response)))


def test_sec_19_an_unmasked_export_needs_a_reason(as_user, officer_a, village_a):
    rich_household(village_a, 1)
    response = export(as_user(officer_a), unmasked="on", reason="")
    assert response.status_code == 400
    assert "须填写导出理由" in response.content.decode()


def test_sec_18_registry_exports_are_formula_safe(as_user, officer_a, village_a):
    rich_household(village_a, 1, assessor='=HYPERLINK("http://evil","点我")', craftsman="@SUM(A1)")
    client = as_user(officer_a)
    xml = xml_of(body(export(client)))
    assert "<f>" not in xml and "<f " not in xml
    assert "'=HYPERLINK" in xml and "'@SUM(A1)" in xml
    csv_text = body(export(client, fmt="csv")).decode("utf-8-sig")
    assert ",'=HYPERLINK" in csv_text.replace('"', "") and ",'@SUM(A1)" in csv_text


def test_sec_09_the_export_is_scoped(
    as_user, officer_a, worker_a, village_a, village_a2, village_b, township_b
):
    rich_household(village_a, 1)
    rich_household(village_a2, 2)
    rich_household(village_b, 3)
    officer = as_user(officer_a)
    rows = openpyxl.load_workbook(io.BytesIO(body(export(officer)))).active.max_row - 1
    assert rows == 2
    refused = export(officer, township=str(township_b.pk))
    assert refused.status_code == 400 and "请选择您管辖范围内的乡镇" in refused.content.decode()
    worker_rows = (
        openpyxl.load_workbook(io.BytesIO(body(export(as_user(worker_a))))).active.max_row - 1
    )
    assert worker_rows == 1


def test_the_city_filters_by_township_and_village(
    as_user, city_reviewer, village_a, village_a2, village_b, township_a
):
    rich_household(village_a, 1)
    rich_household(village_a2, 2)
    rich_household(village_b, 3)
    client = as_user(city_reviewer)
    sheet = openpyxl.load_workbook(
        io.BytesIO(body(export(client, township=str(township_a.pk), village=str(village_a2.pk))))
    ).active
    assert sheet.max_row == 2 and sheet.cell(2, 2).value == "甲二村"
    mismatch = export(client, township=str(township_a.pk), village=str(village_b.pk))
    assert mismatch.status_code == 400


def test_sec_19_every_export_is_audited_with_the_file_hash(
    as_user, officer_a, village_a, township_a
):
    rich_household(village_a, 1)
    response = export(as_user(officer_a), unmasked="on", reason="与民政核对")
    data = body(response)
    event = AuditEvent.objects.get(event="export")
    assert event.username == "p_officer_a"
    assert event.detail["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.detail["rows"] == 1 and event.detail["unmasked"] is True
    assert event.detail["reason"] == "与民政核对"
    assert "attachment" in response["Content-Disposition"]


def test_the_export_page_shows_the_unmask_choice_only_to_roles_that_may(as_user, officer_a, head_a):
    assert "包含完整的身份证号" in as_user(officer_a).get(EXPORT).content.decode()
    assert "包含完整的身份证号" not in as_user(head_a).get(EXPORT).content.decode()
