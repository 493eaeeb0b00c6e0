"""Evidence uploads (整改佐证): JPEG, PNG or PDF only, judged by content (SECURITY.md row 20).

``check(upload)`` reads at most the size limit and returns a ``Checked`` file or raises
``EvidenceError`` with a Chinese message naming the file:

- images must start with the JPEG/PNG magic bytes and open in Pillow; they are re-encoded
  (metadata and any trailing payload dropped) by ``anju.registry.photos.inspect``, and the
  time and place the camera recorded are kept as fields;
- a PDF must start with ``%PDF-``, end with ``%%EOF`` and carry no script or launch action,
  escaped names and compressed object streams included (``anju.core.pdfguard``);
- anything else — an HTML page named ``.jpg``, an Office file, an archive — is refused,
  whatever its extension or the browser's content type.

The stored name is generated (``models.evidence_path``); the original name is kept only as
text, and files are served by a scoped view as attachments with ``nosniff``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from anju.core import pdfguard
from anju.registry import photos

PDF_MAGIC = b"%PDF-"
PDF_EOF = b"%%EOF"
ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class EvidenceError(ValueError):
    """An upload that cannot be accepted; the message is shown to the user as is."""


@dataclass(frozen=True)
class Checked:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str
    taken_at: object = None
    latitude: object = None
    longitude: object = None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def check(upload) -> Checked:
    name = photos.safe_name(getattr(upload, "name", "")) or "佐证"
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise EvidenceError(
            f"文件“{name}”过大（{photos.human_size(size)}），"
            f"佐证材料不能超过 {photos.human_size(limit)}。"
        )
    upload.seek(0)
    head = upload.read(limit + 1)
    upload.seek(0)
    if len(head) > limit:
        raise EvidenceError(f"文件“{name}”过大，佐证材料不能超过 {photos.human_size(limit)}。")
    if not head:
        raise EvidenceError(f"文件“{name}”是空文件，请重新选择。")
    if head.startswith(PDF_MAGIC):
        return _pdf(name, head)
    if head.startswith(photos.JPEG_MAGIC) or head.startswith(photos.PNG_MAGIC):
        return _image(name, upload)
    raise EvidenceError(
        f"文件“{name}”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，与扩展名无关）。"
        "请上传整改后的照片或盖章文件的扫描件。"
    )


def _image(name: str, upload) -> Checked:
    try:
        photo = photos.inspect(upload, name=name)
    except photos.PhotoError as exc:
        raise EvidenceError(str(exc)) from None
    return Checked(
        name=name,
        content=photo.content,
        content_type=photo.content_type,
        extension=photo.extension,
        sha256=photo.sha256,
        taken_at=photo.taken_at,
        latitude=photo.latitude,
        longitude=photo.longitude,
    )


def _pdf(name: str, data: bytes) -> Checked:
    if PDF_EOF not in data[-2048:]:
        raise EvidenceError(f"文件“{name}”不是完整的 PDF 文件（缺少文件结尾），请重新导出后上传。")
    try:
        seen = pdfguard.views(data)
    except pdfguard.Unreadable:
        raise EvidenceError(
            f"文件“{name}”中有系统无法打开检查的压缩内容（对象流），出于安全不能上传。"
            "请用“打印为 PDF”或扫描仪重新生成。"
        ) from None
    if pdfguard.has_active_content(seen):
        raise EvidenceError(
            f"文件“{name}”含有脚本、附件或自动执行的动作，出于安全不能上传。"
            "请用“打印为 PDF”或扫描仪重新生成。"
        )
    return Checked(
        name=name,
        content=data,
        content_type="application/pdf",
        extension=".pdf",
        sha256=hashlib.sha256(data).hexdigest(),
    )
