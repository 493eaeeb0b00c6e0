"""Photos: checked by content, EXIF time and GPS read, re-encoded, served only in scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.registry import photos
from anju.registry.models import Attachment
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def jpeg(
    size=(64, 48),
    taken: str | None = "2022:05:20 14:33:00",
    gps: tuple | None = ((34.0, 8.0, 25.08), "N", (113.0, 28.0, 17.76), "E"),
    orientation: int | None = None,
    offset: str | None = None,
) -> bytes:
    """A JPEG as a phone camera writes it: EXIF with DateTimeOriginal and GPS."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    if orientation:
        exif[0x0112] = orientation
    sub = exif.get_ifd(photos.EXIF_IFD)
    if taken:
        sub[photos.DATETIME_ORIGINAL] = taken
    if offset:
        sub[photos.OFFSET_TIME_ORIGINAL] = offset
    if gps:
        lat, lat_ref, lon, lon_ref = gps
        info = exif.get_ifd(photos.GPS_IFD)
        info.update({1: lat_ref, 2: lat, 3: lon_ref, 4: lon})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 0, 128)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name="IMG_0001.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- the checks ---------------------------------------------------------------------------------
def test_exif_time_and_gps_are_read_and_stripped():
    photo = photos.inspect(upload(jpeg()))
    assert photo.content_type == "image/jpeg" and photo.extension == ".jpg"
    assert photo.taken_at == dt.datetime(2022, 5, 20, 14, 33, tzinfo=photo.taken_at.tzinfo)
    assert photo.taken_at.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai when unstated
    assert photo.latitude == Decimal("34.140300") and photo.longitude == Decimal("113.471600")
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.format == "JPEG" and dict(stored.getexif()) == {}
    assert Image.open(io.BytesIO(photo.thumbnail)).size[0] <= photos.THUMB_SIZE[0]


def test_southern_western_coordinates_and_stated_offset():
    photo = photos.inspect(
        upload(jpeg(gps=((33.0, 51.0, 0.0), "S", (151.0, 12.0, 0.0), "W"), offset="+10:00"))
    )
    assert photo.latitude == Decimal("-33.850000") and photo.longitude == Decimal("-151.200000")
    assert photo.taken_at.utcoffset() == dt.timedelta(hours=10)


def test_photo_without_exif_is_accepted_without_time_or_place():
    photo = photos.inspect(upload(jpeg(taken=None, gps=None)))
    assert photo.taken_at is None and photo.latitude is None and photo.longitude is None


def test_rotated_photo_is_stored_upright():
    photo = photos.inspect(upload(jpeg(size=(64, 48), orientation=6)))
    assert (photo.width, photo.height) == (48, 64)


def test_png_is_accepted_and_stays_png():
    photo = photos.inspect(upload(png(), name="plaque.png", content_type="image/png"))
    assert photo.content_type == "image/png"
    assert Image.open(io.BytesIO(photo.content)).format == "PNG"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "house.jpg", "不是 JPEG 或 PNG 图片"),
        (b"%PDF-1.7 fake", "scan.png", "不是 JPEG 或 PNG 图片"),
        (b"GIF89a" + b"\0" * 20, "anim.jpg", "不是 JPEG 或 PNG 图片"),
        (b"", "empty.jpg", "空文件"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 30, "broken.jpg", "已损坏"),
    ],
)
def test_non_images_are_refused_by_content(data, name, message):
    with pytest.raises(photos.PhotoError) as caught:
        photos.inspect(upload(data, name=name))
    assert message in str(caught.value) and name in str(caught.value)


def test_size_and_pixel_limits_come_from_settings(settings):
    settings.PHOTO_MAX_BYTES = 2000
    big = jpeg(size=(300, 300)) + b"\0" * 3000
    with pytest.raises(photos.PhotoError, match="过大.*不能超过 2 KB"):
        photos.inspect(upload(big))
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024
    settings.PHOTO_MAX_PIXELS = 100 * 100
    with pytest.raises(photos.PhotoError, match=r"像素过大（300×300）"):
        photos.inspect(upload(jpeg(size=(300, 300))))


def test_a_directory_in_the_file_name_is_dropped():
    assert photos.safe_name("../../etc/passwd") == "passwd"
    assert photos.safe_name("C:\\Users\\x\\IMG 1.jpg") == "IMG 1.jpg"
    assert photos.safe_name("...") == "照片"


def test_distance_between_house_and_photo():
    assert round(photos.distance_m(34.0, 113.0, 34.001, 113.0)) == 111
    assert photos.distance_m(None, 113.0, 34.0, 113.0) is None


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
    assert body.startswith(photos.JPEG_MAGIC)
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
