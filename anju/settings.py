"""Anju settings: one module, every value from the environment (see .env.example).

Unset variables fall back to defaults that run the demo on SQLite; a malformed value
stops start-up with a message naming the variable (anju.env).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from anju.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    secret_from_env_or_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ANJU_DATA_DIR", BASE_DIR / "data")

DEBUG = env_bool("ANJU_DEBUG", False)
SECRET_KEY = secret_from_env_or_file(
    "ANJU_SECRET_KEY", DATA_DIR / "secret_key", generate=lambda: secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = env_list("ANJU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ANJU_CSRF_TRUSTED_ORIGINS", [])

# Demo mode allows the published demo logins (README). Off in production.
DEMO_MODE = env_bool("ANJU_DEMO_MODE", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Anju: one app per stage of the flow (docs/ARCHITECTURE.md).
    "anju.core",
    "anju.audit",
    "anju.units",
    "anju.accounts",
    "anju.registry",
    "anju.campaigns",
    "anju.screening",
    "anju.rectification",
    "anju.notices",
    "anju.overview",
    "anju.reporting",
    "anju.acceptance",
    "anju.api",
    "anju.visits",
    "anju.inspections",
    "anju.publicity",
    "anju.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anju.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "anju.accounts.middleware.SessionLimitsMiddleware",
    "anju.accounts.middleware.LoginStepsMiddleware",
    "anju.audit.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anju.campaigns.selection.RoundSelectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "anju" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anju.core.context_processors.shell",
                "anju.campaigns.selection.banner",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL selects the database (sqlite:///path or postgres://user@host/db);
# unset means SQLite (WAL) in the data folder.
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(f"环境变量 DATABASE_URL 无法解析：{exc}") from None
    if _db.get("ENGINE") not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        raise ImproperlyConfigured(
            "环境变量 DATABASE_URL 只支持 sqlite:/// 与 postgres:// 两种数据库。"
        )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "anju.sqlite3")}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # "database is locked" when a read transaction upgrades to a write. A writer waits
            # up to 30 s for another (a township's screening under its lock on a busy machine)
            # rather than fail; the PRAGMA and the driver's timeout say the same.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; "
                "PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work --------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("ANJU_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Seconds between a change that moves an overview figure and the refresh it queues; changes
# meanwhile join that refresh (anju/overview/freshness.py).
OVERVIEW_REFRESH_DELAY = env_int("ANJU_OVERVIEW_REFRESH_DELAY", 30, minimum=0)

# --- Accounts and sessions (SECURITY.md rows 1–4, 6) ----------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_MIN_LENGTH = env_int("ANJU_PASSWORD_MIN_LENGTH", 8, minimum=8)
PASSWORD_MIN_CLASSES = env_int("ANJU_PASSWORD_MIN_CLASSES", 3, minimum=1)
PASSWORD_MAX_AGE_DAYS = env_int("ANJU_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)  # 0 = never
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "anju.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {"NAME": "anju.accounts.validators.MaximumLengthValidator"},
]

# Two-factor login (TOTP) for administrators and roles that may unmask or export PI.
TOTP_REQUIRED = env_bool("ANJU_TOTP_REQUIRED", True)
OTP_TOTP_ISSUER = "安居"

LOGIN_FAILURE_LIMIT = env_int("ANJU_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("ANJU_LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)
LOGIN_LOCK_MINUTES = env_int("ANJU_LOGIN_LOCK_MINUTES", 30, minimum=15)
IDLE_ACCOUNT_DAYS = env_int("ANJU_IDLE_ACCOUNT_DAYS", 90, minimum=1)
SESSION_IDLE_MINUTES = env_int("ANJU_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("ANJU_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Exports of personal data (SECURITY.md row 19).
EXPORT_BULK_ROWS = env_int("ANJU_EXPORT_BULK_ROWS", 500, minimum=1)
EXPORT_RATE_PER_MINUTE = env_int("ANJU_EXPORT_RATE_PER_MINUTE", 5, minimum=1)
# A user refused this many ID numbers registered outside their scope within an hour (new
# household, changed ID, import) may enter no new ID number until the hour has passed.
ID_REFUSALS_PER_HOUR = env_int("ANJU_ID_REFUSALS_PER_HOUR", 10, minimum=1)
API_RATE_PER_MINUTE = env_int("ANJU_API_RATE_PER_MINUTE", 120, minimum=1)

# Personal data of closed cases is anonymised this many years after acceptance by
# `anonymise_closed` (SECURITY.md row 28). 10: the 一户一档 is an archive, and subsidy audits
# look back years; see docs/SECURITY.md.
PI_RETENTION_YEARS = env_int("ANJU_PI_RETENTION_YEARS", 10, minimum=1)
# The office the county's upward reports (the county summary) are addressed to.
SUPERIOR_OFFICE = env_str("ANJU_SUPERIOR_OFFICE", "许昌市住房和城乡建设局")
# PostgreSQL: re-screening after a save runs the rule queries as prepared statements (ADR
# 0007). Turn off behind a pooler that cannot keep them (PgBouncer < 1.21 in transaction mode).
PG_PREPARED = env_bool("ANJU_PG_PREPARED", True)

# --- Transport security (SECURITY.md rows 13–14); HTTPS is terminated in front ------
HTTPS = env_bool("ANJU_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("ANJU_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Database triggers that make audit rows append-only (anju/audit/migrations/0002).
AUDIT_DB_TRIGGERS = True
# The audit chain is keyed (ANJU_AUDIT_KEY, anju/core/crypto.py) with this MAC, and its head
# is anchored outside the database: signed files in this folder, beside the backups — one on
# the first audit event of each day, one per backup, one per `anchor_audit` (docs/adr/0012).
AUDIT_ALGORITHM = env_str("ANJU_AUDIT_ALGORITHM", "hmac-sha256")
AUDIT_ANCHOR_DIR = env_path("ANJU_AUDIT_ANCHOR_DIR", DATA_DIR / "backups" / "audit-anchors")
AUDIT_ANCHOR_DAILY = env_bool("ANJU_AUDIT_ANCHOR_DAILY", True)

# --- Locale -----------------------------------------------------------------------------
# Anju is Chinese-only: its strings are Chinese literals, no catalogue of its own; USE_I18N
# gives Django's own strings in Chinese (docs/adr/0001).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "anju" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the tree when collectstatic has not run
MEDIA_ROOT = env_path("ANJU_MEDIA_ROOT", DATA_DIR / "media")  # outside the web root
# Uploads (SECURITY.md row 20): photos from house visits and households, evidence of
# rectification, the final report's signed scan, the work plan, and registry imports.
PHOTO_MAX_BYTES = env_int("ANJU_PHOTO_MAX_MB", 10, minimum=1) * 1024 * 1024
PHOTO_MAX_PIXELS = env_int("ANJU_PHOTO_MAX_MEGAPIXELS", 50, minimum=1) * 1_000_000
EVIDENCE_MAX_BYTES = env_int("ANJU_EVIDENCE_MAX_MB", 10, minimum=1) * 1024 * 1024
FINAL_SCAN_MAX_BYTES = env_int("ANJU_FINAL_SCAN_MAX_MB", 20, minimum=1) * 1024 * 1024
FINAL_SCAN_MAX_PAGES = env_int("ANJU_FINAL_SCAN_MAX_PAGES", 100, minimum=1)
WORK_PLAN_MAX_BYTES = env_int("ANJU_WORK_PLAN_MAX_MB", 20, minimum=1) * 1024 * 1024
IMPORT_MAX_BYTES = env_int("ANJU_IMPORT_MAX_MB", 50, minimum=1) * 1024 * 1024
# An import file up to this size is read during the request; a bigger one by the worker.
IMPORT_SYNC_MAX_BYTES = env_int("ANJU_IMPORT_SYNC_MAX_KB", 256, minimum=0) * 1024
# An import reports at most this many problems (registry and 动态监测 lists).
IMPORT_MAX_PROBLEMS = env_int("ANJU_IMPORT_MAX_PROBLEMS", 100_000, minimum=1)
# A house visit recorded farther than this from the household's location is flagged (a
# campaign's own ``rule_params["visits"]["far_m"]`` comes first).
VISIT_FAR_METRES = env_int("ANJU_VISIT_FAR_METRES", 500, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No full ID number or phone in any log line (anju/core/logmask.py; issue #13).
    "filters": {"mask_pi": {"()": "anju.core.logmask.MaskPIFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pi"]}},
    "root": {"handlers": ["console"], "level": env_str("ANJU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
