"""Token lifecycle: created and shown once, only a keyed hash stored, revoked or expired or
withdrawn → 401; the token page, its access rule and its audit records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anju.api import tokens
from anju.api.models import ApiToken
from anju.audit.models import AuditEvent
from anju.core import nav

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"anju_[A-Za-z0-9_-]{40,}")
URL = "/api/v1/households"


def create_on_page(client, name="乡镇台账同步", days="90"):
    return client.post("/account/tokens/", {"name": name, "days": days})


def test_a_new_token_is_shown_once_and_only_its_keyed_hash_is_stored(as_user, officer_a, api):
    page = as_user(officer_a)
    response = create_on_page(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert "令牌只显示这一次" in body
    raw = TOKEN.search(body).group(0)

    token = ApiToken.objects.get(user=officer_a)
    assert token.key_hash == tokens.key_hash(raw) != raw
    assert raw.startswith(token.prefix) and len(token.prefix) == tokens.PREFIX_LENGTH
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert raw not in stored
    assert token.role == officer_a.role and token.unit_id == officer_a.unit_id
    assert token.expires_at - timezone.now() > dt.timedelta(days=89)

    again = page.get("/account/tokens/").content.decode()
    assert raw not in again and token.prefix in again and "乡镇台账同步" in again
    assert api(raw).get(URL).status_code == 200


def test_creating_and_revoking_are_audited(as_user, officer_a, api):
    page = as_user(officer_a)
    raw = TOKEN.search(create_on_page(page).content.decode()).group(0)
    token = ApiToken.objects.get(user=officer_a)
    created = AuditEvent.objects.filter(event="create", object_type="api.apitoken")
    assert created.count() == 1
    row = created.get()
    assert row.user_id == officer_a.pk and row.object_id == str(token.pk)
    assert raw not in str(row.detail) and token.key_hash not in str(row.detail)

    response = page.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    updated = AuditEvent.objects.filter(event="update", object_type="api.apitoken").get()
    assert "revoked_at" in updated.detail["changes"]

    refused = api(raw).get(URL)
    assert refused.status_code == 401
    assert refused.json() == {"error": tokens.REVOKED}


def test_an_expired_token_gives_401(officer_a, token_for, api):
    raw = token_for(officer_a, days=30)
    assert api(raw).get(URL).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, minutes=1)):
        response = api(raw).get(URL)
    assert response.status_code == 401
    assert response.json() == {"error": tokens.EXPIRED}
    assert "invalid_token" in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"is_active": False}, tokens.INACTIVE),
        ({"role": ""}, tokens.GRANT_CHANGED),
        ({"role": "township_head"}, tokens.GRANT_CHANGED),
        ({"must_change_password": True}, tokens.CHANGE_DUE),
    ],
    ids=["account-disabled", "role-withdrawn", "role-changed", "password-change-due"],
)
def test_a_withdrawn_grant_or_disabled_account_ends_the_token(
    officer_a, token_for, api, change, message
):
    raw = token_for(officer_a)
    for field, value in change.items():
        setattr(officer_a, field, value)
    officer_a.save()
    response = api(raw).get(URL)
    assert response.status_code == 401
    assert response.json() == {"error": message}


def test_a_move_to_another_township_ends_the_token(officer_a, township_b, token_for, api):
    raw = token_for(officer_a)
    officer_a.unit = township_b
    officer_a.save()
    assert api(raw).get(URL).json() == {"error": tokens.GRANT_CHANGED}


def test_missing_or_unknown_tokens_give_401_json_in_chinese(officer_a):
    missing = Client().get(URL)
    assert missing.status_code == 401
    assert missing.json()["error"].startswith("缺少访问令牌")
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert missing["Content-Type"].startswith("application/json")

    before = AuditEvent.objects.filter(event="login_failed").count()
    for header in ("Bearer anju_" + "x" * 43, "Bearer nonsense", "Basic dXNlcjpwdw=="):
        response = Client(headers={"Authorization": header}).get(URL)
        assert response.status_code == 401
        assert "error" in response.json()
    # two token attempts are failures; a Basic header is no token at all
    assert AuditEvent.objects.filter(event="login_failed").count() == before + 2


def test_a_session_does_not_open_the_api(as_user, officer_a):
    response = as_user(officer_a).get(URL)
    assert response.status_code == 401


def test_the_api_is_read_only(officer_a, token_for, api):
    client = api(token_for(officer_a))
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(URL)
        assert response.status_code == 405, method
        assert response.json() == {"error": "接口只支持 GET 请求。"}


def test_the_rate_limit_answers_429_per_token(officer_a, token_for, api, settings):
    settings.API_RATE_PER_MINUTE = 3
    raw, other = token_for(officer_a), token_for(officer_a, name="另一个")
    minute = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    with time_machine.travel(minute + dt.timedelta(seconds=10), tick=False):
        assert [api(raw).get(URL).status_code for _ in range(3)] == [200] * 3
        refused = api(raw).get(URL)
        assert refused.status_code == 429
        assert refused.json()["error"].startswith("请求过于频繁")
        assert refused["Retry-After"] == "50"
        assert api(raw).get(URL).status_code == 429
        assert api(other).get(URL).status_code == 200  # counted per token
    denied = AuditEvent.objects.filter(event="permission_denied", detail__reason="rate limited")
    assert denied.count() == 1  # the first refusal of the minute, not every one
    with time_machine.travel(minute + dt.timedelta(minutes=1), tick=False):
        assert api(raw).get(URL).status_code == 200


def test_the_default_rate_is_120_a_minute(officer_b, township_a, token_for, api):
    client = api(token_for(officer_b))
    empty = f"{URL}?township={township_a.code}"  # empty for B: nothing audited
    minute = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    with time_machine.travel(minute, tick=False):
        codes = [client.get(empty).status_code for _ in range(121)]
    assert codes[:120] == [200] * 120 and codes[120] == 429


def test_last_use_is_recorded(officer_a, token_for, api):
    raw = token_for(officer_a)
    api(raw).get(URL)
    assert ApiToken.objects.get(user=officer_a).last_used_at is not None


# --- the page --------------------------------------------------------------------------
def test_the_form_explains_its_errors_in_chinese(as_user, officer_a):
    body = create_on_page(as_user(officer_a), name="  ", days="7").content.decode()
    assert "请填写令牌用途" in body
    assert "请选择有效期" in body
    assert not ApiToken.objects.exists()


def test_at_most_five_live_tokens(as_user, officer_a, token_for):
    for n in range(tokens.MAX_LIVE_TOKENS):
        token_for(officer_a, name=f"第{n}个")
    body = create_on_page(as_user(officer_a)).content.decode()
    assert "最多同时持有 5 个有效令牌" in body
    assert ApiToken.objects.filter(user=officer_a).count() == tokens.MAX_LIVE_TOKENS


def test_nobody_revokes_another_users_token(as_user, officer_a, officer_b, token_for, api):
    raw = token_for(officer_a)
    token = ApiToken.objects.get(user=officer_a)
    response = as_user(officer_b).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        event="permission_denied", object_type="api.apitoken", object_id=str(token.pk)
    ).exists()
    assert api(raw).get(URL).status_code == 200


def test_revoke_is_post_only(as_user, officer_a, token_for):
    token_for(officer_a)
    token = ApiToken.objects.get(user=officer_a)
    assert as_user(officer_a).get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "persona, status",
    [
        ("city_admin", 200),
        ("city_reviewer", 200),
        ("officer_a", 200),
        ("head_a", 200),
        ("worker_a", 200),
        ("inspector", 403),
        ("security_admin", 403),
        ("audit_admin", 403),
    ],
)
def test_the_token_page_is_for_roles_with_data(request, as_user, persona, status):
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/account/tokens/").status_code == status
    assert client.get("/account/tokens/docs/").status_code == status


def test_roles_without_data_cannot_create_tokens(inspector):
    with pytest.raises(ValidationError, match="没有业务数据范围"):
        tokens.create_token(user=inspector, name="x", days=90)


def test_the_menu_offers_the_page_to_city_roles_and_township_officers(
    as_user, city_admin, city_reviewer, officer_a, head_a, worker_a, inspector
):
    menu = re.compile(r'class="nav-link[^"]*"[^>]*href="/account/tokens/"')
    for user, shown in (
        (city_admin, True),
        (city_reviewer, True),
        (officer_a, True),
        (head_a, False),
        (worker_a, False),
    ):
        body = as_user(user).get("/account/tokens/docs/").content.decode()
        assert bool(menu.search(body)) is shown, user.username
        assert any(i.url_name == "api_pages:tokens" for i in nav.items_for(user)) is shown
    assert not any(i.url_name == "api_pages:tokens" for i in nav.items_for(inspector))
