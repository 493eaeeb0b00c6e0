"""Files Anju keeps and hands out (SECURITY.md row 20): the download side of the files room.

- ``serve_file(content, name=, content_type=)`` is the one response for a file: a stored
  upload, a workbook or document built for the request, a streamed export. It is sent as an
  attachment under the name given (a Chinese name is encoded for every browser), typed as
  the checks found it, with ``nosniff`` and a sandboxing CSP, so a browser never renders it
  as a page of this site — also when a photo is shown inline (``inline=True``).
- ``open_stored(name)`` opens a stored file for it, a missing one answers 404.

What comes in is checked in ``anju.core.uploads``; workbooks are written by
``anju.core.workbooks``; the fields every stored upload keeps are ``anju.core.models.StoredFile``.
"""

from __future__ import annotations

from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

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
