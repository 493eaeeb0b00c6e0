"""The pages of the API for people: 接口令牌 (create, list, revoke) and 接口说明.

A new token is shown once, in the response to the form that created it; afterwards only
its prefix is known. Creating and revoking are audited by the model (create/update records).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.api import forms, openapi, tokens
from anju.api.models import ApiToken
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.core.access import allow


@allow(tokens.API_ROLES)
def token_list(request):
    form = forms.TokenForm(request.POST or None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = tokens.create_token(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                for message in exc.messages:
                    form.add_error(None, message)
        else:
            form = forms.TokenForm()
    context = {
        "form": form,
        "created": created,
        "raw": raw,
        "tokens": tokens.tokens_of(request.user),
        "rate": tokens.rate_per_minute(),
        "max_live": tokens.MAX_LIVE_TOKENS,
    }
    return render(request, "api/tokens.html", context)


@allow(tokens.API_ROLES)
@require_POST
def token_revoke(request, pk: int):
    owned = ApiToken.objects.filter(pk=pk).values_list("user_id", flat=True).first()
    if owned != request.user.pk:  # only one's own tokens; another's is a denied attempt
        if owned is not None:
            record(
                Event.PERMISSION_DENIED,
                outcome=Outcome.DENIED,
                object_label="api.apitoken",
                object_pk=str(pk),
                detail={"path": request.path, "method": request.method, "reason": "not owner"},
            )
        raise Http404("不存在或无权查看")
    token = tokens.revoke_token(user=request.user, pk=pk)
    messages.success(request, f"令牌 {token.prefix}…（{token.name}）已撤销，立即失效。")
    return redirect("api_pages:tokens")


@allow(tokens.API_ROLES)
def docs(request):
    doc = openapi.document()
    parameters = doc["components"]["parameters"]
    endpoints = []
    for path, item in doc["paths"].items():
        op = item["get"]
        params = [parameters[p["$ref"].rsplit("/", 1)[1]] for p in op["parameters"]]
        endpoints.append(
            {
                "path": doc["servers"][0]["url"] + path,
                "summary": op["summary"],
                "description": op["description"],
                "parameters": params,
                "schema": op["responses"]["200"]["content"]["application/json"]["schema"][
                    "$ref"
                ].rsplit("/", 1)[1],
            }
        )
    return render(
        request,
        "api/docs.html",
        {"endpoints": endpoints, "info": doc["info"], "rate": tokens.rate_per_minute()},
    )
