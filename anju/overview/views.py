"""The overview pages: the county (city roles), a township (its own people, or the city
drilling down), their chart data as JSON, the refresh button, and the county summary.

Thin: numbers come from ``selectors`` (the latest snapshot, cut to the user's scope);
a township is fetched with ``get_scoped_or_404`` so another township's page is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP
from anju.campaigns.models import Campaign
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import serve_file
from anju.core.redirects import safe_next
from anju.core.scoping import get_scoped_or_404
from anju.overview import charts, selectors, services, summary
from anju.units.models import Unit

VIEWERS = CITY | TOWNSHIP
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _township(request, pk: int) -> Unit:
    return get_scoped_or_404(request, Unit.objects.townships(), pk=pk)


def _sort(request) -> tuple[str, bool | None]:
    sort = request.GET.get("sort", "rank")
    if sort not in selectors.SORTS:
        sort = "rank"
    order = request.GET.get("order")
    return sort, {"asc": False, "desc": True}.get(order)


@allow(VIEWERS)
def index(request):
    """The city's county overview; a township user lands on their own township's page."""
    if request.user.role in TOWNSHIP:
        return _township_page(request, _township(request, request.user.unit_id))
    sort, descending = _sort(request)
    ov = selectors.county(request.user, sort=sort, descending=descending)
    desc = selectors.SORTS[sort][1] if descending is None else descending
    columns = [
        {
            "key": key,
            "label": label,
            "active": key == sort,
            "arrow": ("↓" if desc else "↑") if key == sort else "",
            "href": f"?sort={key}" + (f"&order={'asc' if desc else 'desc'}" if key == sort else ""),
        }
        for key, (label, _) in selectors.SORTS.items()
    ]
    return render(
        request,
        "overview/county.html",
        {
            "ov": ov,
            "sort": sort,
            "columns": columns,
            "can_refresh": request.user.role in CITY,
            "timeliness": selectors.TIMELINESS,
        },
    )


@allow(VIEWERS)
def township(request, pk: int):
    return _township_page(request, _township(request, pk))


def _township_page(request, unit: Unit):
    ov = selectors.township(request.user, unit)
    return render(
        request,
        "overview/township.html",
        {
            "ov": ov,
            "is_city": request.user.role in CITY,
            "can_refresh": request.user.role in CITY,
            "timeliness": selectors.TIMELINESS,
        },
    )


@allow(CITY)
def county_data(request):
    ov = selectors.county(request.user)
    return JsonResponse(_chart_payload(ov, charts.county(ov) if ov.snapshot else {}))


@allow(VIEWERS)
def township_data(request, pk: int):
    unit = _township(request, pk)
    ov = selectors.township(request.user, unit)
    return JsonResponse(_chart_payload(ov, charts.township(ov) if ov.snapshot else {}))


def _chart_payload(ov, data: dict) -> dict:
    snap = ov.snapshot
    return {
        "computed_at": timezone.localtime(snap.started_at).isoformat() if snap else None,
        "charts": data,
    }


@allow(CITY)
@require_POST
def refresh(request):
    campaign = Campaign.objects.current(request.user)
    back = safe_next(request, "overview:index")
    target = back if back.startswith("/overview/") else "overview:index"
    if campaign is None:
        messages.error(request, "尚无进行中的“回头看”工作，无法统计。")
        return redirect(target)
    snapshot = services.request_refresh(actor=request.user, campaign=campaign)
    if snapshot is None:
        messages.info(request, "正在重新统计，请稍后刷新本页查看。")
    else:
        snapshot.refresh_from_db()
        if snapshot.status == snapshot.Status.DONE:
            messages.success(request, f"已重新统计（用时 {snapshot.seconds:.1f} 秒）。")
        elif snapshot.status == snapshot.Status.FAILED:
            messages.error(request, f"统计失败：{snapshot.error}")
        else:
            messages.info(request, "已开始重新统计，完成后刷新本页即可看到新数字。")
    return redirect(target)


def _summary_overview(request):
    ov = selectors.county(request.user)
    if ov.snapshot is None:
        return None
    return ov


def _refused(request, message: str, status: int):
    return render(request, "overview/refused.html", {"message": message}, status=status)


def _download(request, *, kind: str):
    ov = _summary_overview(request)
    if ov is None:
        return _refused(request, "尚未统计全县概览，请先在全县概览页点击“重新统计”。", 409)
    reason = request.POST.get("reason", "")
    try:
        authorize_export(request, rows=len(ov.rows), unmasked=False, reason=reason)
    except ExportRefused as exc:
        return _refused(request, str(exc), exc.status)
    today = timezone.localdate()
    county = ov.snapshot.meta.get("county", "")
    if kind == "docx":
        data, content_type = summary.docx(ov, day=today), DOCX
        name = f"{county}农村危房改造“回头看”工作进展情况的报告（{today:%Y-%m-%d}）.docx"
    else:
        data, content_type = summary.xlsx(ov), XLSX
        name = f"{county}农村危房改造“回头看”工作进展汇总表（{today:%Y-%m-%d}）.xlsx"
    record_export(
        what=f"overview.county_summary.{kind}",
        filters={"snapshot": ov.snapshot.pk, "campaign": ov.campaign.pk},
        rows=len(ov.rows),
        content=data,
        unmasked=False,
        reason=reason,
    )
    return serve_file(data, name=name, content_type=content_type)


@allow(CITY)
@require_POST
def summary_docx(request):
    return _download(request, kind="docx")


@allow(CITY)
@require_POST
def summary_xlsx(request):
    return _download(request, kind="xlsx")
