"""Settings for the test suite: the real settings, with fast password hashing and tasks
run in-process so a test sees their effect. Everything else is as in production."""

import tempfile as _tempfile
from pathlib import Path as _Path

from anju.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Browser and transactional tests flush tables between tests, which the append-only
# triggers forbid; tests/test_audit.py installs the same triggers inside a test instead.
AUDIT_DB_TRIGGERS = False
# Anchors of the audit chain go to a scratch folder (tests/conftest.py gives each test its
# own); the daily anchor on the first audit event of a day is tested on its own.
AUDIT_ANCHOR_DIR = _Path(_tempfile.mkdtemp(prefix="anju-test-anchors-"))  # a Path, as in settings
AUDIT_ANCHOR_DAILY = False
# Most tests log personas in with force_login; the TOTP step is tested on its own with
# TOTP_REQUIRED switched on (tests/test_totp.py).
TOTP_REQUIRED = False
# Uploads made by tests go to a scratch folder, never the data folder.
MEDIA_ROOT = _Path(_tempfile.mkdtemp(prefix="anju-test-media-"))
