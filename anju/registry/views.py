"""The household pages: list, household page, section edit forms, photos, unmask.

Thin views: the scope comes from ``for_user`` / ``get_scoped_or_404``, the work from
``services``. Who may do what is stated in ``services`` (READERS, EDITORS, UNMASK).
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from anju.accounts.roles import UNMASK
from anju.core import search, uploads, versions
from anju.core.access import allow
from anju.core.files import serve_photo
from anju.core.scoping import get_scoped_or_404
from anju.registry import forms, panels, selectors, services
from anju.registry.models import Attachment, Household, Renovation, model_field

HOUSEHOLD_FORMS = {
    "identity": ("身份与对象类别", forms.IdentityForm),
    "house": ("住房与挂牌", forms.HouseForm),
    "finances": ("自筹与其他住房补助", forms.FinancesForm),
}
RENOVATION_FORMS = {
    "works": ("危房改造", forms.WorksForm),
    "subsidy": ("补助资金", forms.SubsidyForm),
    "files": ("一户一档", forms.FilesForm),
}


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _household(request, pk: int) -> Household:
    queryset = Household.objects.select_related("township", "village", "assessment", "renovation")
    return get_scoped_or_404(request, queryset, pk=pk)


# --- list ------------------------------------------------------------------------------------
def _id_key(text: str) -> str | None:
    return selectors.id_search_key(text) if selectors.looks_like_id_number(text) else None


@allow(services.READERS)
def household_list(request):
    # The search is POSTed and answered with a URL that holds no full ID number or phone:
    # an ID number continues as its keyed hash (idh), other digits sealed (qk) — neither
    # reaches a URL, the access log or the browser's history (SECURITY.md row 16; #13).
    here = reverse("registry:household_list")
    if (redirect_to := search.unsealed_redirect(request, here, id_key=_id_key)) is not None:
        return redirect_to
    data = search.with_text(request.GET)
    form = forms.FilterForm(data or None, user=request.user)
    filters = form.filters() if form.is_bound else {}
    sealed = search.sealed_search(request.GET)
    if sealed:
        form.data = form.data.copy()
        form.data["q"] = ""  # not echoed: the note shows it masked
    qs = selectors.households_for(request.user, filters)
    after, before = _int(request.GET.get("after")), _int(request.GET.get("before"))
    page = selectors.keyset_page(qs, after=after, before=before)
    count, capped = None, False
    if after is None and before is None and not page.has_next:
        count = len(page.rows)  # everything is on this one page
    elif selectors.count_is_cheap(request.user, filters):
        count, capped = selectors.capped_count(qs)
    keep = request.GET.copy()
    for key in ("after", "before"):
        keep.pop(key, None)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page": page,
            "count": count,
            "count_capped": capped,
            "cap": selectors.COUNT_CAP,
            "query": keep.urlencode(),
            "filtered": bool(filters),
            "filters_open": bool(set(filters) - {"q", "idh"}),
            "searched_id": selectors.searched_id_label(filters, page),
            "sealed": sealed,
            "can_edit": services.can_edit(request.user),
        },
    )


# --- the household page ---------------------------------------------------------------------------
UNITS = {
    "floor_area": "㎡",
    "area_after": "㎡",
    "subsidy_amount": "元",
    "self_funds": "元",
    "storeys": "层",
    "size": "人",
}


def display(obj, name: str) -> str:
    """A stored value as the page shows it: 是/否/未填, choice labels, dates, units."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if name == "groups":
        return "、".join(obj.group_labels) or "无"
    if value == "" and field.choices and "" in dict(field.choices):
        return str(dict(field.choices)[""]).strip("（）")  # 非监测对象, 无 …
    if value is None or value == "":
        return "未填"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    unit = UNITS.get(name, "")
    if unit == "元":
        return f"{value:,.2f} 元"
    return f"{value} {unit}".strip()


def rows(obj, fields) -> list[tuple[str, str]]:
    if obj is None:
        return []
    return [(str(obj._meta.get_field(n).verbose_name), display(obj, n)) for n in fields]


@allow(services.READERS)
def household_detail(request, pk: int):
    household = _household(request, pk)
    photo_rows: list[tuple[Attachment, float | None]] = []
    for photo in selectors.household_photos(household):
        distance = uploads.distance_m(
            household.latitude, household.longitude, photo.latitude, photo.longitude
        )
        photo_rows.append((photo, distance))
    renovation = household.renovation
    others = household.renovations.all()
    if household.renovation_id is not None:
        others = others.exclude(pk=household.renovation_id)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "identity": rows(household, services.IDENTITY_FIELDS[1:]),
            "house": rows(household, services.HOUSE_FIELDS),
            "works": rows(renovation, services.WORKS_FIELDS),
            "subsidy": rows(renovation, services.SUBSIDY_FIELDS),
            "finances": rows(household, services.FINANCE_FIELDS),
            "assessments": household.assessments.all(),
            "renovation": renovation,
            "other_renovations": others,
            "file_items": [
                (model_field(Renovation, name).verbose_name, getattr(renovation, name))
                for name in services.FILE_FIELDS
            ]
            if renovation
            else [],
            "files_present": sum(
                1 for name in services.FILE_FIELDS if renovation and getattr(renovation, name)
            ),
            "photos": photo_rows,
            "panels": panels.panels_for(request, household),
            "can_edit": services.can_edit(request.user),
            "can_unmask": services.can_unmask(request.user),
        },
    )


@allow(UNMASK)
@require_POST
def household_unmask(request, pk: int):
    household = _household(request, pk)
    values = services.unmask(user=request.user, household=household)
    template = (
        "registry/_pi_unmasked.html"
        if request.headers.get("HX-Request")
        else "registry/unmasked.html"
    )
    return render(request, template, {"household": household, "values": values})


# --- edit forms ------------------------------------------------------------------------------------
@allow(services.EDITORS)
def household_create(request):
    form = forms.NewHouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.section_data()
        try:
            household = services.create_household(
                user=request.user,
                village=form.cleaned_data["village"],
                data=data,
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data.get("phone", ""),
                bank_account=form.cleaned_data.get("bank_account", ""),
            )
        except services.DuplicateIdNumber:
            form.add_error("id_number", "该身份证号已登记，同一户主不能重复建档。")
        except PermissionDenied as exc:
            form.add_error("village", str(exc))
        else:
            messages.success(request, f"已新增农户：{household.head_name}。")
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect("registry:household_detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "title": "新增农户", "household": None, "sections": _new_sections(form)},
    )


def _new_sections(form) -> list[tuple[str, list]]:
    identity = [
        "village",
        "head_name",
        "id_number",
        "phone",
        "bank_account",
        *services.IDENTITY_FIELDS[1:],
    ]
    return [
        ("身份与对象类别", [form[n] for n in identity if n in form.fields]),
        ("住房与挂牌", [form[n] for n in services.HOUSE_FIELDS]),
    ]


@versions.versioned
@allow(services.EDITORS)
def household_edit(request, pk: int, section: str):
    if section not in HOUSEHOLD_FORMS:
        raise Http404
    household = _household(request, pk)
    title, form_class = HOUSEHOLD_FORMS[section]
    extra = {"user": request.user} if section == "identity" else {}
    version = services.household_version(household, section=section)
    form = form_class(request.POST or None, instance=copy.copy(household), version=version, **extra)
    differences: list[tuple[str, str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        kwargs: dict[str, Any] = {}
        if section == "identity":
            phone = form.cleaned_data.get("phone") or None
            if form.cleaned_data.get("clear_phone"):
                phone = ""
            bank_account = form.cleaned_data.get("bank_account") or None
            if form.cleaned_data.get("clear_bank_account"):
                bank_account = ""
            kwargs = {
                "village": form.cleaned_data["village"],
                "id_number": form.cleaned_data.get("id_number", ""),
                "phone": phone,
                "bank_account": bank_account,
            }
        try:
            services.update_household(
                user=request.user,
                household=household,
                section=section,
                data=form.section_data(),
                version=form.submitted_version(),
                **kwargs,
            )
        except versions.StaleEdit as exc:
            exc.what = title
            fields = services.HOUSEHOLD_SECTIONS[section]
            differences = versions.differences(form, exc.current, fields)
            versions.refuse(
                request, exc, form, version=services.household_version(exc.current, section=section)
            )
            status = versions.CONFLICT
        except services.DuplicateIdNumber:
            form.add_error("id_number", "该身份证号已登记，同一户主不能重复建档。")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存“{title}”。")
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect(f"{reverse('registry:household_detail', args=[pk])}#{section}")
    return _form_page(request, form, household, title, differences, status=status)


def _form_page(request, form, household, title, differences=(), renovation=None, status=200):
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "title": title,
            "household": household,
            "differences": differences,
            "renovation": renovation,
            "sections": [(None, [form[name] for name in form.fields if name != "version"])],
        },
        status=status,
    )


@allow(services.EDITORS)
def assessment_create(request, pk: int):
    household = _household(request, pk)
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = services.add_assessment(
            user=request.user, household=household, data=form.section_data()
        )
        messages.success(
            request, f"已登记鉴定：{assessment.get_grade_display()}，并设为当前鉴定结果。"
        )
        return redirect(f"{reverse('registry:household_detail', args=[pk])}#assessments")
    return _form_page(request, form, household, "新增安全鉴定")


@versions.versioned
@allow(services.EDITORS)
def renovation_edit(request, pk: int, section: str):
    if section not in RENOVATION_FORMS:
        raise Http404
    household = _household(request, pk)
    title, form_class = RENOVATION_FORMS[section]
    renovation = household.renovation
    if renovation is None and section != "works":
        messages.info(request, "请先登记改造方式和进度，再填写补助资金与一户一档。")
        return redirect("registry:renovation_edit", pk=pk, section="works")
    version = services.renovation_version(renovation, section=section)
    instance = copy.copy(renovation) if renovation else None
    form = form_class(request.POST or None, instance=instance, version=version)
    differences: list[tuple[str, str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.save_renovation(
                user=request.user,
                household=household,
                section=section,
                data=form.section_data(),
                version=form.submitted_version(),
            )
        except versions.StaleEdit as exc:
            exc.what = title
            fields = services.RENOVATION_SECTIONS[section]
            current = exc.current if isinstance(exc.current, Renovation) else None
            differences = versions.differences(form, current, fields)
            versions.refuse(
                request, exc, form, version=services.renovation_version(current, section=section)
            )
            status = versions.CONFLICT
        except services.NoRenovation:
            return redirect("registry:renovation_edit", pk=pk, section="works")
        else:
            messages.success(request, f"已保存“{title}”。")
            return redirect(f"{reverse('registry:household_detail', args=[pk])}#renovation")
    if renovation is None:
        title = "登记危房改造"
    return _form_page(request, form, household, title, differences, renovation, status=status)


# --- photos -----------------------------------------------------------------------------------------
@csrf_exempt  # checked in _photo_upload, once the upload handlers are in place
@allow(services.EDITORS)
def photo_upload(request, pk: int):
    household = _household(request, pk)
    limiter = None
    if request.method == "POST":
        if uploads.declared_too_large(request, uploads.max_bytes()):
            # Refused before the body is read (nothing is changed, so no token is needed).
            form = forms.PhotoForm()
            form.too_large = (
                f"照片过大，不能超过 {uploads.human_size(uploads.max_bytes())}，"
                "请压缩后再上传，或直接用手机拍照上传。"
            )
            return _photo_page(request, household, form, status=413)
        limiter = uploads.LimitedUploadHandler(request)
        request.upload_handlers.insert(0, limiter)
    return _photo_upload(request, household, limiter)


@csrf_protect
def _photo_upload(request, household, limiter):
    form = forms.PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if limiter is not None and limiter.too_large:
            form.is_valid()
            form.errors.pop("photo", None)
            limit = uploads.human_size(uploads.max_bytes())
            form.add_error("photo", f"照片过大，不能超过 {limit}。")
        elif form.is_valid():
            upload = form.cleaned_data["photo"]
            try:
                photo = uploads.inspect(upload)
            except uploads.UploadError as exc:
                form.add_error("photo", str(exc))
            else:
                services.add_photo(
                    user=request.user,
                    household=household,
                    photo=photo,
                    original_name=upload.name,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _photo_saved_message(photo))
                url = reverse("registry:household_detail", args=[household.pk])
                return redirect(f"{url}#photos")
    return _photo_page(request, household, form)


def _photo_saved_message(photo: uploads.Photo) -> str:
    parts = ["照片已上传"]
    if photo.taken_at:
        parts.append(f"拍摄时间 {timezone.localtime(photo.taken_at):%Y-%m-%d %H:%M}")
    else:
        parts.append("照片中没有拍摄时间")
    if photo.latitude is not None:
        parts.append(f"拍摄位置 {photo.latitude}, {photo.longitude}")
    else:
        parts.append("照片中没有位置信息")
    return "，".join(parts) + "。"


def _photo_page(request, household, form, status=200):
    return render(
        request,
        "registry/photo_form.html",
        {
            "household": household,
            "form": form,
            "max_bytes": uploads.max_bytes(),
            "max_size": uploads.human_size(uploads.max_bytes()),
        },
        status=status,
    )


@allow(services.READERS)
def photo_file(request, pk: int, photo_pk: int):
    """A stored photo (or its thumbnail), only through the household's scope."""
    household = _household(request, pk)
    photo = get_scoped_or_404(request, Attachment.objects.filter(household=household), pk=photo_pk)
    return serve_photo(request, photo, stem=f"photo-{photo.pk}")
