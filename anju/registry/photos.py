"""Photos from house visits: checked by content, EXIF read, re-encoded (SECURITY.md row 20).

``inspect(upload)`` takes an uploaded file and returns a ``Photo`` with the re-encoded
bytes (EXIF and any trailing payload dropped), a thumbnail, and what the camera recorded:
the time the photo was taken and where. Anything that is not a JPEG or PNG by its content
(an HTML page named ``.jpg``, a renamed PDF), a file over the size limit or a picture over
the pixel limit is refused with a ``PhotoError`` whose message is Chinese and names the file.

Limits are settings: ``PHOTO_MAX_BYTES`` (default 10 MB) and ``PHOTO_MAX_PIXELS`` (default
50 million). ``LimitedUploadHandler`` stops reading a request body past the byte limit, so
a huge upload is never written to a temporary file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import warnings
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = (480, 480)

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881
DATETIME = 306


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is shown to the user as is."""


def thumbnail_name(name: str) -> str:
    """Where a stored photo's thumbnail lives (beside it): registry, visits, spot-checks."""
    return f"{name}.thumb.jpg"


def max_bytes() -> int:
    return settings.PHOTO_MAX_BYTES


def max_pixels() -> int:
    return settings.PHOTO_MAX_PIXELS


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def safe_name(name: str) -> str:
    """The file's own name without any directory part (a browser may send a path)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[:200] or "照片"


@dataclass(frozen=True)
class Photo:
    content: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str
    taken_at: dt.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts the bytes of each file and skips a file past the limit.

    The rest of that file is drained without being stored (the other form fields are still
    read); ``too_large`` tells the view.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or max_bytes()
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def inspect(upload, *, name: str | None = None) -> Photo:
    """Check an uploaded image by its content and return it re-encoded, with its EXIF facts."""
    name = safe_name(name or getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise PhotoError(
            f"文件“{name}”过大（{human_size(size)}），照片不能超过 {human_size(limit)}。"
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(f"文件“{name}”过大，照片不能超过 {human_size(limit)}。")
    if not data:
        raise PhotoError(f"文件“{name}”是空文件，请重新选择照片。")
    if not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
        raise PhotoError(
            f"文件“{name}”不是 JPEG 或 PNG 图片（按文件内容判断，与扩展名无关），"
            "请上传手机或相机拍摄的照片。"
        )
    image = _open(data, name)
    taken_at, latitude, longitude = read_exif(image)
    fmt = image.format
    content, thumbnail, (width, height) = _reencode(image)
    content_type, extension = FORMATS[fmt]
    return Photo(
        content=content,
        thumbnail=thumbnail,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )


def _open(data: bytes, name: str) -> Image.Image:
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise PhotoError(f"文件“{name}”不是 JPEG 或 PNG 图片。")
            width, height = image.size
            if width * height > limit:
                raise PhotoError(
                    f"照片“{name}”像素过大（{width}×{height}），不能超过 {limit // 10000} 万像素。"
                )
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"照片“{name}”像素过大，不能超过 {limit // 10000} 万像素。") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(f"文件“{name}”已损坏或不是完整的图片，无法读取。") from None
    return image


def _reencode(image: Image.Image) -> tuple[bytes, bytes, tuple[int, int]]:
    """The picture upright and without metadata, a small JPEG thumbnail, and the size."""
    fmt = image.format
    try:
        upright = ImageOps.exif_transpose(image) or image
    except Exception:  # a broken orientation tag must not lose the photo
        upright = image
    if "transparency" in upright.info:  # kept as an alpha channel, not as metadata
        upright = upright.convert("RGBA")
    if upright is image:
        upright = image.copy()
    # Pillow writes back what it read into ``info`` (a JPEG's comment, a PNG's colour
    # profile): a polyglot's <script> in a COM segment survived re-encoding. Keep nothing.
    upright.info.clear()
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=88, optimize=True)
    else:
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        upright.save(out, "PNG", optimize=True)
    thumb = upright.copy()
    thumb.thumbnail(THUMB_SIZE)
    if thumb.mode != "RGB":
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80, optimize=True)
    return out.getvalue(), thumb_out.getvalue(), upright.size


# --- EXIF ---------------------------------------------------------------------------------
def read_exif(image: Image.Image) -> tuple[dt.datetime | None, Decimal | None, Decimal | None]:
    """(DateTimeOriginal as an aware datetime, latitude, longitude); None where missing."""
    try:
        exif = image.getexif()
    except Exception:
        return None, None, None
    taken_at = None
    try:
        sub = exif.get_ifd(EXIF_IFD)
        raw = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
        taken_at = _exif_datetime(raw, sub.get(OFFSET_TIME_ORIGINAL))
    except Exception:
        taken_at = None
    latitude = longitude = None
    try:
        gps = exif.get_ifd(GPS_IFD)
        latitude = _gps_coordinate(gps.get(2), gps.get(1), 90)
        longitude = _gps_coordinate(gps.get(4), gps.get(3), 180)
        if latitude is None or longitude is None:
            latitude = longitude = None
    except Exception:
        latitude = longitude = None
    return taken_at, latitude, longitude


def _exif_datetime(raw, offset) -> dt.datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "ignore")
    if not raw:
        return None
    raw = str(raw).strip("\x00 ")
    try:
        naive = dt.datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if naive.year < 1990 or naive > dt.datetime.now() + dt.timedelta(days=2):
        return None
    tz: dt.tzinfo = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "ignore")
    if offset:
        with contextlib.suppress(ValueError):
            tz = dt.datetime.strptime(str(offset).strip("\x00 "), "%z").tzinfo or tz
    return naive.replace(tzinfo=tz)


def _gps_coordinate(value, ref, bound: int) -> Decimal | None:
    if not value:
        return None
    try:
        parts = [float(v) for v in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    while len(parts) < 3:
        parts.append(0.0)
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref or "").strip("\x00 ").upper() in ("S", "W"):
        degrees = -degrees
    if math.isnan(degrees) or abs(degrees) > bound or degrees == 0:
        return None
    return Decimal(f"{degrees:.6f}")


def distance_m(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle distance in metres between two points (None when one is missing)."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))
