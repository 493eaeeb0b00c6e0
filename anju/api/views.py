"""The JSON API (DESIGN.md §6): read-only, token-authenticated, scoped like the pages.

Thin views: parameters and querysets in ``selectors``, the shape in ``serializers``, the
guard in ``auth.api_view``. A response that carries personal data (every non-empty one:
names and masked numbers) writes one ``export`` audit record with the endpoint, the filters,
the row count and the SHA-256 of the body, marked ``channel: api`` (SECURITY.md rows 10, 19).
"""

from __future__ import annotations

import hashlib

from django.http import JsonResponse
from django.utils import timezone

from anju.api import openapi, selectors, serializers
from anju.api.auth import api_view, json_response
from anju.audit.events import Event
from anju.audit.services import record
from anju.core.scoping import get_scoped_or_404


def _respond(request, payload: dict, *, what: str, filters: dict, rows: int) -> JsonResponse:
    response = json_response(payload)
    if rows:
        token = getattr(request, "api_token", None)
        record(
            Event.API_READ,
            object_label=what,
            object_pk=str(payload.get("id", "")),
            detail={
                "channel": "api",
                "endpoint": request.path,
                "filters": filters,
                "after": request.GET.get("after", ""),
                "rows": rows,
                "sha256": hashlib.sha256(response.content).hexdigest(),
                "unmasked": False,
                "reason": token.name if token else "",
                "token": token.prefix if token else "",
            },
        )
    return response


def _list(request, qs, filters: dict, *, what: str, serialize, fields=()) -> JsonResponse:
    page = selectors.page(qs, request, filters, fields=fields)
    payload = {
        "results": [serialize(row) for row in page.rows],
        "next": page.next,
        "limit": page.limit,
    }
    return _respond(request, payload, what=what, filters=filters, rows=len(page.rows))


@api_view
def households(request):
    qs, filters = selectors.households(request.user, request.GET)
    return _list(
        request,
        qs,
        filters,
        what="registry.household",
        serialize=serializers.household,
        fields=selectors.HOUSEHOLD_VALUES,
    )


@api_view
def household_detail(request, pk: int):
    selectors.check_params(request.GET, ())
    get_scoped_or_404(request, selectors.household_scope(), pk=pk)
    payload = serializers.household_detail(*selectors.household_detail(pk))
    return _respond(request, payload, what="registry.household", filters={}, rows=1)


@api_view
def findings(request):
    qs, filters = selectors.findings(request.user, request.GET)
    return _list(
        request,
        qs,
        filters,
        what="screening.finding",
        serialize=serializers.finding,
        fields=selectors.FINDING_VALUES,
    )


@api_view
def ledger(request):
    qs, filters = selectors.ledger(request.user, request.GET)
    today = timezone.localdate()
    return _list(
        request,
        qs,
        filters,
        what="rectification.ledgerentry",
        serialize=lambda e: serializers.ledger_entry(e, today),
    )


@api_view
def ledger_detail(request, pk: int):
    selectors.check_params(request.GET, ())
    entry = get_scoped_or_404(request, selectors.ledger_detail_qs(request.user), pk=pk)
    payload = serializers.ledger_entry_detail(entry, timezone.localdate())
    return _respond(request, payload, what="rectification.ledgerentry", filters={}, rows=1)


@api_view(allow_session=True)
def openapi_document(request):
    return json_response(openapi.document())
