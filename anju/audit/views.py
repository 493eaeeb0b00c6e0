from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.roles import ALL, CITY, Role
from anju.audit import anchors as anchor_files
from anju.audit import display, export
from anju.audit.models import AuditEvent
from anju.core import crypto
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import serve_file
from anju.core.scoping import get_scoped_or_404


def _log_page(request, form, *, export_error: str = "", status: int = 200):
    form.is_valid()  # an invalid filter counts as not set (and shows its error)
    values = form.values()
    events = export.filtered(AuditEvent.objects.all(), values)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": display.readable(page),
            "form": form,
            "filters": values,
            "events": form.fields["event"].choices[1:],
            "event": values["event"],
            "username": values["username"],
            "bulk_rows": settings.EXPORT_BULK_ROWS,
            "max_rows": export.MAX_ROWS,
            "export_error": export_error,
        },
        status=status,
    )


@allow(Role.AUDIT_ADMIN)
def audit_log(request):
    return _log_page(request, export.LogFilter(request.GET))


@allow(Role.AUDIT_ADMIN)
@require_POST
def export_log(request):
    """The filtered audit log as .xlsx (or CSV with ``format=csv``), itself audited:
    rows, filters, reason and the file's SHA-256 (SECURITY.md rows 8, 19)."""
    form = export.LogFilter(request.POST)
    fmt = request.POST.get("format") or request.GET.get("format") or "xlsx"
    if fmt not in export.FORMATS:
        return _log_page(request, form, export_error="不支持的导出格式。", status=400)
    if not form.is_valid():
        return _log_page(request, form, export_error="筛选条件有误，请修改后再导出。", status=400)
    values = form.values()
    reason = request.POST.get("reason", "").strip()[:200]
    # Rows appended while the file is written (this export's own record, say) stay out.
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events = export.filtered(AuditEvent.objects.filter(id__lte=last), values)
    rows = events.count()
    if rows > export.MAX_ROWS:
        message = (
            f"符合条件的审计记录有 {rows} 条，超过单次导出上限 {export.MAX_ROWS} 条，"
            "请缩小日期范围后分批导出。"
        )
        return _log_page(request, form, export_error=message, status=400)
    try:
        authorize_export(request, rows=rows, unmasked=False, reason=reason)
    except ExportRefused as exc:
        return _log_page(request, form, export_error=str(exc), status=exc.status)
    data, count = export.export(events, fmt)
    record_export(
        what="审计日志",
        filters={**values, "format": fmt, "last_id": last},
        rows=count,
        content=data,
        unmasked=False,
        reason=reason,
    )
    name = f"审计日志（{timezone.localdate():%Y-%m-%d}）.{fmt}"
    return serve_file(data, name=name, content_type=export.XLSX if fmt == "xlsx" else export.CSV)


@allow(Role.AUDIT_ADMIN)
def anchors(request):
    """The chain's head now, signed, and the anchors written outside the database: a page
    for the audit administrator to print and file (SECURITY.md row 11, docs/adr/0012).
    The whole chain is verified by ``verify_audit`` (daily), not on each page view."""
    head = anchor_files.current_head()
    now = timezone.now()
    signed = anchor_files.sign(head.body(seq=0, at=now, reason="manual"))
    listed = anchor_files.read_all()
    return render(
        request,
        "audit/anchors.html",
        {
            "head": head,
            "signed": signed,
            "now": now,
            "anchors": list(reversed(listed))[:60],
            "total": len(listed),
            "folder": anchor_files.directory(),
            "algorithm": crypto.audit_algorithm()[0],
            "key_id": crypto.audit_key_id(),
        },
    )


# 三权分立 (SECURITY.md row 8): the system administrator reads no audit records, not even
# one record's history; everyone else reads the history of records in their scope.
HISTORY_ROLES = ALL - {Role.CITY_ADMIN}


@allow(HISTORY_ROLES)
def history(request, label: str, pk: str):
    """The change history of one record, for users whose scope covers the record."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    queryset = model._default_manager.all()
    if hasattr(queryset, "for_user"):
        obj = get_scoped_or_404(request, queryset, pk=pk)
    elif request.user.role in CITY | {Role.AUDIT_ADMIN, Role.SECURITY_ADMIN}:
        obj = queryset.filter(pk=pk).first()
        if obj is None:
            raise Http404
    else:
        raise Http404
    events = display.readable(AuditEvent.objects.for_object(obj).order_by("-id")[:200])
    return render(request, "audit/history.html", {"obj": obj, "events": events})
