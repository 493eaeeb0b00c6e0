"""Evidence uploads: only JPEG, PNG and PDF by content, size-limited, stored under a
generated name and served through the entry's scope as an attachment with nosniff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from anju.rectification.models import Evidence
from tests.rectification.conftest import PDF_BYTES, jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_entry, ledger_campaign):
    return make_entry()


def upload(client, entry, name, content, content_type="image/jpeg", note=""):
    url = reverse("rectification:evidence_upload", args=[entry.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type), "note": note})


def test_a_photo_is_accepted_reencoded_and_stored_under_a_generated_name(as_user, officer_a, entry):
    response = upload(
        as_user(officer_a), entry, "../../etc/整改后.jpg", jpeg_bytes(), note="挂牌后"
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.original_name == "整改后.jpg"
    assert item.content_type == "image/jpeg" and item.note == "挂牌后"
    assert "etc" not in item.file.name and "整改后" not in item.file.name
    assert item.file.name.startswith(f"evidence/{entry.township_id}/")


def test_a_pdf_is_accepted(as_user, officer_a, entry):
    assert (
        upload(as_user(officer_a), entry, "验收单.pdf", PDF_BYTES, "application/pdf").status_code
        == 302
    )
    assert Evidence.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "不是 JPEG、PNG 图片或 PDF 文件"),
        ("report.pdf", b"PK\x03\x04 an office file", "不是 JPEG、PNG 图片或 PDF 文件"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "已损坏"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "不是完整的 PDF"),
        (
            "script.pdf",
            b"%PDF-1.4\n<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>\n%%EOF",
            "含有脚本",
        ),
        ("empty.jpg", b"", "空文件"),
    ],
)
def test_anything_else_is_refused_by_its_content(as_user, officer_a, entry, name, content, message):
    response = upload(as_user(officer_a), entry, name, content)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert Evidence.objects.count() == 0


@override_settings(EVIDENCE_MAX_BYTES=2000)
def test_a_file_over_the_limit_is_refused(as_user, officer_a, entry):
    big = jpeg_bytes(size=(400, 400)) + b"\0" * 3000
    response = upload(as_user(officer_a), entry, "big.jpg", big)
    assert response.status_code in (400, 413)
    assert "过大" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_evidence_is_served_as_an_attachment_with_nosniff(as_user, officer_a, city_reviewer, entry):
    upload(as_user(officer_a), entry, "验收单.pdf", PDF_BYTES, "application/pdf")
    item = Evidence.objects.get()
    url = reverse("rectification:evidence_file", args=[entry.pk, item.pk])
    response = as_user(city_reviewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    # a PDF is never shown inline, even when asked
    assert as_user(officer_a).get(url + "?view=1")["Content-Disposition"].startswith("attachment")


def test_a_photo_may_be_previewed_inline_in_a_sandbox(as_user, officer_a, entry):
    upload(as_user(officer_a), entry, "a.jpg", jpeg_bytes())
    item = Evidence.objects.get()
    url = reverse("rectification:evidence_file", args=[entry.pk, item.pk]) + "?view=1"
    response = as_user(officer_a).get(url)
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_evidence_of_another_entry_is_not_served_through_this_one(
    as_user, officer_a, entry, make_entry
):
    other = make_entry()
    upload(as_user(officer_a), other, "a.jpg", jpeg_bytes())
    item = Evidence.objects.get()
    url = reverse("rectification:evidence_file", args=[entry.pk, item.pk])
    assert as_user(officer_a).get(url).status_code == 404


def test_a_village_worker_uploads_for_their_village(as_user, worker_a, entry):
    assert upload(as_user(worker_a), entry, "a.jpg", jpeg_bytes()).status_code == 302
    assert Evidence.objects.get().uploaded_by == worker_a


def test_the_head_cannot_upload(as_user, head_a, entry):
    assert upload(as_user(head_a), entry, "a.jpg", jpeg_bytes()).status_code == 403


def test_the_upload_is_csrf_protected(officer_a, entry):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = upload(client, entry, "a.jpg", jpeg_bytes())
    assert response.status_code == 403
    assert Evidence.objects.count() == 0
