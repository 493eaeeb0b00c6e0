"""Checks on an uploaded 盖章扫描件 (SECURITY.md row 20): PDF, JPG or PNG, judged by content.

``check(upload)`` reads at most the size limit and returns a ``Checked`` file, or raises
``ScanError`` with a Chinese message naming the file:

- PDF: starts with ``%PDF-``, ends with ``%%EOF``, carries no script, launch or attachment
  (the same rules as the 工作方案, ``anju.reporting.workplan``);
- JPG/PNG: opened with Pillow (pixel limit, decompression bombs refused) and re-encoded
  upright without metadata (``anju.registry.photos``), so what is stored is a clean image;
- anything else — an .exe or a text file renamed .pdf, a Word file — is refused, whatever
  its extension or the browser's content type.

The stored name is generated (``models.scan_path``); the original name is kept as text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from anju.registry import photos
from anju.reporting import workplan

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


class ScanError(ValueError):
    """An upload that cannot be accepted; the message is shown to the user as is."""


@dataclass(frozen=True)
class Checked:
    name: str
    content: bytes
    extension: str
    sha256: str

    @property
    def content_type(self) -> str:
        return TYPES[self.extension]


def max_bytes() -> int:
    return int(getattr(settings, "FINAL_SCAN_MAX_BYTES", DEFAULT_MAX_BYTES))


def check(upload) -> Checked:
    name, data = workplan.read_upload(upload, what="盖章扫描件", limit=max_bytes(), error=ScanError)
    if data.startswith(workplan.PDF_MAGIC):
        content, extension = _pdf(name, data), ".pdf"
    elif data.startswith((photos.JPEG_MAGIC, photos.PNG_MAGIC)):
        content, extension = _image(name, data)
    else:
        raise ScanError(
            f"文件“{name}”不是 PDF、JPG 或 PNG 文件（按文件内容判断，与扩展名无关）。"
            "请上传盖章、签字后扫描或拍照的整改报告。"
        )
    return Checked(
        name=name,
        content=content,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _pdf(name: str, data: bytes) -> bytes:
    try:
        workplan._pdf(name, data)
    except workplan.WorkPlanError as exc:
        raise ScanError(str(exc)) from None
    return data


def _image(name: str, data: bytes) -> tuple[bytes, str]:
    try:
        image = photos._open(data, name)
        content, _thumb, _size = photos._reencode(image)
    except photos.PhotoError as exc:
        raise ScanError(str(exc).replace("照片", "扫描件")) from None
    return content, ".jpg" if image.format == "JPEG" else ".png"
