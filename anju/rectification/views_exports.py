"""Downloads of the ledger: the official 整改台账, the internal ledger, the county roll-up.

POST only (each download writes an audit record, and GET never writes); each is
authorised (rate limit, a reason for bulk files) and recorded with its row count and the
file's SHA-256 (SECURITY.md row 19). The workbooks contain no personal data.
"""

from __future__ import annotations

from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import serve_file
from anju.rectification import selectors, workbooks
from anju.rectification.models import LedgerEntry
from anju.rectification.views import MANAGERS


def _township(request, *, required: bool):
    """The township of the download: a township user's own; for the city the one chosen
    (404 when it is not in the user's scope)."""
    user = request.user
    value = request.POST.get("township") or ""
    if not selectors.is_city(user):
        if value and value != str(user.unit_id):
            raise Http404("不存在或无权查看")
        return user.unit
    if not value:
        if required:
            raise Http404("请选择乡镇")
        return None
    township = (
        selectors.townships_for(user).filter(pk=int(value)).first() if value.isdigit() else None
    )
    if township is None:
        raise Http404("不存在或无权查看")
    return township


def _refused(request, exc: ExportRefused):
    return render(
        request, "rectification/export_refused.html", {"message": str(exc)}, status=exc.status
    )


def _file(data: bytes, filename: str) -> HttpResponseBase:
    return serve_file(data, name=filename, content_type=workbooks.XLSX)


@allow(MANAGERS)
@require_POST
@needs_round  # a ledger page opened before the last round closed
def export_official(request):
    township = _township(request, required=True)
    campaign = Campaign.objects.current(request.user)
    reason = request.POST.get("reason", "")
    rows = LedgerEntry.objects.in_ledger().filter(campaign=campaign, township=township).count()
    try:
        authorize_export(request, rows=rows, unmasked=False, reason=reason)
    except ExportRefused as exc:
        return _refused(request, exc)
    today = selectors.today()
    data, count = workbooks.official(township, campaign, as_of=today)
    record_export(
        what="rectification.official_ledger",
        filters={"township": township.code, "campaign": campaign.pk},
        rows=count,
        content=data,
        unmasked=False,
        reason=reason,
    )
    return _file(data, f"{township.name}整改台账（{today:%Y-%m-%d}）.xlsx")


@allow(MANAGERS)
@require_POST
@needs_round  # a ledger page opened before the last round closed
def export_internal(request):
    user = request.user
    township = _township(request, required=False)
    campaign = Campaign.objects.current(user)
    entries = LedgerEntry.objects.for_user(user).in_ledger().filter(campaign=campaign)
    if township is not None:
        entries = entries.filter(township=township)
    reason = request.POST.get("reason", "")
    try:
        authorize_export(request, rows=entries.count(), unmasked=False, reason=reason)
    except ExportRefused as exc:
        return _refused(request, exc)
    today = selectors.today()
    where = township.name if township else selectors.county_of(user).name
    data, count = workbooks.internal(entries, title=f"{where}整改台账（内部完整版）", today=today)
    record_export(
        what="rectification.internal_ledger",
        filters={"township": township.code if township else "", "campaign": campaign.pk},
        rows=count,
        content=data,
        unmasked=False,
        reason=reason,
    )
    return _file(data, f"{where}整改台账内部完整版（{today:%Y-%m-%d}）.xlsx")


@allow(CITY)
@require_POST
@needs_round  # a ledger page opened before the last round closed
def export_county(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    townships = list(selectors.townships_for(user))
    reason = request.POST.get("reason", "")
    try:
        authorize_export(request, rows=len(townships), unmasked=False, reason=reason)
    except ExportRefused as exc:
        return _refused(request, exc)
    today = selectors.today()
    county = selectors.county_of(user)
    data, count = workbooks.county(campaign, townships, county_name=county.name, today=today)
    record_export(
        what="rectification.county_rollup",
        filters={"county": county.code, "campaign": campaign.pk},
        rows=count,
        content=data,
        unmasked=False,
        reason=reason,
    )
    return _file(data, f"{county.name}整改台账汇总（{today:%Y-%m-%d}）.xlsx")
