"""SECURITY.md rows 13, 23, 27: transport settings, generic errors, residual data."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone

from tests.conftest import PASSWORD


def boom(request):
    raise RuntimeError("SELECT secret FROM settings")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_sec_13_cookies_and_hsts_under_https(officer_a):
    client = Client()
    response = client.post(
        "/account/login/", {"username": "p_officer_a", "password": PASSWORD}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    page = client.get("/account/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_sec_23_errors_are_generic_pages():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body and "SELECT" not in body and "settings" not in body
    assert "系统暂时出错" in body


@pytest.mark.django_db
def test_sec_27_cleanup_removes_expired_sessions_and_old_temp_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    old = tmp_path / "tmp" / "import-old.xlsx"
    new = tmp_path / "tmp" / "import-new.xlsx"
    old.parent.mkdir()
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    past = time.time() - 25 * 3600
    os.utime(old, (past, past))
    Session.objects.create(
        session_key="gone", session_data="", expire_date=timezone.now() - dt.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="kept", session_data="", expire_date=timezone.now() + dt.timedelta(hours=1)
    )
    call_command("cleanup")
    assert not old.exists() and new.exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["kept"]
