"""The notice pages: the list, the proposals, a draft's editor, a notice (preview of the
text and, for the city, its evidence), and the actions — issue, download, discard.

Thin: the use cases are in ``services``; each view has an access rule and fetches notices
through ``get_scoped_or_404`` (a township reaches only issued notices that name it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import versions
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import serve_file
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.notices import forms, proposals, services
from anju.notices.models import Kind, Notice

REVIEWER = [Role.CITY_REVIEWER]
READERS = CITY | TOWNSHIP
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _notice(request, pk: int) -> Notice:
    return get_scoped_or_404(
        request, Notice.objects.select_related("campaign", "created_by", "issued_by"), pk=pk
    )


def _units(notice: Notice, user):
    units = notice.units.select_related("township").order_by("kind", "position")
    if user.role in TOWNSHIP:
        units = units.filter(township_id=user.unit_id)
    return units


@allow(READERS)
def notice_list(request):
    user = request.user
    notices = (
        Notice.objects.for_user(user)
        .defer("document", "evidence")
        .prefetch_related("units__township")
    )
    rows = []
    for notice in notices:
        units = list(notice.units.all())
        mine = next((u for u in units if u.township_id == user.unit_id), None)
        rows.append(
            {
                "notice": notice,
                "praised": [u.township.name for u in units if u.kind == Kind.PRAISE],
                "criticized": [u.township.name for u in units if u.kind == Kind.CRITICISM],
                "mine": mine,
            }
        )
    return render(
        request,
        "notices/list.html",
        {
            "rows": rows,
            "is_reviewer": user.role == Role.CITY_REVIEWER,
            "is_township": user.role in TOWNSHIP,
        },
    )


@allow(REVIEWER)
def propose(request):
    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        raise Http404("尚无“回头看”工作")
    if request.method == "POST":
        picks = []
        for value in request.POST.getlist("pick"):
            code, _, kind = value.partition(":")
            if code.isdigit() and kind in Kind.values:
                picks.append((code, kind))
        try:
            notice = services.create_draft(actor=request.user, campaign=campaign, picks=picks)
        except services.NoticeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "通报草稿已生成，请核对、修改后预览并印发。")
            return redirect("notices:edit", pk=notice.pk)
    current = proposals.compute(campaign)
    return render(
        request,
        "notices/propose.html",
        {"campaign": campaign, "proposals": current},
    )


def _unit_rows(request, notice):
    rows = []
    for unit in notice.units.select_related("township").order_by("kind", "position"):
        prefix = f"unit-{unit.pk}"
        rows.append(
            {
                "pk": unit.pk,
                "kind": request.POST.get(f"{prefix}-kind", unit.kind),
                "facts": request.POST.get(f"{prefix}-facts", ""),
                "delete": bool(request.POST.get(f"{prefix}-delete")),
            }
        )
    return rows


def notice_version(notice) -> str:
    """A draft notice is edited as a whole: its fields and every named township's row."""
    if notice is None:
        return ""
    units = [versions.version_of(u) for u in notice.units.order_by("pk")]
    return versions.fingerprint(versions.version_of(notice), units)


def _guard(request, notice, submitted=None):
    if submitted is None:
        submitted = versions.submitted(request.POST)
    what = f"通报草稿“{notice.title}”"
    return versions.editing(
        notice, submitted, what=what, of=notice_version, parts=lambda n: list(n.units.all())
    )


@versioned
@allow(REVIEWER)
def edit(request, pk: int):
    notice = _notice(request, pk)
    if not notice.is_draft:
        messages.info(request, "该通报已印发，不能再修改。")
        return redirect("notices:detail", pk=notice.pk)
    unit_errors: dict[str, str] = {}
    posted: dict[int, dict] = {}
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        form = forms.NoticeForm(request.POST, instance=Notice.objects.get(pk=notice.pk))
        rows = _unit_rows(request, notice)
        posted = {r["pk"]: r for r in rows}
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                with _guard(request, notice, form.submitted_version()):
                    services.save_draft(actor=request.user, notice=notice, data=data, units=rows)
            except versions.StaleEdit as exc:
                versions.refuse(request, exc, form, version=notice_version(exc.current))
                status = versions.CONFLICT
            except ValidationError as exc:
                for name, message_list in exc.message_dict.items():
                    if name.startswith("unit-"):
                        unit_errors[name] = message_list[0]
                    else:
                        form.add_error(name if name in form.fields else None, message_list)
            except services.NoticeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已保存。")
                if request.POST.get("then") == "preview":
                    return redirect("notices:detail", pk=notice.pk)
                return redirect("notices:edit", pk=notice.pk)
    else:
        form = forms.NoticeForm(instance=notice, version=notice_version(notice))
    units: list[dict[str, Any]] = []
    for unit in notice.units.select_related("township").order_by("kind", "position"):
        row = posted.get(unit.pk)
        units.append(
            {
                "unit": unit,
                "kind": row["kind"] if row else unit.kind,
                "facts": row["facts"] if row else unit.facts,
                "delete": row["delete"] if row else False,
                "error": unit_errors.get(f"unit-{unit.pk}"),
            }
        )
    add_form = forms.AddUnitForm(
        county=notice.campaign.county, exclude=[u["unit"].township_id for u in units]
    )
    return render(
        request,
        "notices/edit.html",
        {
            "notice": notice,
            "form": form,
            "units": units,
            "add_form": add_form,
            "kinds": Kind.choices,
        },
        status=status,
    )


@allow(REVIEWER)
@require_POST
def add_unit(request, pk: int):
    notice = _notice(request, pk)
    form = forms.AddUnitForm(
        request.POST,
        county=notice.campaign.county,
        exclude=list(notice.units.values_list("township_id", flat=True)),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect("notices:edit", pk=notice.pk)
    try:
        unit = services.add_unit(
            actor=request.user,
            notice=notice,
            township=form.cleaned_data["township"],
            kind=form.cleaned_data["kind"],
        )
    except services.NoticeError as exc:
        messages.error(request, str(exc))
    else:
        hint = "" if unit.facts else "请填写通报事实。"
        messages.success(
            request, f"已加入{unit.township.name}（{unit.get_kind_display()}）。{hint}"
        )
    return redirect("notices:edit", pk=notice.pk)


@allow(READERS)
def detail(request, pk: int):
    notice = _notice(request, pk)
    data = services.document_data(notice)
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "doc": data,
            "sections": services.preview_sections(data),
            "units": _units(notice, request.user),
            "is_reviewer": request.user.role == Role.CITY_REVIEWER,
            "is_township": request.user.role in TOWNSHIP,
            "problems": services.problems(notice) if notice.is_draft else [],
            "version": notice_version(notice),
        },
    )


@allow(REVIEWER)
def preview(request, pk: int):
    """The draft as a .docx, to look at before issuing (nothing is stored)."""
    notice = _notice(request, pk)
    try:
        data = services.render(notice)
    except services.NoticeError as exc:
        messages.error(request, str(exc))
        return redirect("notices:detail", pk=notice.pk)
    name = f"{'（预览稿）' if notice.is_draft else ''}{notice.title}.docx"
    return _docx(data, name)


def _docx(data: bytes, name: str) -> HttpResponseBase:
    return serve_file(data, name=name, content_type=DOCX)


@versioned
@allow(REVIEWER)
@require_POST
def issue(request, pk: int):
    notice = _notice(request, pk)
    try:
        with _guard(request, notice):
            notice = services.issue(actor=request.user, notice=notice)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except services.NoticeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"通报已印发（{notice.document_number}），各被通报乡镇登录后即可查看和下载。"
        )
    return redirect("notices:detail", pk=notice.pk)


@allow(READERS)
@require_POST
def download(request, pk: int):
    notice = _notice(request, pk)
    if notice.is_draft or notice.document is None:
        raise Http404("通报尚未印发")
    try:
        authorize_export(request, rows=notice.units.count(), unmasked=False)
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect("notices:detail", pk=notice.pk)
    data = bytes(notice.document)
    record_export(
        what="notices.notice",
        filters={"notice": notice.pk, "document_number": notice.document_number},
        rows=notice.units.count(),
        content=data,
        unmasked=False,
    )
    day = timezone.localtime(notice.issued_at).date()
    return _docx(data, f"{notice.title}（{notice.document_number}，{day:%Y-%m-%d}）.docx")


@versioned
@allow(REVIEWER)
@require_POST
def discard(request, pk: int):
    notice = _notice(request, pk)
    try:
        with _guard(request, notice):
            services.discard(actor=request.user, notice=notice)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
        return redirect("notices:edit", pk=notice.pk)
    except services.NoticeError as exc:
        messages.error(request, str(exc))
        return redirect("notices:detail", pk=notice.pk)
    messages.success(request, "通报草稿已删除。")
    return redirect("notices:list")
