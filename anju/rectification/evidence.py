"""Evidence uploads (整改佐证): JPEG, PNG or PDF only, judged by content (SECURITY.md row 20).

``check(upload)`` reads at most the size limit and returns a ``Checked`` file or raises
``UploadError`` with a Chinese message naming the file (both ``anju.core.uploads``):

- images must start with the JPEG/PNG magic bytes and open in Pillow; they are re-encoded
  (metadata and any trailing payload dropped) by ``anju.core.uploads.inspect``, and the
  time and place the camera recorded are kept as fields;
- a PDF must start with ``%PDF-``, end with ``%%EOF`` and carry no script or launch action,
  escaped names and compressed object streams included (``uploads.check_pdf``);
- anything else — an HTML page named ``.jpg``, an Office file, an archive — is refused,
  whatever its extension or the browser's content type.

The stored name is generated (``models.evidence_path``); the original name is kept only as
text, and files are served by a scoped view as attachments with ``nosniff``.
"""

from __future__ import annotations

from django.conf import settings

from anju.core import uploads
from anju.core.uploads import Checked, UploadError

ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def check(upload) -> Checked:
    name, head = uploads.read_upload(upload, what="佐证材料", limit=max_bytes())
    if head.startswith(uploads.PDF_MAGIC):
        uploads.check_pdf(name, head)
        return Checked(name=name, content=head, content_type="application/pdf", extension=".pdf")
    if head.startswith(uploads.JPEG_MAGIC) or head.startswith(uploads.PNG_MAGIC):
        photo = uploads.inspect(upload, name=name)  # the photo limits apply as well
        return Checked(
            name=name,
            content=photo.content,
            content_type=photo.content_type,
            extension=photo.extension,
            taken_at=photo.taken_at,
            latitude=photo.latitude,
            longitude=photo.longitude,
        )
    raise UploadError(
        f"文件“{name}”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，与扩展名无关）。"
        "请上传整改后的照片或盖章文件的扫描件。"
    )
