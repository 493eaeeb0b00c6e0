"""Checks on an uploaded 工作方案 (SECURITY.md row 20): PDF, DOC or DOCX, judged by content.

``check(upload)`` reads at most the size limit and returns a ``Checked`` file, or raises
``WorkPlanError`` with a Chinese message naming the file:

- PDF: starts with ``%PDF-``, ends with ``%%EOF``, carries no script, launch or attachment,
  escaped names and compressed object streams included (``anju.core.pdfguard``);
- DOC: an OLE2 compound file with a ``WordDocument`` stream and no macros;
- DOCX: a zip (entries and uncompressed size checked before anything is read) with
  ``word/document.xml`` and no macro project;
- anything else — an image, a spreadsheet, an HTML page named ``.doc`` — is refused, whatever
  its extension or the browser's content type.

The stored name is generated (``models.work_plan_path``); the original name is kept as text.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from anju.core import pdfguard
from anju.registry import photos

MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ACCEPT = (
    ".pdf,.doc,.docx,application/pdf,application/msword,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class WorkPlanError(ValueError):
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
    return settings.WORK_PLAN_MAX_BYTES


def read_upload(upload, *, what: str, limit: int, error: type[Exception]) -> tuple[str, bytes]:
    """A document upload's safe name and bytes, refused (``error``) when empty or over
    ``limit`` — judged by the bytes read, never by the size the client claims alone."""
    raw = getattr(upload, "name", "") or ""
    name = photos.safe_name(raw) if raw.strip() else what
    size = getattr(upload, "size", None)
    too_big = f"文件“{name}”过大，{what}不能超过 {photos.human_size(limit)}。"
    if size is not None and size > limit:
        raise error(too_big)
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise error(too_big)
    if not data:
        raise error(f"文件“{name}”是空文件，请重新选择。")
    return name, data


def check(upload) -> Checked:
    name, data = read_upload(upload, what="工作方案", limit=max_bytes(), error=WorkPlanError)
    if data.startswith(PDF_MAGIC):
        extension = _pdf(name, data)
    elif data.startswith(OLE_MAGIC):
        extension = _doc(name, data)
    elif data.startswith(ZIP_MAGIC):
        extension = _docx(name, data)
    else:
        raise WorkPlanError(
            f"文件“{name}”不是 PDF、DOC 或 DOCX 文件（按文件内容判断，与扩展名无关）。"
            "请上传乡镇工作方案的 Word 文档或盖章后的 PDF 扫描件。"
        )
    return Checked(
        name=name, content=data, extension=extension, sha256=hashlib.sha256(data).hexdigest()
    )


def _pdf(name: str, data: bytes) -> str:
    if b"%%EOF" not in data[-2048:]:
        raise WorkPlanError(f"文件“{name}”不是完整的 PDF 文件（缺少文件结尾），请重新导出后上传。")
    try:
        seen = pdfguard.views(data)
    except pdfguard.Unreadable:
        raise WorkPlanError(
            f"文件“{name}”中有系统无法打开检查的压缩内容（对象流），出于安全不能上传。"
            "请用“打印为 PDF”或扫描仪重新生成。"
        ) from None
    if pdfguard.has_active_content(seen):
        raise WorkPlanError(
            f"文件“{name}”含有脚本、附件或自动执行的动作，出于安全不能上传。"
            "请用“打印为 PDF”或扫描仪重新生成。"
        )
    return ".pdf"


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _doc(name: str, data: bytes) -> str:
    if _utf16("WordDocument") not in data:
        raise WorkPlanError(
            f"文件“{name}”是 Office 文件但不是 Word 文档（可能是 Excel 或 PPT），请上传工作方案。"
        )
    if _utf16("Macros") in data or _utf16("_VBA_PROJECT") in data:
        raise WorkPlanError(f"文件“{name}”含有宏，出于安全不能上传。请另存为不含宏的文档或 PDF。")
    return ".doc"


def _docx(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise WorkPlanError(f"文件“{name}”内部文件过多，不是正常的 Word 文档。")
            if sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                raise WorkPlanError(f"文件“{name}”解压后过大，不是正常的 Word 文档。")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise WorkPlanError(f"文件“{name}”已损坏，无法作为 Word 文档打开。") from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkPlanError(
            f"文件“{name}”是压缩文件但不是 Word 文档（DOCX），请上传工作方案的 Word 文档或 PDF。"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise WorkPlanError(f"文件“{name}”含有宏，出于安全不能上传。请另存为不含宏的文档或 PDF。")
    return ".docx"
