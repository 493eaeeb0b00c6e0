"""The final-submission pages: the city's list of townships × status, the township's own
page (narrative, draft files, signing, the sealed scan, history) and one submission with
its review. Thin: the work is in ``services``; every view has an access rule, submissions
come through ``get_scoped_or_404`` (another township's are 404) and every file download is
an audited export (``anju.core.exports``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.acceptance import forms, selectors, services
from anju.acceptance.models import FinalSubmission, SealedScan
from anju.accounts import reauth
from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import versions
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import serve_file
from anju.core.scoping import get_scoped_or_404
from anju.core.transitions import take_with_reason
from anju.core.versions import versioned
from anju.reporting import selectors as reporting_selectors

VIEWERS = CITY | TOWNSHIP
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _submission(request, pk: int) -> FinalSubmission:
    return get_scoped_or_404(
        request,
        FinalSubmission.objects.select_related("campaign", "township", "township__parent"),
        pk=pk,
    )


# --- the index: the city's list, or the township's own page -----------------------------
@allow(VIEWERS)
def index(request, form=None, scan_form=None, status=200):
    user = request.user
    campaign = Campaign.objects.current(user)
    if reporting_selectors.is_city(user):
        return render(request, "acceptance/city.html", selectors.city_context(user, campaign))
    context = selectors.township_context(user, campaign, form=form, scan_form=scan_form)
    return render(request, "acceptance/township.html", context, status=status)


@versioned
@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def prepare(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    if campaign is None:
        raise Http404("尚无“回头看”工作")
    form = forms.NarrativeForm(request.POST)
    if form.is_valid():
        text = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        live = FinalSubmission.objects.filter(campaign=campaign, township=user.unit).live()
        try:
            with versions.editing_first(
                live, form.submitted_version(), what="本乡镇的总结验收材料"
            ):
                submission = services.prepare(
                    actor=user, campaign=campaign, township=user.unit, **text
                )
        except versions.StaleEdit as exc:
            versions.refuse(request, exc, form)
            return index.__wrapped__(request, form=form, status=versions.CONFLICT)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except services.AcceptanceError as exc:
            messages.error(request, str(exc))
            return redirect("acceptance:index")
        else:
            messages.success(
                request,
                f"已生成整改报告和整改台账（台账 {submission.entry_count} 条），"
                "请乡镇主要负责人审阅后在系统中签字。",
            )
            return redirect("acceptance:index")
    return index.__wrapped__(request, form=form)


# --- one submission -------------------------------------------------------------------------
@allow(VIEWERS)
def detail(request, pk: int, return_form=None, scan_form=None, reopen_form=None, status=200):
    s = _submission(request, pk)
    context = selectors.detail_context(request.user, s)
    context["versions"] = selectors.versions_of(request.user, s)
    if context["can_review"]:
        context["return_form"] = return_form or forms.ReturnForm(version=versions.version_of(s))
    if context["can_reopen"]:
        context["reopen_form"] = reopen_form or forms.ReopenForm(version=versions.version_of(s))
    if context["can_upload"]:
        context["scan_form"] = scan_form or forms.ScanForm()
    return render(request, "acceptance/detail.html", context, status=status)


def _what(s: FinalSubmission) -> str:
    return f"{s.township.name}的总结验收材料"


def _guard(request, s: FinalSubmission, submitted=None):
    """Lock the submission and compare the version the page was opened on."""
    if submitted is None:
        submitted = versions.submitted(request.POST)
    return versions.editing(s, submitted, what=_what(s))


def _back(request, s: FinalSubmission):
    """Township users act from their own page; the city from the submission's page."""
    if request.POST.get("next") == "index" and request.user.unit_id == s.township_id:
        return redirect("acceptance:index")
    return redirect("acceptance:detail", pk=s.pk)


@versioned
@allow(Role.TOWNSHIP_HEAD)
@require_POST
def sign(request, pk: int):
    """签字确认: the head types the password (or the TOTP code) again."""
    s = _submission(request, pk)
    submitted = versions.submitted(request.POST)
    try:
        # A stale page is refused before the password is asked; the password is checked
        # outside the signing transaction, so a wrong one stays audited and counted.
        versions.check(s, submitted, what=_what(s))
        method = reauth.confirm(request, request.POST.get(reauth.FIELD), what="签字")
        with _guard(request, s, submitted):
            services.sign(actor=request.user, submission=s, confirmed_with=method)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except (services.AcceptanceError, reauth.NotConfirmed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "已签字。签字时间、整改报告和整改台账的 SHA-256 已记录；请经办人打印、加盖公章后上传扫描件。",
        )
    return _back(request, s)


@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def upload_scan(request, pk: int):
    s = _submission(request, pk)
    form = forms.ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.upload_scan(
                actor=request.user, submission=s, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        except services.AcceptanceError as exc:
            messages.error(request, str(exc))
            return _back(request, s)
        else:
            messages.success(request, f"盖章扫描件“{item.original_name}”已上传，已报市住建局审核。")
            return _back(request, s)
    if request.POST.get("next") == "index" and request.user.unit_id == s.township_id:
        return index.__wrapped__(request, scan_form=form)
    return detail.__wrapped__(request, pk, scan_form=form)


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def accept(request, pk: int):
    s = _submission(request, pk)
    try:
        with _guard(request, s):
            services.accept(actor=request.user, submission=s)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except services.AcceptanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已审核通过{s.township.name}的总结验收材料。")
    return redirect("acceptance:detail", pk=pk)


def _with_reason(request, pk: int, form_class, service, key: str, done: str):
    """The city's decision that needs a reason (退回, 重新打开): the form, the service, the
    page again with the form's errors, or back to the submission with ``done``."""
    s = _submission(request, pk)
    return take_with_reason(
        request,
        form_class(request.POST),
        s,
        what=_what(s),
        take=lambda data: service(actor=request.user, submission=s, reason=data["reason"]),
        page=lambda form, **status: detail.__wrapped__(request, pk, **{key: form}, **status),
        back=reverse("acceptance:detail", args=[pk]),
        error=services.AcceptanceError,
        done=done.format(township=s.township.name),
    )


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def return_view(request, pk: int):
    return _with_reason(
        request,
        pk,
        forms.ReturnForm,
        services.return_submission,
        "return_form",
        "已退回{township}的总结验收材料，并提醒乡镇经办人和主要负责人。",
    )


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def reopen(request, pk: int):
    return _with_reason(
        request,
        pk,
        forms.ReopenForm,
        services.reopen,
        "reopen_form",
        "已重新打开{township}的总结验收材料（原签字和哈希留作记录），"
        "并提醒乡镇经办人和主要负责人重新生成、签字并上传。",
    )


# --- files (audited exports) -------------------------------------------------------------------
def _read(field) -> bytes:
    try:
        with field.storage.open(field.name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件缺失") from None


@allow(VIEWERS)
@require_POST
def download(request, pk: int, kind: str):
    """The generated (or signed) 整改报告 .docx or 整改台账 .xlsx, byte for byte as stored."""
    s = _submission(request, pk)
    if kind not in TYPES:
        raise Http404("没有这种文件")
    try:
        authorize_export(
            request, rows=s.entry_count, unmasked=False, reason=request.POST.get("reason", "")
        )
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return _back(request, s)
    data = _read(s.docx if kind == "docx" else s.xlsx)
    record_export(
        what=f"acceptance.final_{'report' if kind == 'docx' else 'ledger'}",
        filters={
            "submission": s.pk,
            "township": s.township.code,
            "status": s.status,
            "signed": s.is_signed,
        },
        rows=s.entry_count,
        content=data,
        unmasked=False,
    )
    what = "整改报告" if kind == "docx" else "整改台账"
    state = "签字版" if s.is_signed else "待签字稿"
    name = f"{s.township.name}{what}（{state}）.{kind}"
    return serve_file(data, name=name, content_type=TYPES[kind])


@allow(VIEWERS)
@require_POST
def download_scan(request, pk: int):
    item = get_scoped_or_404(
        request, SealedScan.objects.select_related("township", "submission"), pk=pk
    )
    try:
        authorize_export(request, rows=1, unmasked=False, reason=request.POST.get("reason", ""))
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return _back(request, item.submission)
    data = _read(item.file)
    record_export(
        what="acceptance.sealed_scan",
        filters={"scan": item.pk, "submission": item.submission_id, "township": item.township.code},
        rows=1,
        content=data,
        unmasked=False,
    )
    name = f"{item.township.name}整改报告盖章扫描件{item.extension}"
    return serve_file(data, name=name, content_type=item.content_type)
