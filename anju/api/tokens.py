"""Use cases of API tokens: create (shown once), revoke, authenticate, count a request.

- ``create_token``: a random token ``anju_…``; only its keyed hash and prefix are stored.
- ``revoke_token``: the owner ends a token at once; audited (the model's update record).
- ``authenticate``: the token of an ``Authorization: Bearer`` header, or ``Refused`` with
  the Chinese reason. The owner must still be active, hold a role that has data and the same
  role and unit the token was issued under (a withdrawn grant ends the API too), and must
  not owe a password change (SECURITY.md row 2).
- ``count_request``: the per-token rate limit, a fixed one-minute window counted with one
  conditional UPDATE, so it holds across worker processes on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from anju.accounts.roles import BUSINESS, CITY, Role
from anju.api.models import ApiToken
from anju.audit.events import Event, Outcome
from anju.audit.services import record

# Roles whose tokens work: those with a data scope (scope_q gives everyone else nothing).
API_ROLES = BUSINESS
# Roles the menu offers the token page to (the offices that connect other tools).
MENU_ROLES = CITY | {Role.TOWNSHIP_OFFICER}
TOKEN_PREFIX = "anju_"  # noqa: S105  (a marker, not a secret)
PREFIX_LENGTH = 12  # "anju_" and 7 random characters, shown to tell tokens apart
LIFETIME_DAYS = (30, 90, 180, 365)
DEFAULT_LIFETIME_DAYS = 90
MAX_LIVE_TOKENS = 5
_HASH_SALT = "anju.api.ApiToken"


def rate_per_minute() -> int:
    return settings.API_RATE_PER_MINUTE


def key_hash(raw: str, secret: str | bytes | None = None) -> str:
    """The keyed hash stored for a token (HMAC-SHA256 under the server's secret key)."""
    return salted_hmac(_HASH_SALT, raw, secret=secret, algorithm="sha256").hexdigest()


def _hashes(raw: str) -> list[str]:
    # A rotated SECRET_KEY keeps old tokens working while it is listed in the fallbacks.
    secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [key_hash(raw, secret) for secret in secrets_in_use]


# --- create and revoke ------------------------------------------------------------------
def create_token(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text (never stored)."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if user.role not in API_ROLES or not user.unit_id:
        raise ValidationError("您的角色没有业务数据范围，不能创建接口令牌。")
    if not name:
        errors["name"] = ["请填写令牌用途，例如“乡镇台账同步”。"]
    elif len(name) > 60:
        errors["name"] = ["令牌用途最多 60 个字。"]
    if days not in LIFETIME_DAYS:
        errors["days"] = ["请选择有效期：30、90、180 或 365 天。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the owner's row so two creations at once cannot pass the count together.
        list(
            get_user_model()
            .objects.select_for_update(of=("self",))
            .filter(pk=user.pk)
            .order_by()
            .values_list("pk")
        )
        if ApiToken.objects.filter(user=user).live().count() >= MAX_LIVE_TOKENS:
            raise ValidationError(
                f"每个账号最多同时持有 {MAX_LIVE_TOKENS} 个有效令牌，请先撤销不用的令牌。"
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user=user,
            name=name,
            key_hash=key_hash(raw),
            prefix=raw[:PREFIX_LENGTH],
            role=user.role,
            unit_id=user.unit_id,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        token.save()  # AuditedModel: one `create` audit record
    return token, raw


def revoke_token(*, user, pk: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (idempotent)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update(of=("self",)).get(pk=pk, user=user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = user
            token.save(update_fields=["revoked_at", "revoked_by"])  # one `update` record
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("user")


# --- authenticate -----------------------------------------------------------------------
class Refused(Exception):
    """A token that does not authenticate; ``message`` is shown, ``reason`` audited."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


INVALID = "令牌无效：请检查 Authorization 请求头中的令牌是否完整。"
REVOKED = "令牌已撤销，请登录系统重新创建。"
EXPIRED = "令牌已过期，请登录系统重新创建。"
INACTIVE = "令牌所属账号已停用。"
GRANT_CHANGED = "令牌所属账号的角色或单位已变更，令牌已失效，请重新创建。"
CHANGE_DUE = "令牌所属账号须先修改密码，请登录系统修改密码后再使用接口。"


def authenticate(raw: str) -> ApiToken:
    """The live token for ``raw``; raises ``Refused`` (and audits the failure) otherwise."""
    token = None
    if raw.startswith(TOKEN_PREFIX) and 20 <= len(raw) <= 100:
        token = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash__in=_hashes(raw))
            .first()
        )
    try:
        if token is None:
            raise Refused(INVALID, "unknown token")
        if token.is_revoked:
            raise Refused(REVOKED, "revoked")
        if token.is_expired():
            raise Refused(EXPIRED, "expired")
        user = token.user
        if not user.is_active:
            raise Refused(INACTIVE, "user inactive")
        if user.role not in API_ROLES or token.grant_changed():
            raise Refused(GRANT_CHANGED, "grant changed")
        if user.must_change_password or user.password_expired():
            raise Refused(CHANGE_DUE, "password change due")
    except Refused as refused:
        record(
            Event.LOGIN_FAILED,
            outcome=Outcome.FAILURE,
            object_label="api.apitoken",
            object_pk=str(token.pk) if token else "",
            detail={
                "channel": "api",
                "reason": refused.reason,
                "token": token.prefix if token else "",
                "username": token.user.username if token else "",
            },
        )
        raise
    return token


def count_request(token: ApiToken, now: dt.datetime | None = None) -> tuple[bool, int]:
    """Count one request in the token's current minute; (allowed, seconds until the next
    minute). The first refusal of a minute is audited, later ones are not (no log flood)."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    ApiToken.objects.filter(pk=token.pk).update(
        window_count=Case(
            When(window_start=minute, then=F("window_count") + 1),
            default=Value(1),
        ),
        window_start=minute,
        last_used_at=now,
    )
    count = ApiToken.objects.filter(pk=token.pk).values_list("window_count", flat=True).get()
    limit = rate_per_minute()
    retry = 60 - now.second
    if count <= limit:
        return True, retry
    if count == limit + 1:
        record(
            Event.PERMISSION_DENIED,
            outcome=Outcome.DENIED,
            object_label="api.apitoken",
            object_pk=str(token.pk),
            detail={"channel": "api", "reason": "rate limited", "limit": limit},
        )
    return False, retry
