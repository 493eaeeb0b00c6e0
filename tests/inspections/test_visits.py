"""The inspector's pages: their households, the visit form, photos, and who may see what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from anju.audit.models import AuditEvent
from anju.inspections.models import ProblemKind, SpotCheckPhoto, SpotCheckVisit
from tests.inspections.conftest import close, entry, find, png_bytes, upload

pytestmark = pytest.mark.django_db


def url(sample, household_id) -> str:
    return f"/spot-checks/samples/{sample.pk}/households/{household_id}/"


def form_data(**extra) -> dict:
    data = {
        "visited_on": dt.date.today().isoformat(),
        "note": "",
        "p-TOTAL_FORMS": "2",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "20",
        "p-0-aspect": "",
        "p-0-description": "",
        "p-0-ledger_entry": "",
        "p-1-aspect": "",
        "p-1-description": "",
        "p-1-ledger_entry": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def sh(drawn, village_a):
    return drawn.households.filter(village=village_a).select_related("household").first()


def test_inspector_lists_their_households_on_a_phone_page(as_user, inspector, drawn):
    page = as_user(inspector).get("/spot-checks/mine/").content.decode()
    assert "共 9 户，<strong>9</strong> 户待核查" in page
    assert "甲一村" in page and "乙一村" in page
    assert 'name="viewport"' in page


def test_visit_form_shows_the_ledger_and_findings_to_compare(
    as_user, inspector, sh, campaign, officer_a
):
    e = close(entry(campaign, officer_a, [sh.household], description="危房未挂牌已整改"))
    find(sh.household, message="鉴定为C级但未挂牌")
    page = as_user(inspector).get(url(sh.sample, sh.household_id)).content.decode()
    assert f"第 {e.number} 号" in page and "已销号" in page and "危房未挂牌已整改" in page
    assert "鉴定为C级但未挂牌" in page
    assert "未列入台账（漏报）" in page
    assert 'accept="image/jpeg,image/png"' in page and "multiple" in page


def test_a_missed_problem_and_a_fake_fix_are_recorded(as_user, inspector, sh, campaign, officer_a):
    closed = close(entry(campaign, officer_a, [sh.household]))
    response = as_user(inspector).post(
        url(sh.sample, sh.household_id),
        form_data(
            **{
                "p-0-aspect": "1",
                "p-0-description": "C级危房未挂牌",
                "p-1-aspect": "5",
                "p-1-description": "验收后仍有裂缝",
                "p-1-ledger_entry": str(closed.pk),
                "photos": upload(png_bytes()),
            }
        ),
    )
    assert response.status_code == 302 and response["Location"] == "/spot-checks/mine/"
    visit = SpotCheckVisit.objects.get(sample_household=sh)
    kinds = dict(visit.problems.values_list("description", "kind"))
    assert kinds == {"C级危房未挂牌": ProblemKind.MISSED, "验收后仍有裂缝": ProblemKind.FAKE_FIX}
    fake = visit.problems.get(kind=ProblemKind.FAKE_FIX)
    assert fake.ledger_entry == closed and fake.entry_state == "closed"
    photo = SpotCheckPhoto.objects.get(visit=visit)
    assert photo.content_type == "image/png" and photo.file.name.startswith("inspections/")
    assert "IMG_0001" not in photo.file.name
    assert AuditEvent.objects.filter(
        object_type="inspections.spotcheckvisit", event="create"
    ).exists()


def test_audit_records_from_before_the_rename_still_name_the_spot_check():
    from anju.audit.display import type_label

    # written as inspections.visit before the models were named SpotCheck… (#19)
    assert type_label("inspections.visit") == "抽查记录"
    assert type_label("inspections.visitproblem") == "抽查发现的问题"
    assert type_label("inspections.visitphoto") == "抽查照片"
    assert type_label("visits.visit") != "抽查记录"


def test_an_open_ledger_entry_counts_as_reported(as_user, inspector, sh, campaign, officer_a):
    opened = entry(campaign, officer_a, [sh.household])
    as_user(inspector).post(
        url(sh.sample, sh.household_id),
        form_data(
            **{"p-0-aspect": "1", "p-0-description": "未挂牌", "p-0-ledger_entry": str(opened.pk)}
        ),
    )
    assert SpotCheckVisit.objects.get().problems.get().kind == ProblemKind.REPORTED


def test_an_entry_of_another_household_cannot_be_chosen(
    as_user, inspector, sh, campaign, officer_a, village_a
):
    other = sh.sample.households.filter(village=village_a).exclude(pk=sh.pk).first().household
    theirs = entry(campaign, officer_a, [other])
    response = as_user(inspector).post(
        url(sh.sample, sh.household_id),
        form_data(
            **{"p-0-aspect": "1", "p-0-description": "未挂牌", "p-0-ledger_entry": str(theirs.pk)}
        ),
    )
    assert response.status_code == 400
    assert "所选台账条目不属于本户，请重新选择。" in response.content.decode()
    assert not SpotCheckVisit.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "请登记现场发现的问题；如未发现问题，请勾选“现场未发现问题”。"),
        (
            {"found_nothing": "on", "p-0-aspect": "1", "p-0-description": "x"},
            "已勾选“现场未发现问题”，又登记了问题",
        ),
        ({"p-0-aspect": "1"}, "请写明问题表述。"),
        ({"p-0-description": "墙体开裂"}, "请选择问题所属方面。"),
        ({"visited_on": "2099-01-01", "found_nothing": "on"}, "晚于今天"),
        ({"visited_on": "", "found_nothing": "on"}, "请填写核查日期。"),
    ],
)
def test_bad_visits_are_refused_with_chinese_messages(as_user, inspector, sh, extra, message):
    response = as_user(inspector).post(url(sh.sample, sh.household_id), form_data(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SpotCheckVisit.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_saved(as_user, inspector, sh):
    fake = upload(
        b"<html><script>alert(1)</script></html>", name="house.jpg", content_type="image/jpeg"
    )
    response = as_user(inspector).post(
        url(sh.sample, sh.household_id), form_data(found_nothing="on", photos=fake)
    )
    assert response.status_code == 400
    assert "不是 JPEG 或 PNG 图片" in response.content.decode()
    assert not SpotCheckVisit.objects.exists() and not SpotCheckPhoto.objects.exists()


def test_photo_is_re_encoded_and_served_only_in_scope(
    as_user, inspector, inspector_b, city_reviewer, sh
):
    as_user(inspector).post(
        url(sh.sample, sh.household_id),
        form_data(found_nothing="on", photos=upload(png_bytes((64, 48)))),
    )
    photo = SpotCheckPhoto.objects.get()
    path = f"{url(sh.sample, sh.household_id)}photos/{photo.pk}/"
    for user in (inspector, city_reviewer):
        response = as_user(user).get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.format == "PNG" and image.size == (64, 48)
    thumb = as_user(inspector).get(path + "?size=thumb")
    assert thumb["Content-Type"] == "image/jpeg"
    assert default_storage.exists(photo.file.name + ".thumb.jpg")
    assert as_user(inspector_b).get(path).status_code == 404


def test_a_household_outside_the_sample_is_refused_with_a_clear_message(
    as_user, inspector, city_reviewer, drawn, village_a
):
    from tests.factories import make_household

    outsider = make_household(village_a, head_name="样本外")
    for user, message in (
        (inspector, "该户不在分配给您的抽查样本中，不能登记抽查记录。"),
        (city_reviewer, f"该户不在{drawn}样本中，不能登记抽查记录。"),
    ):
        response = as_user(user).get(url(drawn, outsider.pk))
        assert response.status_code == 404
        assert message in response.content.decode()
        response = as_user(user).post(url(drawn, outsider.pk), form_data(found_nothing="on"))
        assert response.status_code == 404
    assert not SpotCheckVisit.objects.exists()


def test_an_inspector_not_assigned_gets_404_and_an_audit_record(as_user, inspector_b, sh):
    before = AuditEvent.objects.filter(event="permission_denied").count()
    client = as_user(inspector_b)
    assert client.get(url(sh.sample, sh.household_id)).status_code == 404
    assert (
        client.post(url(sh.sample, sh.household_id), form_data(found_nothing="on")).status_code
        == 404
    )
    assert AuditEvent.objects.filter(event="permission_denied").count() == before + 2
    assert "暂未分配抽查任务" in client.get("/spot-checks/mine/").content.decode()
    assert not SpotCheckVisit.objects.exists()


def test_the_reviewer_reads_a_visit_but_does_not_record_it(as_user, city_reviewer, inspector, sh):
    as_user(inspector).post(url(sh.sample, sh.household_id), form_data(found_nothing="on"))
    page = as_user(city_reviewer).get(url(sh.sample, sh.household_id)).content.decode()
    assert "现场核查未发现问题。" in page and "保存核查记录" not in page
    response = as_user(city_reviewer).post(
        url(sh.sample, sh.household_id), form_data(found_nothing="on")
    )
    assert response.status_code == 302
    assert SpotCheckVisit.objects.get().inspector == inspector


@pytest.mark.parametrize("persona", ["officer_a", "head_a", "officer_b", "worker_a", "city_admin"])
def test_other_roles_never_see_a_sample_or_a_visit(request, as_user, drawn, sh, persona):
    client = as_user(request.getfixturevalue(persona))
    for path in (
        url(sh.sample, sh.household_id),
        "/spot-checks/mine/",
        "/spot-checks/",
        f"/spot-checks/samples/{drawn.pk}/",
    ):
        assert client.get(path).status_code == 403, path


def test_an_oversized_photo_is_refused_before_it_is_stored(settings, as_user, inspector, sh):
    settings.PHOTO_MAX_BYTES = 2000
    big = upload(png_bytes((400, 400)) + b"\0" * 5000)
    response = as_user(inspector).post(
        url(sh.sample, sh.household_id), form_data(found_nothing="on", photos=big)
    )
    assert response.status_code == 400
    assert "照片过大，单张不能超过" in response.content.decode()
    assert not SpotCheckVisit.objects.exists() and not SpotCheckPhoto.objects.exists()


def test_the_visit_form_requires_a_csrf_token(inspector, sh):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector)
    response = client.post(url(sh.sample, sh.household_id), form_data(found_nothing="on"))
    assert response.status_code == 403
    assert not SpotCheckVisit.objects.exists()
