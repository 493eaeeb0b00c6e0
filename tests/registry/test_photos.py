"""Household photos: uploaded from the camera, refused by content, served only in scope (the
checks themselves are ``tests/test_uploads.py``)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core import uploads
from anju.registry.models import Attachment
from tests.factories import make_household
from tests.test_uploads import jpeg, upload

pytestmark = pytest.mark.django_db


# --- the upload page and the served file -----------------------------------------------------------
@pytest.fixture
def household(village_a):
    return make_household(
        village_a, head_name="拍照户", latitude="34.140000", longitude="113.471000"
    )


def post_photo(client, household, data, name="IMG_0001.jpg", kind="before"):
    return client.post(
        f"/households/{household.pk}/photos/new/",
        {"kind": kind, "note": "东墙裂缝", "photo": upload(data, name=name)},
    )


def test_village_worker_uploads_a_photo_from_the_camera(as_user, worker_a, household):
    client = as_user(worker_a)
    form = client.get(f"/households/{household.pk}/photos/new/").content.decode()
    assert 'accept="image/jpeg,image/png"' in form and 'capture="environment"' in form
    response = post_photo(client, household, jpeg(), name="../../evil/IMG_0001.jpg")
    assert response.status_code == 302
    photo = Attachment.objects.get(household=household)
    assert photo.original_name == "IMG_0001.jpg" and photo.kind == "before"
    assert photo.uploaded_by == worker_a and photo.note == "东墙裂缝"
    assert photo.latitude == Decimal("34.140300") and photo.taken_at is not None
    assert "IMG_0001" not in photo.file.name and ".." not in photo.file.name
    assert photo.file.name.startswith(f"attachments/{household.township_id}/")
    with default_storage.open(photo.file.name, "rb") as fh:
        stored = fh.read()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert AuditEvent.objects.for_object(photo).filter(event=Event.CREATE).count() == 1
    page = client.get(f"/households/{household.pk}/", follow=True).content.decode()
    assert "拍摄 2022-05-20 14:33" in page and "34.14030, 113.47160" in page
    assert "距住房 65 米" in page


def test_sec_20_served_photo_is_typed_nosniff_and_scoped(as_user, worker_a, officer_b, household):
    post_photo(as_user(worker_a), household, jpeg())
    photo = Attachment.objects.get(household=household)
    url = f"/households/{household.pk}/photos/{photo.pk}/"
    response = as_user(worker_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="photo-{photo.pk}.jpg"'
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(uploads.JPEG_MAGIC)
    thumb = as_user(worker_a).get(url, {"size": "thumb"})
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size[0] <= 480
    assert as_user(officer_b).get(url).status_code == 404
    # the photo id of another household does not open through this one
    other = make_household(household.village)
    assert as_user(worker_a).get(f"/households/{other.pk}/photos/{photo.pk}/").status_code == 404


def test_media_is_not_served_from_a_public_url(client, as_user, worker_a, household):
    post_photo(as_user(worker_a), household, jpeg())
    photo = Attachment.objects.get(household=household)
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + photo.file.name).status_code in (302, 404)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<!doctype html><h1>hi</h1>", "photo.jpg", "不是 JPEG 或 PNG 图片"),
        (b"\xff\xd8\xff\xe0broken", "half.jpg", "已损坏"),
    ],
)
def test_sec_20_html_named_jpg_is_refused_on_upload(
    as_user, worker_a, household, data, name, message
):
    response = post_photo(as_user(worker_a), household, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_sec_20_oversized_upload_is_refused_before_it_is_stored(
    settings, as_user, worker_a, household
):
    settings.PHOTO_MAX_BYTES = 4096
    data = jpeg(size=(400, 400)) + b"\0" * 8192
    response = post_photo(as_user(worker_a), household, data)
    assert response.status_code == 200
    assert "照片过大，不能超过 4 KB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_huge_request_body_is_refused_without_reading_it(settings, as_user, worker_a, household):
    settings.PHOTO_MAX_BYTES = 1024
    response = as_user(worker_a).post(
        f"/households/{household.pk}/photos/new/",
        {"kind": "before", "photo": upload(b"\xff\xd8\xff" + b"\0" * 600_000)},
    )
    assert response.status_code == 413
    assert "照片过大" in response.content.decode()


def test_upload_requires_a_csrf_token(worker_a, household):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(worker_a)
    response = client.post(
        f"/households/{household.pk}/photos/new/", {"kind": "before", "photo": upload(jpeg())}
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_read_only_roles_cannot_upload(as_user, head_a, household):
    assert post_photo(as_user(head_a), household, jpeg()).status_code == 403
