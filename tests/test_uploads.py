"""Uploaded files judged by content (``anju.core.uploads``): photos checked, EXIF time and GPS
read, re-encoded; names and sizes. The PDF guard of every document upload is in
``test_pdf_disguises.py``, photos served in scope in ``registry/test_photos.py``."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.core import uploads
from anju.core.uploads import UploadError


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
    sub = exif.get_ifd(uploads.EXIF_IFD)
    if taken:
        sub[uploads.DATETIME_ORIGINAL] = taken
    if offset:
        sub[uploads.OFFSET_TIME_ORIGINAL] = offset
    if gps:
        lat, lat_ref, lon, lon_ref = gps
        info = exif.get_ifd(uploads.GPS_IFD)
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
    photo = uploads.inspect(upload(jpeg()))
    assert photo.content_type == "image/jpeg" and photo.extension == ".jpg"
    assert photo.taken_at == dt.datetime(2022, 5, 20, 14, 33, tzinfo=photo.taken_at.tzinfo)
    assert photo.taken_at.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai when unstated
    assert photo.latitude == Decimal("34.140300") and photo.longitude == Decimal("113.471600")
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.format == "JPEG" and dict(stored.getexif()) == {}
    assert Image.open(io.BytesIO(photo.thumbnail)).size[0] <= uploads.THUMB_SIZE[0]


def test_southern_western_coordinates_and_stated_offset():
    photo = uploads.inspect(
        upload(jpeg(gps=((33.0, 51.0, 0.0), "S", (151.0, 12.0, 0.0), "W"), offset="+10:00"))
    )
    assert photo.latitude == Decimal("-33.850000") and photo.longitude == Decimal("-151.200000")
    assert photo.taken_at.utcoffset() == dt.timedelta(hours=10)


def test_photo_without_exif_is_accepted_without_time_or_place():
    photo = uploads.inspect(upload(jpeg(taken=None, gps=None)))
    assert photo.taken_at is None and photo.latitude is None and photo.longitude is None


def test_rotated_photo_is_stored_upright():
    photo = uploads.inspect(upload(jpeg(size=(64, 48), orientation=6)))
    assert (photo.width, photo.height) == (48, 64)


def test_png_is_accepted_and_stays_png():
    photo = uploads.inspect(upload(png(), name="plaque.png", content_type="image/png"))
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
    with pytest.raises(UploadError) as caught:
        uploads.inspect(upload(data, name=name))
    assert message in str(caught.value) and name in str(caught.value)


def test_size_and_pixel_limits_come_from_settings(settings):
    settings.PHOTO_MAX_BYTES = 2000
    big = jpeg(size=(300, 300)) + b"\0" * 3000
    with pytest.raises(UploadError, match="过大.*不能超过 2 KB"):
        uploads.inspect(upload(big))
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024
    settings.PHOTO_MAX_PIXELS = 100 * 100
    with pytest.raises(UploadError, match=r"像素过大（300×300）"):
        uploads.inspect(upload(jpeg(size=(300, 300))))


def test_a_directory_in_the_file_name_is_dropped():
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("C:\\Users\\x\\IMG 1.jpg") == "IMG 1.jpg"
    assert uploads.safe_name("...") == "照片"


def test_distance_between_house_and_photo():
    assert round(uploads.distance_m(34.0, 113.0, 34.001, 113.0)) == 111
    assert uploads.distance_m(None, 113.0, 34.0, 113.0) is None
