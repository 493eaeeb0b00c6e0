"""How every API view is guarded: a bearer token, not a session (SECURITY.md rows 7, 9).

    @api_view
    def households(request): ...

``api_view`` marks the view ``public`` for the URL-walking access test (no session login
applies) and does the check itself: GET only (else 405), ``Authorization: Bearer <token>``
(else 401 with ``WWW-Authenticate``), the per-token rate limit (else 429). While the view
runs, ``request.user`` is the token's user and the audit actor is that user, so
``for_user`` and ``get_scoped_or_404`` scope the data exactly as the pages do; an
out-of-scope or unknown id is a JSON 404. CSRF does not apply: no cookie authenticates.
"""

from __future__ import annotations

import functools

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from anju.api import tokens
from anju.audit.context import acting_as, client_ip
from anju.core.access import public

JSON_PARAMS = {"ensure_ascii": False}
# The charset spelled out: some Windows clients (PowerShell 5) read JSON without it as Latin-1.
JSON_TYPE = "application/json; charset=utf-8"
NOT_FOUND = "不存在或无权查看。"
MISSING = "缺少访问令牌：请在请求头中提供 Authorization: Bearer <令牌>。"
METHOD = "接口只支持 GET 请求。"


class BadRequest(Exception):
    """A query parameter the API cannot use; the message names the parameter."""


def json_response(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(
        payload, status=status, json_dumps_params=JSON_PARAMS, content_type=JSON_TYPE
    )


def error(status: int, message: str, **headers) -> JsonResponse:
    response = json_response({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_view(view=None, *, allow_session: bool = False):
    """Guard an API view. ``allow_session`` also admits a logged-in user of an API role
    (only for the OpenAPI document, which holds no data, so the docs page can link it)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET":
                return error(405, METHOD, Allow="GET")
            user = getattr(request, "user", None)
            if (
                allow_session
                and user is not None
                and user.is_authenticated
                and user.role in tokens.API_ROLES
            ):
                return _run(view, request, args, kwargs)
            raw = bearer(request)
            if raw is None:
                return error(401, MISSING, WWW_Authenticate='Bearer realm="anju"')
            try:
                token = tokens.authenticate(raw)
            except tokens.Refused as refused:
                return error(
                    401,
                    refused.message,
                    WWW_Authenticate='Bearer realm="anju", error="invalid_token"',
                )
            request.user = token.user
            request.api_token = token
            with acting_as(token.user, ip=client_ip(request)):
                allowed, retry = tokens.count_request(token)
                if not allowed:
                    return error(
                        429,
                        f"请求过于频繁：每个令牌每分钟最多 {tokens.rate_per_minute()} 次，"
                        f"请 {retry} 秒后再试。",
                        Retry_After=str(retry),
                    )
                return _run(view, request, args, kwargs)

        return public(csrf_exempt(wrapped))

    return decorate(view) if view is not None else decorate


def _run(view, request, args, kwargs):
    try:
        response = view(request, *args, **kwargs)
    except Http404:
        return error(404, NOT_FOUND)
    except BadRequest as exc:
        return error(400, str(exc))
    response["Cache-Control"] = "no-store"
    return response
