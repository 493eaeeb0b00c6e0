"""Checks on an uploaded 盖章扫描件 (SECURITY.md row 20): a PDF, or a JPG/PNG picture of a
page, judged by content.

``check(upload)`` reads at most the size limit and returns a ``Checked`` file, or raises
``UploadError`` with a Chinese message naming the file (both ``anju.core.uploads``):

- PDF: starts with ``%PDF-``, ends with ``%%EOF``, carries no script, launch or attachment
  (``uploads.check_pdf``, as every PDF upload), is not encrypted, and has
  between 1 and ``FINAL_SCAN_MAX_PAGES`` pages (default 100; page objects counted in the
  file and in its compressed object streams, inflated with a cap, names unescaped —
  ``anju.core.pdfguard``);
- JPG/PNG: opened with Pillow (pixel limit, decompression bombs refused), shaped like a
  page (short side at least 800 px — legible at ~100 dpi —, long side at most 2.2 times
  the short one) and re-encoded upright without metadata (``uploads.reencode``), so
  what is stored is a clean image;
- anything else — an .exe or a text file renamed .pdf, a Word file — is refused, whatever
  its extension or the browser's content type.

The stored name is generated (``models.scan_path``); the original name is kept as text.
"""

from __future__ import annotations

from django.conf import settings

from anju.core import pdfguard, uploads
from anju.core.uploads import Checked, UploadError

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


MIN_SHORT_SIDE = 800  # pixels: a page scanned at ~100 dpi or photographed whole
MAX_ASPECT = 2.2  # long side / short side: A4 is 1.41, a 16:9 photo 1.78


def max_pages() -> int:
    return settings.FINAL_SCAN_MAX_PAGES


def max_bytes() -> int:
    return settings.FINAL_SCAN_MAX_BYTES


def check(upload) -> Checked:
    name, data = uploads.read_upload(upload, what="盖章扫描件", limit=max_bytes())
    if data.startswith(uploads.PDF_MAGIC):
        content, extension = _pdf(name, data), ".pdf"
    elif data.startswith((uploads.JPEG_MAGIC, uploads.PNG_MAGIC)):
        content, extension = _image(name, data)
    else:
        raise UploadError(
            f"文件“{name}”不是 PDF、JPG 或 PNG 文件（按文件内容判断，与扩展名无关）。"
            "请上传盖章、签字后扫描或拍照的整改报告。"
        )
    return Checked(name=name, content=content, content_type=TYPES[extension], extension=extension)


def _pdf(name: str, data: bytes) -> bytes:
    seen = uploads.check_pdf(name, data)
    if pdfguard.is_encrypted(seen):
        raise UploadError(
            f"文件“{name}”已加密或设置了打开密码，无法核对内容。请扫描后直接导出不加密的 PDF 再上传。"
        )
    pages, limit = pdfguard.pages(seen), max_pages()
    if pages == 0:
        raise UploadError(
            f"文件“{name}”中找不到任何页面（文件可能已损坏）。请重新扫描、导出 PDF 后上传。"
        )
    if pages > limit:
        raise UploadError(
            f"文件“{name}”有 {pages} 页，超过 {limit} 页。请只扫描加盖公章、主要负责同志签字的"
            "整改报告和整改台账。"
        )
    return data


def _image(name: str, data: bytes) -> tuple[bytes, str]:
    try:
        image = uploads.open_image(data, name)
    except UploadError as exc:
        raise UploadError(str(exc).replace("照片", "扫描件")) from None
    _page_shaped(name, *image.size)
    content, _thumb, _size = uploads.reencode(image)
    return content, ".jpg" if image.format == "JPEG" else ".png"


def _page_shaped(name: str, width: int, height: int) -> None:
    short, long = sorted((width, height))
    if short < MIN_SHORT_SIDE:
        raise UploadError(
            f"图片“{name}”只有 {width}×{height} 像素，看不清公章和签字。请扫描（不低于 100 dpi）"
            f"或拍摄整页，图片短边至少 {MIN_SHORT_SIDE} 像素。"
        )
    if long > short * MAX_ASPECT:
        raise UploadError(
            f"图片“{name}”为 {width}×{height} 像素，过于狭长，不像一页纸。请扫描或拍摄完整的一页；"
            "多页请扫描为一个 PDF 文件。"
        )
