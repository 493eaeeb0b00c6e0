"""Pages of the registry workbook: upload and import, the result with every problem, the
import history, the template download and the export.

Thin: the work is in ``anju.registry.io`` (services, exporter, template). Who may do what:
importing — ``IMPORTERS`` (city admin and reviewer for the county, township officers for
their township); the results and history — importers and township heads, through
``ImportBatch.objects.for_user``; the template — everyone who works with the registry; the
export — every business role within their scope, full numbers only for ``UNMASK`` roles.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anju.accounts.roles import BUSINESS, IMPORTERS, TOWNSHIP
from anju.core import uploads
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export
from anju.core.files import serve_file
from anju.core.scoping import get_scoped_or_404
from anju.registry.io import exporter, services, template
from anju.registry.io.audit import record_registry_export
from anju.registry.io.forms import ConfirmForm, ExportForm, ImportForm
from anju.registry.io.problems import LEVEL_LABELS, problems_workbook
from anju.registry.io.readers import FileRefused, max_bytes
from anju.registry.models import ImportBatch

VIEWERS = IMPORTERS | TOWNSHIP
Status, Mode = ImportBatch.Status, ImportBatch.Mode
PROBLEMS_PER_PAGE = 50


# --- import ------------------------------------------------------------------------------
@csrf_exempt  # the token is checked in uploads.upload_page, once the size is acceptable
@allow(IMPORTERS)
def import_upload(request):
    def start(data):
        batch = services.start(
            user=request.user,
            uploaded=data["file"],
            mode=data["mode"],
            create_villages=data["create_villages"],
        )
        return redirect("registry:import_detail", pk=batch.pk)

    return uploads.upload_page(
        request,
        form_class=ImportForm,
        limit=max_bytes(),
        start=start,
        page=_upload_page,
        refuse=lambda message: services.refuse_upload("", message=message),
        advice="请按乡镇拆分后分别导入。",
    )


def _upload_page(request, form, *, status: int):
    recent = ImportBatch.objects.for_user(request.user).select_related("user").defer("problems")
    return render(
        request, "registry/io/upload.html", {"form": form, "recent": recent[:5]}, status=status
    )


@allow(BUSINESS)
def import_template(request):
    return serve_file(
        template.build(), name="农户住房信息导入模板.xlsx", content_type=exporter.XLSX
    )


@allow(VIEWERS)
def import_history(request):
    batches = ImportBatch.objects.for_user(request.user).select_related("user", "township")
    page = Paginator(batches.defer("problems"), 30).get_page(request.GET.get("page"))
    return render(request, "registry/io/history.html", {"page": page})


def _batch(request, pk: int) -> ImportBatch:
    """The batch, in the user's scope; one whose process died is marked failed on read."""
    queryset = ImportBatch.objects.select_related("user", "township")
    return services.reap(get_scoped_or_404(request, queryset, pk=pk))


@allow(VIEWERS)
def import_detail(request, pk: int):
    batch = _batch(request, pk)
    level = request.GET.get("level", "")
    problems = batch.problems
    if level in LEVEL_LABELS:
        problems = [p for p in problems if p["level"] == level]
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    counts = dict.fromkeys(LEVEL_LABELS, 0)
    for p in batch.problems:
        counts[p["level"]] = counts.get(p["level"], 0) + 1
    valid_rows = batch.total_rows - batch.skipped
    own = batch.user_id == request.user.pk and request.user.role in IMPORTERS
    can_follow = own and bool(batch.upload) and batch.status in (Status.CHECKED, Status.BLOCKED)
    can_retry = own and bool(batch.upload) and batch.crashed
    return render(
        request,
        "registry/io/detail.html",
        {
            "batch": batch,
            "page": page,
            "level": level,
            "levels": [(k, v, counts.get(k, 0)) for k, v in LEVEL_LABELS.items()],
            "summary": batch.summary or {},
            "can_import_all": can_follow and batch.total_rows and not batch.error_count,
            "can_import_valid": can_follow and batch.skipped and valid_rows > 0,
            "valid_rows": valid_rows,
            "can_retry": can_retry,
        },
    )


@allow(VIEWERS)
def import_status(request, pk: int):
    batch = _batch(request, pk)
    response = render(request, "registry/io/_progress.html", {"batch": batch})
    if batch.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@allow(VIEWERS)
def import_problems(request, pk: int):
    batch = _batch(request, pk)
    data = problems_workbook(batch.problems)
    stem = Path(batch.filename).stem
    return serve_file(data, name=f"{stem}-问题清单.xlsx", content_type=exporter.XLSX)


@allow(IMPORTERS)
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择导入方式。")
        return redirect("registry:import_detail", pk=batch.pk)
    try:
        follow = services.follow_up(batch=batch, user=request.user, mode=form.cleaned_data["mode"])
    except FileRefused as exc:
        messages.error(request, str(exc))
        return redirect("registry:import_detail", pk=batch.pk)
    return redirect("registry:import_detail", pk=follow.pk)


@allow(IMPORTERS)
@require_POST
def import_retry(request, pk: int):
    """Run again, in its own mode, a batch whose process died (its file is still stored)."""
    batch = _batch(request, pk)
    try:
        follow = services.follow_up(batch=batch, user=request.user, mode=batch.mode)
    except FileRefused as exc:
        messages.error(request, str(exc))
        return redirect("registry:import_detail", pk=batch.pk)
    return redirect("registry:import_detail", pk=follow.pk)


# --- export ------------------------------------------------------------------------------
@allow(BUSINESS)
def export_registry(request):
    user = request.user
    form = ExportForm(request.POST or None, user=user)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "registry/io/export.html", {"form": form}, status=status)
    township, village = form.cleaned_data["township"], form.cleaned_data["village"]
    unmasked = bool(form.cleaned_data.get("unmasked"))
    reason = form.cleaned_data["reason"]
    queryset = exporter.households_for(user, township=township, village=village)
    try:
        authorize_export(request, rows=queryset.count(), unmasked=unmasked, reason=reason)
    except ExportRefused as exc:
        form.add_error("reason" if exc.status == 400 else None, str(exc))
        return render(request, "registry/io/export.html", {"form": form}, status=exc.status)
    fmt = form.cleaned_data["fmt"]
    folder = Path(settings.DATA_DIR) / "tmp" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    try:
        result = exporter.export(queryset, path, fmt=fmt, unmasked=unmasked)
        record_registry_export(
            filters={
                "township": township.code if township else "",
                "village": village.code if village else "",
            },
            result=result,
            unmasked=unmasked,
            reason=reason,
            fmt=fmt,
        )
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until it is sent
    where = (village or township or user.unit).name
    filename = f"农户住房信息（{where}，{timezone.localdate():%Y-%m-%d}）.{fmt}"
    content_type = exporter.XLSX if fmt == "xlsx" else exporter.CSV
    return serve_file(handle, name=filename, content_type=content_type)
