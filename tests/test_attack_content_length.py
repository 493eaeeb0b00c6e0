"""A garbled or lying Content-Length through the upload views that judge the declared
size before reading the body (core.uploads.declared_too_large / upload_page, #19): the
registry import, the department lists and a household's photos. Each answers a client
error or the form again — never a 500 — and writes nothing; a declared size past the
limit is refused unread (413) only for someone allowed to upload there: another
township's officer gets the 404 of a household out of scope first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.monitoring.models import ListVersion
from anju.registry.models import Attachment, ImportBatch
from tests.factories import make_household

pytestmark = pytest.mark.django_db
GARBLED = ["abc", "-1", "1e9", " 12 ", "0x10", "99999999999999999999999999"]


@pytest.fixture(autouse=True)
def scratch_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _pages(village_a):
    household = make_household(village_a)
    return {
        "registry": ("/households/import/", {"mode": "dry_run"}, "officer_a"),
        "lists": ("/monitoring/lists/", {"source": "fpjc"}, "city_reviewer"),
        "photo": (f"/households/{household.pk}/photos/new/", {}, "officer_a"),
    }


@pytest.mark.parametrize("declared", GARBLED)
def test_a_garbled_content_length_is_no_500(declared, request, as_user, village_a):
    for url, fields, who in _pages(village_a).values():
        client = as_user(request.getfixturevalue(who))
        upload = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04" + b"x" * 100)
        response = client.post(url, {"file": upload, **fields}, CONTENT_LENGTH=declared)
        assert response.status_code < 500, (url, declared, response.status_code)
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 0
    assert Attachment.objects.count() == 0
    assert ListVersion.objects.filter(status=ListVersion.Status.DONE).count() == 0


def test_a_huge_declared_photo_from_another_township_is_not_found_first(
    as_user, officer_b, village_a
):
    household = make_household(village_a)
    response = as_user(officer_b).post(
        f"/households/{household.pk}/photos/new/",
        {"file": SimpleUploadedFile("a.jpg", b"x")},
        CONTENT_LENGTH=str(10**12),
    )
    assert response.status_code == 404


def test_a_huge_declared_list_from_a_township_officer_is_forbidden_not_audited_as_import(
    as_user, officer_a
):
    from anju.audit.models import AuditEvent

    response = as_user(officer_a).post(
        "/monitoring/lists/",
        {"file": SimpleUploadedFile("a.xlsx", b"x"), "source": "fpjc"},
        CONTENT_LENGTH=str(10**12),
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(event="import").exists()
