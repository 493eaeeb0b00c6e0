"""Visit photos: checked by content, EXIF time and place read, re-encoded without EXIF,
stored under generated names, served only through the visit's scope; a photo without a
time is flagged, not refused; a non-image is refused with a clear message."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from anju.visits.models import Visit, VisitPhoto
from tests.visits.conftest import jpeg, png, upload

pytestmark = pytest.mark.django_db


def test_a_camera_photo_is_stored_with_its_time_and_place_and_without_exif(
    worker_a, household, post_visit, as_user
):
    files = {"photo_front": upload(jpeg(), name="../../etc/passwd.jpg")}
    assert post_visit(worker_a, household, files=files).status_code == 302
    photo = VisitPhoto.objects.get()
    assert photo.kind == "front" and photo.taken_at is not None
    assert (str(photo.latitude), str(photo.longitude)) == ("34.140300", "113.471600")
    assert photo.original_name == "passwd.jpg"
    assert photo.file.name.startswith(f"visits/{household.township_id}/")
    assert "passwd" not in photo.file.name
    with default_storage.open(photo.file.name, "rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.format == "JPEG" and dict(stored.getexif()) == {}
    assert not Visit.objects.get().untimed_photo
    response = as_user(worker_a).get(reverse("visits:photo_file", args=[photo.visit_id, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    thumb = as_user(worker_a).get(
        reverse("visits:photo_file", args=[photo.visit_id, photo.pk]) + "?size=thumb"
    )
    assert thumb.status_code == 200


def test_a_photo_without_a_time_is_accepted_and_flagged(worker_a, household, post_visit):
    files = {"photo_problem": [upload(jpeg(taken=None, gps=None)), upload(jpeg())]}
    response = post_visit(worker_a, household, files=files, json=True)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert "有照片没有拍摄时间" in response.json()["message"]
    visit = Visit.objects.get()
    assert visit.untimed_photo and visit.flagged
    assert VisitPhoto.objects.filter(kind="problem").count() == 2
    assert [p.missing_time for p in visit.photos.order_by("id")] == [True, False]


def test_a_drawn_signature_needs_no_time(worker_a, household, post_visit):
    files = {"signature": upload(png(), name="signature.png", content_type="image/png")}
    assert post_visit(worker_a, household, files=files).status_code == 302
    photo = VisitPhoto.objects.get()
    assert photo.kind == "signature" and photo.content_type == "image/png"
    assert not Visit.objects.get().untimed_photo


def test_a_page_named_jpg_is_refused_with_a_clear_message_and_nothing_is_saved(
    worker_a, household, post_visit
):
    fake = upload(b"<html><script>alert(1)</script></html>", name="house.jpg")
    response = post_visit(worker_a, household, files={"photo_front": fake}, json=True)
    assert response.status_code == 400
    message = response.json()["errors"]["photo_front"][0]
    assert "house.jpg" in message and "不是 JPEG 或 PNG 图片" in message
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_the_page_shows_the_photo_error_next_to_its_input(worker_a, household, post_visit):
    fake = upload(b"%PDF-1.4 not a photo", name="scan.png", content_type="image/png")
    response = post_visit(worker_a, household, files={"signed_form": fake})
    body = response.content.decode()
    assert response.status_code == 400
    at = body.index('id="err-signed_form"')
    assert "scan.png" in body[at : at + 300]


def test_an_oversized_picture_is_refused(worker_a, household, post_visit, settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    big = upload(jpeg(size=(400, 300)), name="big.jpg")
    response = post_visit(worker_a, household, files={"photo_plaque": big}, json=True)
    assert response.status_code == 400
    assert "像素过大" in response.json()["errors"]["photo_plaque"][0]
    assert not Visit.objects.exists()


def test_a_file_over_the_byte_limit_is_refused(worker_a, household, post_visit, settings):
    settings.PHOTO_MAX_BYTES = 2000
    big = upload(jpeg(size=(300, 300)) + b"\0" * 4000, name="huge.jpg")
    response = post_visit(worker_a, household, files={"photo_front": big}, json=True)
    assert response.status_code == 400
    message = response.json()["errors"]["photo_front"][0]
    assert "huge.jpg" in message and "过大" in message
    assert not Visit.objects.exists()
