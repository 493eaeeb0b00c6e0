"""The files room (``anju.core.files``): every kept upload records the same facts
(``StoredFile``), and every file Anju hands out goes through ``serve_file`` (SECURITY.md row
20): an attachment under its own name, typed, ``nosniff`` and sandboxed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from anju.core.files import SANDBOX, DocumentFile, PhotoFile, StoredFile, open_stored, serve_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_bytes_are_served_as_an_attachment_under_their_chinese_name():
    response = serve_file(b"PK\x03\x04", name="火龙镇整改台账（第3周报送）.xlsx", content_type=XLSX)
    assert response.content == b"PK\x03\x04"
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "%E7%81%AB%E9%BE%99%E9%95%87" in disposition  # 火龙镇, encoded for every browser
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX == "default-src 'none'; sandbox"


def test_an_open_file_is_streamed_and_a_photo_may_be_shown_inline_still_sandboxed():
    response = serve_file(
        io.BytesIO(b"\xff\xd8\xff"), name="photo-7.jpg", content_type="image/jpeg", inline=True
    )
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff"
    assert response["Content-Disposition"] == 'inline; filename="photo-7.jpg"'
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_stored_file_is_opened_and_a_missing_one_is_404():
    name = default_storage.save("plans/x.pdf", ContentFile(b"%PDF-1.7"))
    try:
        with open_stored(name) as handle:
            assert handle.read() == b"%PDF-1.7"
    finally:
        default_storage.delete(name)
    with pytest.raises(Http404, match="照片文件缺失"):
        open_stored(name, missing="照片文件缺失")


def test_sec_20_no_view_answers_with_a_file_of_its_own_making():
    """A download built anywhere else could forget nosniff or the sandbox: there is none."""
    base = Path(__file__).resolve().parent.parent / "anju"
    pattern = re.compile(
        r"FileResponse\(|Content-Disposition|content_disposition_header|X-Content-Type-Options"
    )
    offenders = [
        f"{path.relative_to(base.parent)}:{number}: {line.strip()}"
        for path in base.rglob("*.py")
        if path != base / "core" / "files.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_every_kept_upload_records_the_same_facts_of_its_file():
    """A model that keeps an uploaded file by its original name is a ``StoredFile``."""
    kept = {
        m.__name__: m
        for m in apps.get_models()
        if any(f.name in ("file", "original_name") for f in m._meta.concrete_fields)
    }
    assert all(issubclass(m, StoredFile) for m in kept.values())
    photos = sorted(name for name, m in kept.items() if issubclass(m, PhotoFile))
    documents = sorted(name for name, m in kept.items() if issubclass(m, DocumentFile))
    assert photos == ["Attachment", "Evidence", "SpotCheckPhoto", "VisitPhoto"]
    assert documents == ["SealedScan", "WorkPlan"]
    for model in kept.values():
        fields = {f.name: f for f in model._meta.concrete_fields}
        assert fields["file"].max_length == 200 and fields["content_type"].max_length == 100
        assert {"original_name", "size", "sha256", "uploaded_at", "uploaded_by"} <= set(fields)
        assert "storage_path" in vars(model)  # each says where its files go
