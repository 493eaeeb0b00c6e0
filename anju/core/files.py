"""Files Anju keeps and hands out (SECURITY.md row 20): the stored side of the files room.

- ``StoredFile`` is what every kept upload records beside its bytes — the file under a
  generated name outside the web root (the model's ``storage_path``), the original name as
  text only, the type the checks found, size, SHA-256 and when; ``PhotoFile``
  adds when and where the camera took it (registry photos, 整改佐证, house-visit and spot-check
  photos) and ``DocumentFile`` the extension and the uploader's name kept should the account
  go (工作方案, 盖章扫描件). The concrete models keep their own tables and columns.
- ``serve_file(content, name=, content_type=)`` is the one response for a file: a stored
  upload, a workbook or document built for the request, a streamed export. It is sent as an
  attachment under the name given (a Chinese name is encoded for every browser), typed as
  the checks found it, with ``nosniff`` and a sandboxing CSP, so a browser never renders it
  as a page of this site — also when a photo is shown inline (``inline=True``).
- ``open_stored(name)`` opens a stored file for it, a missing one answers 404;
  ``serve_photo`` a stored photo, or its thumbnail for ``?size=thumb``.
- ``row.keep(checked)`` fills a new row's file fields from what the checks found and stores
  the bytes (a photo's thumbnail beside them): the one way a service keeps an upload.

What comes in is checked in ``anju.core.uploads``; workbooks are written by
``anju.core.workbooks``.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from anju.audit.models import AuditedModel
from anju.core.uploads import Checked, Photo, safe_name, thumbnail_name

SANDBOX = "default-src 'none'; sandbox"


def open_stored(name: str, *, missing: str = "文件缺失") -> File:
    """A stored file opened for reading; 404 with ``missing`` when it is not there."""
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(missing) from None


def serve_file(
    content: bytes | File | IO[bytes], *, name: str, content_type: str, inline: bool = False
) -> HttpResponseBase:
    """The response for a file: bytes built now, or an open handle (streamed, closed after)."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response


PHOTO_TYPES = ("image/jpeg", "image/png")


def serve_photo(request, photo: PhotoFile, *, stem: str) -> HttpResponseBase:
    """A stored photo, or its thumbnail when the page asks ``?size=thumb`` and one was made,
    named ``stem`` and the extension of what is sent. Anything but a JPEG or PNG is 404.
    The caller has found ``photo`` within the user's scope."""
    if photo.content_type not in PHOTO_TYPES:
        raise Http404("照片不存在")
    name, content_type = photo.file.name or "", photo.content_type
    if request.GET.get("size") == "thumb" and default_storage.exists(photo.thumbnail_name):
        name, content_type = photo.thumbnail_name, "image/jpeg"
    handle = open_stored(name, missing="照片文件缺失")
    extension = ".png" if content_type == "image/png" else ".jpg"
    return serve_file(handle, name=f"{stem}{extension}", content_type=content_type)


# --- the stored fields ---------------------------------------------------------------------
def stored_path(instance: StoredFile, filename: str) -> str:
    """Where an upload is stored: the generated name its model's ``storage_path`` gives."""
    return instance.storage_path(filename)


class StoredFile(AuditedModel):
    """An upload kept under a generated name, with what its checks found."""

    file = models.FileField(_("文件"), upload_to=stored_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True

    def storage_path(self, filename: str) -> str:
        """The generated name to store the file under (each model says where)."""
        raise NotImplementedError

    def keep(self, checked: Checked | Photo, *, name: str = "") -> list[str]:
        """Fill this new row's fields from what the checks found (``uploads.Checked``, or a
        ``Photo``) and store the bytes under the generated name. ``name``: the original name
        as the browser sent it, for a ``Photo`` (which carries none). Returns the stored
        names; the row is not saved — the caller saves it in its transaction and deletes
        those names should that fail."""
        if isinstance(checked, Checked) and not name:
            self.original_name = checked.name
        else:
            self.original_name = safe_name(name)
        self.content_type = checked.content_type
        self.size = len(checked.content)
        self.sha256 = checked.sha256
        self.file.save(f"upload{checked.extension}", ContentFile(checked.content), save=False)
        return [self.file.name] if self.file.name else []


class PhotoFile(StoredFile):
    """A photo, or a file that may be one (整改佐证): when and where the camera took it, read
    from the EXIF before the picture was re-encoded without it."""

    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(
        _("拍摄纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("拍摄经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        abstract = True

    @property
    def thumbnail_name(self) -> str:
        """Where the thumbnail of a stored photo is (registry, house visits, spot-checks)."""
        return thumbnail_name(self.file.name or "")

    def keep(self, checked: Checked | Photo, *, name: str = "") -> list[str]:
        """As ``StoredFile.keep``, with the camera's time and place, and a photo's thumbnail
        stored beside it."""
        self.taken_at = checked.taken_at
        self.latitude, self.longitude = checked.latitude, checked.longitude
        names = super().keep(checked, name=name)
        if isinstance(checked, Photo):
            names.append(default_storage.save(self.thumbnail_name, ContentFile(checked.thumbnail)))
        return names


class DocumentFile(StoredFile):
    """A document a township uploads: the extension its check found, and the uploader's name,
    kept should the account be deleted."""

    extension = models.CharField(_("扩展名"), max_length=8)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by_name = models.CharField(_("上传人姓名"), max_length=60)

    class Meta:
        abstract = True

    def keep(self, checked: Checked | Photo, *, name: str = "") -> list[str]:
        """As ``StoredFile.keep``, with the extension the check found (before the bytes are
        stored: a document's stored name ends with it)."""
        self.extension = checked.extension
        return super().keep(checked, name=name)
