"""The list-import pages (issue #18 part 1): upload a 防返贫监测 or 民政 list, its preview
with every problem, 确认导入, the progress of a background run, the versions and what
changed between them. Thin: the work is in ``uploads.py`` and ``selectors.py``.

Importing — the city roles (``services.LIST_IMPORTERS``: the lists arrive at the county
bureau); the versions and their changes — city and township roles, a township's people
seeing their own township's households only."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP
from anju.core import uploads as file_checks
from anju.core.access import allow, forbidden
from anju.core.files import serve_file
from anju.monitoring import selectors, uploads
from anju.monitoring.forms import ListUploadForm
from anju.monitoring.services import LIST_IMPORTERS
from anju.registry.io.exporter import XLSX
from anju.registry.io.problems import problems_workbook
from anju.registry.io.readers import FileRefused, max_bytes

VIEWERS = CITY | TOWNSHIP


@csrf_exempt  # the token is checked in uploads.upload_page, once the size is acceptable
@allow(VIEWERS)
def lists(request):
    if request.method == "POST" and request.user.role not in LIST_IMPORTERS:
        return forbidden(request, reason="role not in the list importers")

    def start(data):
        version = uploads.start(user=request.user, uploaded=data["file"], source=data["source"])
        return redirect("monitoring:version", pk=version.pk)

    return file_checks.upload_page(
        request,
        form_class=ListUploadForm,
        limit=max_bytes(),
        start=start,
        page=_page,
        refuse=lambda message: uploads.refuse_upload("", message),
    )


def _page(request, form, *, status: int):
    context = selectors.lists_context(request.user, request.GET.get("page"))
    return render(request, "monitoring/lists.html", {"form": form, **context}, status=status)


def _version(request, pk: int):
    return uploads.reap(selectors.version_or_404(request.user, pk))


@allow(VIEWERS)
def version(request, pk: int):
    found = _version(request, pk)
    context = selectors.version_context(
        request.user,
        found,
        show=request.GET.get("show", ""),
        page=request.GET.get("page"),
        level=request.GET.get("level", ""),
    )
    return render(request, "monitoring/version.html", context)


@allow(VIEWERS)
def version_status(request, pk: int):
    found = _version(request, pk)
    response = render(request, "monitoring/_progress.html", {"version": found})
    if found.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@allow(LIST_IMPORTERS)
def version_problems(request, pk: int):
    found = _version(request, pk)
    name = f"{Path(found.filename).stem}-问题清单.xlsx"
    return serve_file(problems_workbook(found.problems), name=name, content_type=XLSX)


@allow(LIST_IMPORTERS)
@require_POST
def version_confirm(request, pk: int):
    found = _version(request, pk)
    try:
        follow = uploads.confirm(version=found, user=request.user)
    except FileRefused as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:version", pk=found.pk)
    return redirect("monitoring:version", pk=follow.pk)
