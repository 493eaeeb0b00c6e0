"""Checks on an uploaded 工作方案 (SECURITY.md row 20): PDF, DOC or DOCX, judged by content.

``check(upload)`` reads at most the size limit and returns a ``Checked`` file, or raises
``UploadError`` with a Chinese message naming the file (both ``anju.core.uploads``):

- PDF: starts with ``%PDF-``, ends with ``%%EOF``, carries no script, launch or attachment,
  escaped names and compressed object streams included (``uploads.check_pdf``);
- DOC: an OLE2 compound file with a ``WordDocument`` stream and no macros;
- DOCX: a zip (entries and uncompressed size checked before anything is read) with
  ``word/document.xml`` and no macro project;
- anything else — an image, a spreadsheet, an HTML page named ``.doc`` — is refused, whatever
  its extension or the browser's content type.

The stored name is generated (``models.work_plan_path``); the original name is kept as text.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from anju.core.uploads import PDF_MAGIC, Checked, UploadError, check_pdf, read_upload

MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
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


def max_bytes() -> int:
    return settings.WORK_PLAN_MAX_BYTES


def check(upload) -> Checked:
    name, data = read_upload(upload, what="工作方案", limit=max_bytes())
    if data.startswith(PDF_MAGIC):
        check_pdf(name, data)
        extension = ".pdf"
    elif data.startswith(OLE_MAGIC):
        extension = _doc(name, data)
    elif data.startswith(ZIP_MAGIC):
        extension = _docx(name, data)
    else:
        raise UploadError(
            f"文件“{name}”不是 PDF、DOC 或 DOCX 文件（按文件内容判断，与扩展名无关）。"
            "请上传乡镇工作方案的 Word 文档或盖章后的 PDF 扫描件。"
        )
    return Checked(name=name, content=data, content_type=TYPES[extension], extension=extension)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _doc(name: str, data: bytes) -> str:
    if _utf16("WordDocument") not in data:
        raise UploadError(
            f"文件“{name}”是 Office 文件但不是 Word 文档（可能是 Excel 或 PPT），请上传工作方案。"
        )
    if _utf16("Macros") in data or _utf16("_VBA_PROJECT") in data:
        raise UploadError(f"文件“{name}”含有宏，出于安全不能上传。请另存为不含宏的文档或 PDF。")
    return ".doc"


def _docx(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise UploadError(f"文件“{name}”内部文件过多，不是正常的 Word 文档。")
            if sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                raise UploadError(f"文件“{name}”解压后过大，不是正常的 Word 文档。")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise UploadError(f"文件“{name}”已损坏，无法作为 Word 文档打开。") from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise UploadError(
            f"文件“{name}”是压缩文件但不是 Word 文档（DOCX），请上传工作方案的 Word 文档或 PDF。"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadError(f"文件“{name}”含有宏，出于安全不能上传。请另存为不含宏的文档或 PDF。")
    return ".docx"
