"""Recording visits: the worklist, the visit form (phone first), a visit, its photos, and
the printable paper form. Thin: scope from ``for_user`` / ``get_scoped_or_404``, the work
in ``services``. The review and coverage pages are in ``views_review``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadhandler import SkipFile
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from anju.accounts.roles import BUSINESS, CITY, TOWNSHIP, Role
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core import search, versions
from anju.core import uploads as file_checks
from anju.core.access import allow
from anju.core.files import serve_photo
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.registry.models import Household
from anju.units.models import Unit
from anju.visits import checklist, coverage, forms, services
from anju.visits.models import EntryMode, Visit, VisitorRole, VisitPhoto

WORKLIST_ROLES = frozenset({Role.VILLAGE_WORKER, *TOWNSHIP})
PRINT_ROLES = WORKLIST_ROLES
PAGE_SIZE = 50
PRINT_CAP = 200


def _household(request, pk: int) -> Household:
    qs = Household.objects.select_related(
        "township", "village", "assessment", "renovation", "township__parent"
    )
    return get_scoped_or_404(request, qs, pk=pk)


@allow(BUSINESS)
def index(request):
    if request.user.role in CITY:
        return redirect("visits:coverage")
    return redirect("visits:worklist")


# --- the worklist: households left to visit first -------------------------------------------------
@allow(WORKLIST_ROLES)
@needs_round
def worklist(request):
    # The name box is POSTed: an ID number or phone typed into it continues sealed (qk),
    # never in the URL or the access log (core.search; issue #13).
    here = reverse("visits:worklist")
    if (redirect_to := search.unsealed_redirect(request, here)) is not None:
        return redirect_to
    user = request.user
    campaign = Campaign.objects.current(user)
    households = Household.objects.for_user(user).select_related(
        "village", "assessment", "renovation"
    )
    villages = Unit.objects.for_user(user).villages().order_by("code")
    village = None
    if request.GET.get("village") and user.role != Role.VILLAGE_WORKER:
        village = villages.filter(pk=_int(request.GET.get("village"))).first()
        if village is not None:
            households = households.filter(village=village)
    q = search.search_text(request.GET)[0][:20]
    sealed = search.sealed_search(request.GET)
    if q:
        households = households.filter(head_name__contains=q)
    rows = coverage.worklist(campaign, households)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = _totals(campaign, user, village)
    return render(
        request,
        "visits/worklist.html",
        {
            "campaign": campaign,
            "page": page,
            "totals": totals,
            "villages": villages if user.role != Role.VILLAGE_WORKER else None,
            "village": village,
            "q": "" if sealed else q,
            "sealed": sealed,
            "can_record": services.can_record(user),
            "today": timezone.localdate(),
        },
    )


def _totals(campaign, user, village=None) -> dict:
    where = {"village": village} if village else {}
    in_scope = coverage.scope_households(campaign, **where).filter(
        pk__in=Household.objects.for_user(user).values("pk")
    )
    statuses = coverage.with_status(in_scope, campaign)
    total = in_scope.count()
    visited = statuses.filter(visited=True).count()
    return {
        "in_scope": total,
        "visited": visited,
        "left": total - visited,
        "percent": round(100 * visited / total) if total else 0,
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the visit form -------------------------------------------------------------------------------
@versioned
@csrf_exempt  # checked in _visit_form, once the upload limit is in place
@allow(services.RECORDERS)
def visit_form(request, pk: int):
    household = _household(request, pk)
    limiter = None
    if request.method == "POST":
        limiter = _Limiter(request)
        request.upload_handlers.insert(0, limiter)
    return _visit_form(request, household, limiter)


class _Limiter(file_checks.LimitedUploadHandler):
    """The photo byte limit, remembering which input and file went over it."""

    def __init__(self, request=None):
        super().__init__(request)
        self.skipped: list[tuple[str, str]] = []

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except SkipFile:
            self.skipped.append((self.field_name, file_checks.safe_name(self.file_name)))
            raise


@csrf_protect
def _visit_form(request, household, limiter):
    user = request.user
    campaign = Campaign.objects.current(county=household.township)
    today = timezone.localdate()
    wants_json = "application/json" in request.headers.get("Accept", "")
    if campaign is None:  # between rounds: the last one closed, the next not yet published
        return _no_round(request, wants_json)
    todays = Visit.objects.filter(
        campaign=campaign, household=household, visitor=user, visited_on=today
    ).first()
    other_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = forms.VisitForm(request.POST, household=household)
        uploads, other_errors = _read_photos(request, limiter)
        if form.is_valid() and not other_errors:
            data = _visit_data(form)
            try:
                # the visit this save merges into, as the form was opened on it
                mine = Visit.objects.filter(
                    campaign=campaign,
                    household=household,
                    visitor=user,
                    visited_on=data.visited_on,
                )
                what = _what(household, data)
                with versions.editing_first(mine, form.submitted_version(), what=what):
                    outcome = services.record_visit(
                        user=user,
                        household=household,
                        data=data,
                        uploads=uploads,
                        campaign=campaign,
                        today=today,
                    )
            except versions.StaleEdit as exc:
                return _conflict(request, form, exc, wants_json, household, campaign, today)
            except services.VisitRefused as exc:
                for name, message in exc.errors.items():
                    if name in form.fields or name == "__all__":
                        form.add_error(None if name == "__all__" else name, message)
                    else:
                        other_errors.setdefault(name, []).append(message)
            else:
                message = _saved_message(outcome)
                url = reverse("visits:visit_detail", args=[outcome.visit.pk])
                messages.success(request, message)
                if wants_json:
                    return JsonResponse({"ok": True, "url": url, "message": message})
                return redirect(url)
        status = 400
        if wants_json:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            for name, errs in other_errors.items():
                errors.setdefault(name, []).extend(errs)
            return JsonResponse(
                {
                    "ok": False,
                    "errors": errors,
                    "message": "未提交成功，请按红色提示修改后再提交。",
                },
                status=400,
            )
    else:
        form = forms.VisitForm(
            initial=_initial(user, todays, today),
            household=household,
            version=versions.version_of(todays),
        )
    return _form_page(request, form, household, campaign, todays, today, other_errors, status)


NO_ROUND = (
    "目前没有进行中的“回头看”轮次（上一轮已结束），不能登记入户排查；请待新一轮发布后再提交。"
)


def _no_round(request, wants_json: bool):
    """The visit form when the county has no running round: nothing is recorded (a form
    opened before the round was closed and sent after gets this, not a server error)."""
    status = 200 if request.method == "GET" else 403
    if wants_json:
        body = {"ok": False, "errors": {"__all__": [NO_ROUND]}, "message": NO_ROUND}
        return JsonResponse(body, status=status)
    return render(request, "campaigns/no_round.html", {"refused": NO_ROUND}, status=status)


def _what(household, data) -> str:
    return f"{household.head_name}户 {data.visited_on:%Y-%m-%d} 的走访记录"


def _conflict(request, form, exc, wants_json, household, campaign, today):
    """Nothing saved: the visit was changed (on another phone, say) after this form was
    opened. The phone keeps what was typed (its draft); the form now carries the current
    version, so submitting again — after looking — saves over it."""
    fresh = versions.version_of(exc.current)
    if wants_json:
        text = versions.message(exc, form=True)
        body = {"ok": False, "errors": {"__all__": [text]}, "message": text, "version": fresh}
        return JsonResponse(body, status=versions.CONFLICT)
    versions.refuse(request, exc, form, version=fresh)
    todays = Visit.objects.filter(
        campaign=campaign, household=household, visitor=request.user, visited_on=today
    ).first()
    return _form_page(request, form, household, campaign, todays, today, {}, versions.CONFLICT)


def _form_page(request, form, household, campaign, todays, today, other_errors, status):
    user = request.user
    return render(
        request,
        "visits/visit_form.html",
        {
            "household": household,
            "campaign": campaign,
            "form": form,
            "todays": todays,
            "in_scope": services.in_scope(household, campaign=campaign),
            "other_errors": other_errors,
            "grade_on_file": checklist.grade_on_file(household),
            "grade_words": checklist.grade_words(household),
            "today": today,
            "max_size": file_checks.human_size(file_checks.max_bytes()),
            "max_photos": services.MAX_PHOTOS,
            "draft_key": f"anju-visit:{user.pk}:{household.pk}",
            "camera_inputs": [
                (
                    name,
                    forms.PHOTO_INPUTS[name][2],
                    forms.PHOTO_INPUTS[name][1],
                    other_errors.get(name, []),
                )
                for name in forms.CAMERA_INPUTS
            ],  # fmt: skip
            "signed_form_errors": other_errors.get("signed_form", []),
            "signature_errors": other_errors.get("signature", []),
            "photos_errors": other_errors.get("photos", []),
        },
        status=status,
    )


def _initial(user, todays: Visit | None, today) -> dict:
    initial = {
        "visitor_name": user.full_name or user.username,
        "visitor_role": VisitorRole.CADRE if user.role == Role.VILLAGE_WORKER else "",
        "visited_on": today,
        "mode": EntryMode.PHONE,
    }
    if todays is not None:  # a second visit today starts from the first (and merges into it)
        initial.update(
            visitor_name=todays.visitor_name,
            visitor_role=todays.visitor_role,
            mode=todays.mode,
            plaque_grade_seen=todays.plaque_grade_seen,
            subsidy_received_on=todays.subsidy_received_on,
            note=todays.note,
        )
        for code, given in (todays.answers or {}).items():
            initial[f"q_{code}"] = given.get("answer")
            initial[f"n_{code}"] = given.get("note", "")
    return initial


def _visit_data(form) -> services.VisitData:
    latitude, longitude, accuracy = form.location()
    data = form.cleaned_data
    return services.VisitData(
        visitor_name=data["visitor_name"],
        visitor_role=data["visitor_role"],
        visited_on=data["visited_on"],
        mode=data["mode"],
        answers=form.answers(),
        plaque_grade_seen=data.get("plaque_grade_seen") or "",
        subsidy_received_on=data.get("subsidy_received_on"),
        latitude=latitude,
        longitude=longitude,
        accuracy=accuracy,
        note=data.get("note") or "",
    )


def _read_photos(request, limiter) -> tuple[list[services.PhotoUpload], dict[str, list[str]]]:
    """Each photo checked by its content (file_checks.inspect); errors keyed by the input's name."""
    uploads: list[services.PhotoUpload] = []
    errors: dict[str, list[str]] = {}
    limit = file_checks.human_size(file_checks.max_bytes())
    for name, filename in limiter.skipped if limiter is not None else ():
        key = name if name in forms.PHOTO_INPUTS else "photos"
        errors.setdefault(key, []).append(
            f"照片“{filename}”过大，不能超过 {limit}。请重新拍摄或选择较小的照片。"
        )
    for name, (kind, several, _label) in forms.PHOTO_INPUTS.items():
        files = request.FILES.getlist(name)
        for upload in files if several else files[:1]:
            try:
                photo = file_checks.inspect(upload)
            except file_checks.UploadError as exc:
                errors.setdefault(name, []).append(str(exc))
            else:
                uploads.append(services.PhotoUpload(kind, photo, upload.name))
    return uploads, errors


def _saved_message(outcome: services.Recorded) -> str:
    visit = outcome.visit
    parts = ["已合并到您今天对该户的走访记录" if outcome.merged else "走访记录已保存"]
    if visit.distance_m is not None:
        parts.append(f"定位距住房 {visit.distance_m} 米")
    if outcome.corrections:
        parts.append(f"{len(outcome.corrections)} 项与档案不一致，已提交乡镇审核")
    if outcome.problems:
        parts.append(f"发现 {len(outcome.problems)} 个问题，已生成台账草稿")
    if visit.far_from_house:
        parts.append("定位离住房较远，已提示乡镇核实")
    if visit.untimed_photo:
        parts.append("有照片没有拍摄时间，已提示乡镇核实")
    return "，".join(parts) + "。"


# --- a visit and its photos -------------------------------------------------------------------------
@allow(BUSINESS)
def visit_detail(request, pk: int):
    qs = Visit.objects.select_related(
        "household__village", "household__township", "household__assessment",
        "household__renovation", "visitor", "flags_checked_by", "campaign",
    )  # fmt: skip
    visit = get_scoped_or_404(request, qs, pk=pk)
    household = visit.household
    answers = []
    for q in checklist.QUESTIONS:
        given = (visit.answers or {}).get(q.code) or {}
        problem = q.problem_when is not None and given.get("answer") == q.problem_when
        answers.append((q, given.get("answer", "未答"), given.get("note", ""), problem))
    photos = list(visit.photos.all())
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "household": household,
            "answers": answers,
            "photos": [p for p in photos if p.kind not in ("signature", "signed_form")],
            "confirmations": [p for p in photos if p.kind in ("signature", "signed_form")],
            "corrections": visit.corrections.select_related("decided_by"),
            "problems": visit.problems.select_related("entry", "decided_by"),
            "can_review": services.can_review(request.user),
            "check_form": forms.CheckFlagsForm(),
            "can_record": services.can_record(request.user),
        },
    )


@allow(BUSINESS)
def photo_file(request, pk: int, photo_pk: int):
    """A stored visit photo (or its thumbnail), only through the visit's scope."""
    visit = get_scoped_or_404(request, Visit.objects.all(), pk=pk)
    photo = get_scoped_or_404(request, VisitPhoto.objects.filter(visit=visit), pk=photo_pk)
    return serve_photo(request, photo, stem=f"visit-{visit.pk}-{photo.pk}")


# --- the printable paper form -------------------------------------------------------------------------
@allow(PRINT_ROLES)
@needs_round
def print_forms(request):
    """One A4 page per household, pre-filled from the registry, for villages on paper."""
    user = request.user
    campaign = Campaign.objects.current(user)
    villages = Unit.objects.for_user(user).villages().order_by("code")
    form = forms.PrintFilterForm(request.GET or None, villages=villages)
    households = Household.objects.for_user(user)
    chosen = form.is_valid() and form.cleaned_data.get("village")
    if chosen:
        households = households.filter(village=chosen)
    rows = coverage.worklist(campaign, households.select_related("village", "township"))
    if not (form.is_valid() and form.cleaned_data.get("include_visited")):
        rows = rows.filter(visited=False)
    rows = list(rows.select_related("assessment", "renovation")[: PRINT_CAP + 1])
    return render(
        request,
        "visits/print.html",
        {
            "form": form,
            "campaign": campaign,
            "sheets": [_sheet(h) for h in rows[:PRINT_CAP]],
            "capped": len(rows) > PRINT_CAP,
            "cap": PRINT_CAP,
        },
    )


@allow(PRINT_ROLES)
def print_household(request, pk: int):
    household = _household(request, pk)
    campaign = Campaign.objects.current(county=household.township)
    return render(
        request,
        "visits/print.html",
        {"campaign": campaign, "sheets": [_sheet(household)], "single": household},
    )


def _sheet(household) -> dict:
    renovation = household.renovation
    grade = checklist.grade_on_file(household)
    facts = [
        ("户主姓名", household.head_name),
        ("身份证号", household.id_number_masked),
        ("村", household.village.name),
        ("家庭人口", f"{household.size} 人"),
        ("当前等级", checklist.show(grade) if grade else "未鉴定"),
        *(
            [("改造前鉴定等级", checklist.show(household.pre_renovation_grade))]
            if household.regraded
            else []
        ),
        ("是否挂牌", checklist.show(household.plaque_posted)),
        ("改造方式", renovation.method_label if renovation else "无改造记录"),
        ("改造状态", renovation.state_label if renovation else "—"),
    ]
    questions = [
        (checklist.ASPECTS[q.aspect], q, checklist.registry_hint(q, household))
        for q in checklist.QUESTIONS
    ]
    return {"household": household, "facts": facts, "questions": questions}
