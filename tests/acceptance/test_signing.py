"""Signing is not one click (issue #17 item 6): 签字确认 asks for the password again, or
the TOTP code where the head enrolled a phone authenticator; a wrong one signs nothing, is
audited and counts towards the lock-out; the audit row of the signature says how it was
confirmed. The sealed scan is a PDF or a picture of a page (checked by content, size and
pages), and it cannot be uploaded once the final is accepted unless the city reopens it."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.acceptance import services
from anju.acceptance.models import FinalSubmission, SealedScan, Status
from anju.accounts.models import LoginLock
from anju.audit.models import AuditEvent
from tests.acceptance.conftest import pdf
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def signed(s) -> bool:
    s.refresh_from_db()
    return s.status == Status.SIGNED


# --- the password, or the code, again -----------------------------------------------------
def test_the_head_types_the_password_again_to_sign(as_user, campaign, ready, head_a, hand_in):
    s = hand_in(sign=False, upload=False)
    head = as_user(head_a)
    page = text(head.get("/acceptance/"))
    assert 'type="password" name="reauth"' in page and "登录密码" in page
    assert 'autocomplete="current-password"' in page

    response = head.post(f"/acceptance/{s.pk}/sign/", {"next": "index"}, follow=True)
    assert "请填写登录密码：签字须再次确认本人身份" in text(response) and not signed(s)
    response = head.post(f"/acceptance/{s.pk}/sign/", {"reauth": "Wrong#2022pw"}, follow=True)
    assert "登录密码不正确，未签字" in text(response) and not signed(s)
    failed = AuditEvent.objects.get(event="login_failed", detail__step="reauth")
    assert failed.username == "p_head_a" and failed.detail["for"] == "签字"
    assert not AuditEvent.objects.filter(event="sign").exists()

    response = head.post(f"/acceptance/{s.pk}/sign/", {"reauth": PASSWORD}, follow=True)
    assert "已签字" in text(response) and signed(s)
    sign = AuditEvent.objects.get(event="sign", object_id=str(s.pk))
    assert sign.detail["confirmed_with"] == "password" and sign.username == "p_head_a"


def test_wrong_passwords_lock_the_account_as_at_login(
    as_user, campaign, ready, head_a, hand_in, settings
):
    s = hand_in(sign=False, upload=False)
    head = as_user(head_a)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        head.post(f"/acceptance/{s.pk}/sign/", {"reauth": "guess"})
    assert LoginLock.objects.filter(username="p_head_a").exists()
    assert AuditEvent.objects.filter(event="account_locked").count() == 1
    response = head.post(f"/acceptance/{s.pk}/sign/", {"reauth": PASSWORD}, follow=True)
    assert "账号已暂时锁定，未签字" in text(response) and not signed(s)


@pytest.mark.parametrize("wrong", [False, True], ids=["right-code", "wrong-code"])
def test_a_head_with_a_phone_authenticator_types_its_code(
    as_user, campaign, ready, head_a, hand_in, wrong, settings
):
    # django-otp waits 1 s after one failure; a loaded machine can take longer than that
    # between two requests. An hour makes "the right code still waits" independent of speed.
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    device = TOTPDevice.objects.create(user=head_a, name="手机验证器", confirmed=True)
    s = hand_in(sign=False, upload=False)
    head = as_user(head_a)
    session = head.session  # logged in with the code (django-otp's verified session)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page = text(head.get(f"/acceptance/{s.pk}/"))
    assert "手机验证器上的 6 位验证码" in page and 'autocomplete="one-time-code"' in page
    if wrong:  # the password is not what is asked for: the code is
        response = head.post(f"/acceptance/{s.pk}/sign/", {"reauth": PASSWORD}, follow=True)
        assert "验证码不正确或已过期，未签字" in text(response) and not signed(s)
        assert AuditEvent.objects.filter(event="login_failed", detail__factor="totp").count() == 1
        # django-otp now throttles the device: even the right code waits (as at login)
        response = head.post(f"/acceptance/{s.pk}/sign/", {"reauth": code_for(device)})
        assert not signed(s)
        return
    head.post(f"/acceptance/{s.pk}/sign/", {"reauth": code_for(device)}, follow=True)
    assert signed(s)
    sign = AuditEvent.objects.get(event="sign", object_id=str(s.pk))
    assert sign.detail["confirmed_with"] == "totp"


def test_a_stale_page_is_refused_before_the_password_is_asked(
    as_user, campaign, ready, officer_a, head_a, hand_in
):
    s = hand_in(sign=False, upload=False)
    head = as_user(head_a)
    page = text(head.get("/acceptance/"))
    version = page.split('name="version" value="')[1].split('"')[0]
    as_user(officer_a).post("/acceptance/prepare/", {"situation": "B：补充", "mechanism": "机制"})
    response = head.post(
        f"/acceptance/{s.pk}/sign/", {"version": version, "reauth": PASSWORD}, follow=True
    )
    assert "未保存：您打开页面之后" in text(response) and not signed(s)


# --- the sealed scan ------------------------------------------------------------------------
def _pdf(objects: list[bytes], *, trailer: bytes = b"") -> SimpleUploadedFile:
    body = b"%PDF-1.5\n" + b"\n".join(objects) + b"\ntrailer<<" + trailer + b">>\n%%EOF\n"
    return SimpleUploadedFile("盖章扫描件.pdf", body, content_type="application/pdf")


def _pages(n: int) -> list[bytes]:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    return [
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj",
        b"2 0 obj<</Type/Pages/Kids[" + kids + b"]/Count %d>>endobj" % n,
        *(b"%d 0 obj<</Type/Page/Parent 2 0 R>>endobj" % (3 + i) for i in range(n)),
    ]


def _image(size: tuple[int, int], fmt: str = "PNG") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt)
    return SimpleUploadedFile(f"盖章扫描件.{fmt.lower()}", out.getvalue())


def _object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (
        b"9 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(packed)
        + packed
        + b"\nendstream endobj"
    )


@pytest.mark.parametrize(
    "upload,message",
    [
        (_pdf(_pages(0)), "找不到任何页面"),
        (_pdf(_pages(4)), "有 4 页，超过 3 页"),
        (_pdf(_pages(1), trailer=b"/Encrypt 7 0 R"), "已加密或设置了打开密码"),
        (_pdf([*_pages(1), b"7 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj"]), "含有脚本"),
        # pages hidden in a compressed object stream are counted too
        (_pdf([*_pages(1), _object_stream(b"<</Type/Page>>" * 5)]), "有 6 页，超过 3 页"),
        # an inflation bomb in an object stream is cut off (16 MB), not inflated whole, and
        # refused as a stream that cannot be checked (anju.core.pdfguard, attack of #13)
        (_pdf([_object_stream(b"\x00" * (64 * 1024 * 1024))]), "无法打开检查的压缩内容"),
        (_image((300, 420)), "只有 300×420 像素，看不清公章和签字"),
        (_image((2400, 800), "JPEG"), "过于狭长，不像一页纸"),
        (
            SimpleUploadedFile("盖章扫描件.png", b"<svg onload=alert(1)></svg>"),
            "不是 PDF、JPG 或 PNG",
        ),
    ],
    ids=[
        "no-page",
        "too-many",
        "encrypted",
        "script",
        "object-stream",
        "bomb",
        "tiny",
        "strip",
        "svg",
    ],
)
def test_a_hostile_or_implausible_scan_is_refused(
    as_user, campaign, ready, officer_a, hand_in, settings, media, upload, message
):
    settings.FINAL_SCAN_MAX_PAGES = 3
    s = hand_in(upload=False)
    response = as_user(officer_a).post(f"/acceptance/{s.pk}/scan/", {"file": upload})
    assert response.status_code == 200 and 'id="id_file_error"' in text(response)
    assert message in text(response)
    assert not SealedScan.objects.exists() and signed(s)


def test_an_oversized_scan_is_refused_by_its_bytes(
    as_user, campaign, ready, officer_a, hand_in, settings
):
    settings.FINAL_SCAN_MAX_BYTES = 50_000
    s = hand_in(upload=False)
    big = _pdf([*_pages(1), b"% " + b"x" * 60_000])
    response = as_user(officer_a).post(f"/acceptance/{s.pk}/scan/", {"file": big})
    assert "过大，盖章扫描件不能超过 49 KB" in text(response)
    assert not SealedScan.objects.exists()


def test_a_scan_of_three_pages_and_a_photo_of_a_page_are_taken(
    as_user, campaign, ready, officer_a, hand_in, settings
):
    settings.FINAL_SCAN_MAX_PAGES = 3
    s = hand_in(upload=False)
    officer = as_user(officer_a)
    officer.post(f"/acceptance/{s.pk}/scan/", {"file": _pdf(_pages(3))})
    officer.post(f"/acceptance/{s.pk}/scan/", {"file": _image((3000, 4000), "JPEG")})
    assert [x.extension for x in SealedScan.objects.order_by("id")] == [".pdf", ".jpg"]


def test_no_scan_after_acceptance_unless_reopened(
    as_user, campaign, ready, officer_a, head_a, city_reviewer, hand_in
):
    s = hand_in()
    services.accept(actor=city_reviewer, submission=s)
    officer = as_user(officer_a)
    assert 'type="file" name="file"' not in text(officer.get("/acceptance/"))
    response = officer.post(f"/acceptance/{s.pk}/scan/", {"file": pdf()}, follow=True)
    assert "已“已通过”，不能再上传盖章扫描件" in text(response)
    assert "须市住建局重新打开" in text(response)
    assert SealedScan.objects.count() == 1
    # Reopened: still not onto the reopened one; onto the new one once signed again.
    services.reopen(actor=city_reviewer, submission=s, reason="验收后台账有变化")
    response = officer.post(f"/acceptance/{s.pk}/scan/", {"file": pdf()}, follow=True)
    assert "不能再上传盖章扫描件" in text(response) and SealedScan.objects.count() == 1
    officer.post("/acceptance/prepare/", {"situation": "重新生成", "mechanism": "动态监测"})
    again = FinalSubmission.objects.live().get()
    as_user(head_a).post(f"/acceptance/{again.pk}/sign/", {"reauth": PASSWORD})
    officer.post(f"/acceptance/{again.pk}/scan/", {"file": pdf()})
    assert SealedScan.objects.filter(submission=again).count() == 1
    again.refresh_from_db()
    assert again.status == Status.AWAITING_REVIEW
