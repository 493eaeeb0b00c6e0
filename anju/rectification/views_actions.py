"""Actions on one entry: its state transitions, progress notes, evidence, and what the
officer does with a draft (accept is a transition; join or discard here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from anju.core import uploads, versions
from anju.core.access import allow
from anju.core.files import open_stored, serve_file
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.rectification import evidence as evidence_checks
from anju.rectification import forms, services, workflow
from anju.rectification.models import Evidence, LedgerEntry, State
from anju.rectification.views import READERS, detail_context, entry_or_404

ACTORS = workflow.OFFICERS | workflow.VERIFIERS
DONE = {
    "accept": "{label}已纳入整改台账。",
    "start": "{label}已开始整改。",
    "submit": "{label}已提交核验，等待乡镇主要负责人或市局核验。",
    "close": "{label}已核验销号。",
    "return": "{label}已退回整改。",
}


def _detail_url(entry, anchor: str = "") -> str:
    url = reverse("rectification:entry_detail", args=[entry.pk])
    return f"{url}#{anchor}" if anchor else url


# --- transitions -----------------------------------------------------------------------------
@versioned
@allow(ACTORS)
@require_POST
def entry_transition(request, pk: int, name: str):
    entry = entry_or_404(request, pk)
    if name not in workflow.TRANSITIONS:
        raise Http404
    reason = request.POST.get("reason", "")[:500]
    try:
        with versions.editing(entry, versions.submitted(request.POST), what=_what(entry)):
            entry = services.transition(
                entry=entry,
                name=name,
                actor=request.user,
                reason=reason,
                expected=request.POST.get("state") or None,
            )
    except versions.StaleEdit as exc:
        return _refused(request, entry, exc, kept={"name": name, "reason": reason})
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, DONE[name].format(label=entry.label))
        if name == "accept" and request.POST.get("next") == "drafts":
            return redirect("rectification:draft_list")
    return redirect(_detail_url(entry))


def _what(entry: LedgerEntry) -> str:
    return f"整改台账{entry.label}"


def _refused(request, entry, exc, kept=None):
    """The entry page as it is now, with the conflict message and what the user typed."""
    versions.refuse(request, exc)
    if exc.current is None:
        return redirect("rectification:ledger_list")
    entry = entry_or_404(request, entry.pk)
    context = detail_context(request, entry, kept=kept or {})
    return render(request, "rectification/entry_detail.html", context, status=versions.CONFLICT)


# --- progress notes --------------------------------------------------------------------------
@allow(services.NOTE_WRITERS)
@require_POST
def note_add(request, pk: int):
    entry = entry_or_404(request, pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                actor=request.user,
                entry=entry,
                text=form.cleaned_data["text"],
                on=form.cleaned_data.get("on"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "已添加整改进展。")
            return redirect(_detail_url(entry, "notes"))
    context = detail_context(request, entry, note_form=form)
    return render(request, "rectification/entry_detail.html", context, status=400)


# --- evidence --------------------------------------------------------------------------------
@csrf_exempt  # checked in _evidence_upload, after the size-limiting upload handler is in place
@allow(services.NOTE_WRITERS)
def evidence_upload(request, pk: int):
    entry = entry_or_404(request, pk)
    limiter, too_large = None, False
    if request.method == "POST":
        too_large = uploads.declared_too_large(request, evidence_checks.max_bytes())
        limiter = uploads.LimitedUploadHandler(request, limit=evidence_checks.max_bytes())
        request.upload_handlers.insert(0, limiter)
    return _evidence_upload(request, entry, limiter, too_large)


@csrf_protect
def _evidence_upload(request, entry, limiter, too_large):
    limit = uploads.human_size(evidence_checks.max_bytes())
    if entry.state == State.CLOSED:
        messages.error(request, f"{entry.label}已销号，不能再上传佐证。")
        return redirect(_detail_url(entry, "evidence"))
    if too_large:
        form = forms.EvidenceForm()
        form.add_error(None, f"文件过大，佐证材料不能超过 {limit}，请压缩后再上传。")
        return _evidence_page(request, entry, form, status=413)
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if limiter is not None and limiter.too_large:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", f"文件过大，佐证材料不能超过 {limit}。")
        elif form.is_valid():
            try:
                checked = evidence_checks.check(form.cleaned_data["file"])
                services.store_checked_evidence(
                    actor=request.user, entry=entry, checked=checked, note=form.cleaned_data["note"]
                )
            except uploads.UploadError as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, _saved_message(checked))
                return redirect(_detail_url(entry, "evidence"))
    return _evidence_page(request, entry, form, status=400 if form.errors else 200)


def _saved_message(checked) -> str:
    if not checked.is_image:
        return f"已上传佐证文件“{checked.name}”。"
    when = (
        f"拍摄时间 {timezone.localtime(checked.taken_at):%Y-%m-%d %H:%M}"
        if checked.taken_at
        else "照片中没有拍摄时间"
    )
    return f"已上传佐证照片“{checked.name}”，{when}。"


def _evidence_page(request, entry, form, status=200):
    return render(
        request,
        "rectification/evidence_form.html",
        {
            "entry": entry,
            "form": form,
            "max_size": uploads.human_size(evidence_checks.max_bytes()),
            "accept": evidence_checks.ACCEPT,
        },
        status=status,
    )


@allow(READERS)
def evidence_file(request, pk: int, evidence_pk: int):
    """A stored evidence file, only through the entry's scope. Served as an attachment
    with nosniff; re-encoded photos may be shown inline (``?view=1``), sandboxed."""
    entry = entry_or_404(request, pk)
    item = get_scoped_or_404(request, Evidence.objects.filter(entry=entry), pk=evidence_pk)
    if item.content_type not in ("image/jpeg", "image/png", "application/pdf"):
        raise Http404
    handle = open_stored(item.file.name, missing="佐证文件缺失")
    extension = {"image/jpeg": ".jpg", "image/png": ".png"}.get(item.content_type, ".pdf")
    inline = request.GET.get("view") == "1" and item.content_type.startswith("image/")
    name = f"整改佐证-{entry.number or '草稿'}-{item.pk}{extension}"
    return serve_file(handle, name=name, content_type=item.content_type, inline=inline)


# --- drafts ----------------------------------------------------------------------------------
@versioned
@allow(services.WRITERS)
@require_POST
def draft_discard(request, pk: int):
    draft = entry_or_404(request, pk)
    try:
        with versions.editing(draft, versions.submitted(request.POST), what=_what(draft)):
            services.discard_draft(actor=request.user, entry=draft)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
        return redirect("rectification:draft_list")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已放弃该草稿。")
    return redirect("rectification:draft_list")


@versioned
@allow(services.WRITERS)
@require_POST
def draft_join(request, pk: int):
    draft = entry_or_404(request, pk)
    into_id = request.POST.get("into") or ""
    into = None
    if into_id.isdigit():
        into = LedgerEntry.objects.for_user(request.user).filter(pk=int(into_id)).first()
    if into is None:
        messages.error(request, "请选择要并入的台账条目。")
        return redirect("rectification:draft_list")
    try:
        with versions.editing(draft, versions.submitted(request.POST), what=_what(draft)):
            services.join_draft(actor=request.user, draft=draft, into=into)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
        return redirect("rectification:draft_list")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("rectification:draft_list")
    messages.success(request, f"已把草稿并入{into.label}。")
    return redirect(_detail_url(into))
