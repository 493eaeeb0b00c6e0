"""The spot-check pages: planning and samples (reviewer), visits (inspector), results
(township). Thin: the work is in ``services``; every view has an access rule, and objects
come through ``for_user`` or an explicit assignment check (404 and an audit record)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from anju.accounts.roles import Role
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.campaigns.decorators import needs_round
from anju.campaigns.models import Campaign
from anju.core import uploads, versions
from anju.core.access import allow
from anju.core.files import serve_photo
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.inspections import forms, sampling, selectors, services
from anju.inspections.models import Sample, SampleHousehold, SpotCheckPhoto, SpotCheckVisit

REVIEWERS = services.REVIEWERS
INSPECTORS = services.INSPECTORS


# --- planning (reviewer) -------------------------------------------------------------------
@allow(REVIEWERS)
@needs_round
def plan(request):
    campaign = Campaign.objects.current(request.user)
    if request.method == "POST":
        form = forms.PlanForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.draw_sample(
                    actor=request.user,
                    campaign=campaign,
                    params=form.params(),
                    seed=form.cleaned_data.get("seed"),
                    include_open=form.cleaned_data.get("include_open", False),
                )
            except sampling.SampleError as exc:
                form.add_sample_errors(exc)
            else:
                sample = outcome.sample
                how = "系统生成的" if outcome.seed_generated else ""
                messages.success(
                    request,
                    f"已抽取{sample}：{len(outcome.draw.villages)} 个村、"
                    f"{len(outcome.draw.household_ids)} 户，{how}随机种子 {sample.seed} 已记录。"
                    "请为各村分配抽查人员。",
                )
                return redirect("inspections:sample", pk=sample.pk)
    else:
        form = forms.PlanForm(request.GET or None)
        if form.is_bound:
            form.is_valid()
    return render(request, "inspections/plan.html", selectors.plan_context(campaign, form))


# --- a sample (reviewer) -------------------------------------------------------------------
def _sample(request, pk: int) -> Sample:
    return get_scoped_or_404(request, Sample.objects.select_related("campaign", "drawn_by"), pk=pk)


@allow(REVIEWERS)
def sample_detail(request, pk: int):
    sample = _sample(request, pk)
    return render(request, "inspections/sample.html", selectors.sample_context(sample))


@versioned
@allow(REVIEWERS)
@require_POST
def sample_assign(request, pk: int):
    sample = _sample(request, pk)
    people = {str(u.pk): u for u in services.inspectors()}
    assignments = {}
    for sv in sample.villages.all():
        key = f"inspector-{sv.pk}"
        if key in request.POST:
            value = request.POST[key]
            if value and value not in people:
                messages.error(request, "所选人员不是在岗的抽查组成员，未保存。")
                return redirect("inspections:sample", pk=pk)
            assignments[sv.pk] = people.get(value)
    try:
        with versions.editing(
            sample,
            versions.submitted(request.POST),
            what=f"{sample}的抽查人员分配",
            of=selectors.assign_version,
            parts=lambda s: list(s.villages.all()),
        ):
            changed = services.assign(actor=request.user, sample=sample, assignments=assignments)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
        return redirect(f"{reverse('inspections:sample', args=[pk])}#villages")
    except services.SpotCheckError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已保存抽查人员分配（调整 {changed} 个村）。")
    return redirect(f"{reverse('inspections:sample', args=[pk])}#villages")


@allow(REVIEWERS)
@require_POST
def sample_confirm(request, pk: int):
    sample = _sample(request, pk)
    form = forms.ConfirmForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("problem") if v.isdigit()]
    if form.is_valid():
        errors = services.validate_confirm(
            campaign=sample.campaign,
            measures=form.cleaned_data["measures"],
            deadline=form.cleaned_data["deadline"],
        )
        for name, message in errors.items():
            form.add_error(name, message)
    if form.is_valid():
        try:
            entries = services.confirm(
                actor=request.user,
                sample=sample,
                problem_ids=ids,
                measures=form.cleaned_data["measures"],
                deadline=form.cleaned_data["deadline"],
            )
        except (services.SpotCheckError, ValidationError) as exc:
            messages.error(request, _message(exc))
        else:
            numbers = "、".join(f"{e.township.name}第 {e.number} 号" for e in entries)
            messages.success(
                request,
                f"已将 {len(entries)} 个问题列入乡镇整改台账（来源：市局抽查）：{numbers}；"
                "已提醒乡镇经办人。",
            )
            return redirect(f"{reverse('inspections:sample', args=[pk])}#confirm")
    context = selectors.sample_context(sample, confirm_form=form, checked=set(ids))
    return render(request, "inspections/sample.html", context, status=400)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


@allow(REVIEWERS)
@require_POST
def sample_publish(request, pk: int):
    sample = _sample(request, pk)
    try:
        services.publish(actor=request.user, sample=sample)
    except services.SpotCheckError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{sample}结果已公布，相关乡镇已收到提醒。")
    return redirect("inspections:sample", pk=pk)


# --- the inspector's households -------------------------------------------------------------
@allow(INSPECTORS)
def mine(request):
    return render(request, "inspections/mine.html", selectors.mine_context(request.user))


def _target(request, pk: int, household_pk: int) -> SampleHousehold:
    """The sampled household, if this user may see it; else a clear 404, audited."""
    sample = Sample.objects.filter(pk=pk).select_related("campaign").first()
    try:
        if sample is None:
            raise services.NotInSample("不存在或无权查看。")
        return services.target(user=request.user, sample=sample, household_id=household_pk)
    except services.NotInSample as exc:
        record(
            Event.PERMISSION_DENIED,
            outcome=Outcome.DENIED,
            object_label="inspections.samplehousehold",
            object_pk=f"{pk}:{household_pk}",
            detail={"path": request.path, "method": request.method, "reason": str(exc)},
        )
        raise Refused(str(exc)) from None


class Refused(Http404):
    pass


def _refused(request, exc: Refused):
    return render(request, "inspections/refused.html", {"message": str(exc)}, status=404)


@versioned
@csrf_exempt  # checked below, once the upload handlers are in place
@allow(REVIEWERS | INSPECTORS)
def visit(request, pk: int, household_pk: int):
    try:
        sh = _target(request, pk, household_pk)
    except Refused as exc:
        return _refused(request, exc)
    limiter = None
    if request.method == "POST":
        limiter = uploads.LimitedUploadHandler(request)
        request.upload_handlers.insert(0, limiter)
    return _visit(request, sh, limiter)


@csrf_protect
def _visit(request, sh: SampleHousehold, limiter):
    entries = list(services.household_entries(sh.household, campaign=sh.sample.campaign))
    existing = getattr(sh, "visit", None)
    can_edit = (
        request.user.role == Role.INSPECTOR
        and sh.sample_village.inspector_id == request.user.pk
        and services.locked_reason(sh) is None
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, services.locked_reason(sh) or "您不能修改这条核查记录。")
            return redirect("inspections:visit", pk=sh.sample_id, household_pk=sh.household_id)
        form = forms.VisitForm(request.POST, request.FILES)
        formset = forms.ProblemFormSet(request.POST, prefix="p", entries=entries)
        valid = form.is_valid() & formset.is_valid()
        if limiter is not None and limiter.too_large:
            form.add_error(
                "photos",
                f"照片过大，单张不能超过 {uploads.human_size(uploads.max_bytes())}。",
            )
            valid = False
        checked = []
        if valid:
            for upload in form.cleaned_data["photos"]:
                try:
                    checked.append((uploads.inspect(upload), upload.name))
                except uploads.UploadError as exc:
                    form.add_error("photos", str(exc))
                    valid = False
        status = 400
        if valid:
            what = f"{sh.household.head_name}户的抽查记录"
            mine = SpotCheckVisit.objects.filter(sample_household=sh)
            try:
                with versions.editing_first(
                    mine,
                    form.submitted_version(),
                    what=what,
                    of=selectors.record_version,
                    parts=lambda v: list(v.problems.all()),
                ):
                    services.record_visit(
                        actor=request.user,
                        sample_household=sh,
                        visited_on=form.cleaned_data["visited_on"],
                        found_nothing=form.cleaned_data["found_nothing"],
                        note=form.cleaned_data["note"],
                        problems=formset.problems(),
                        new_photos=checked,
                    )
            except versions.StaleEdit as exc:
                versions.refuse(request, exc, form, version=selectors.record_version(exc.current))
                status = versions.CONFLICT
            except ValidationError as exc:
                selectors.attach_errors(form, formset, exc)
            except services.SpotCheckError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已保存{sh.household.head_name}户的抽查记录。")
                return redirect("inspections:mine")
    else:
        form = forms.VisitForm(
            initial=selectors.visit_initial(existing), version=selectors.record_version(existing)
        )
        formset = forms.ProblemFormSet(
            prefix="p", entries=entries, initial=selectors.problems_initial(existing)
        )
        status = 200
    context = selectors.visit_context(sh, entries, form, formset, can_edit)
    return render(request, "inspections/visit.html", context, status=status)


@allow(REVIEWERS | INSPECTORS)
def visit_photo(request, pk: int, household_pk: int, photo_pk: int):
    try:
        sh = _target(request, pk, household_pk)
    except Refused as exc:
        return _refused(request, exc)
    photo = SpotCheckPhoto.objects.filter(visit__sample_household=sh, pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在")
    return serve_photo(request, photo, stem=f"spot-check-{photo.pk}")


# --- results (township) ------------------------------------------------------------------------
@allow(services.TOWNSHIP_READERS)
def results(request):
    return render(request, "inspections/results.html", selectors.results_context(request.user))
