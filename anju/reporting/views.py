"""The reporting pages: the city's township × week grid and the township's own page, the
schedule and work plans, one submission (its frozen ledger, differences and actions), and
the comparison of two weeks. Thin: the work is in ``services``; every view has an access
rule, and submissions come through ``get_scoped_or_404`` (another township's are 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.accounts import reauth
from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns.models import Campaign
from anju.core import versions
from anju.core.access import allow
from anju.core.exports import ExportRefused, authorize_export, record_export
from anju.core.files import open_stored, serve_file
from anju.core.scoping import get_scoped_or_404
from anju.core.transitions import take_with_reason
from anju.core.versions import versioned
from anju.rectification.snapshot import official_rows
from anju.reporting import forms, ledger, selectors, services
from anju.reporting import weeks as cal
from anju.reporting.models import Schedule, WeeklySubmission, WorkPlan

VIEWERS = CITY | TOWNSHIP
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _submission(request, pk: int) -> WeeklySubmission:
    return get_scoped_or_404(
        request,
        WeeklySubmission.objects.select_related(
            "campaign", "township", "township__parent", "compared_with", "resubmission_of"
        ),
        pk=pk,
    )


# --- the index: the city's grid, or the township's own page ------------------------------
@allow(VIEWERS)
def index(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    schedule = selectors.schedule_for(campaign)
    now = cal.server_now()
    if selectors.is_city(user):
        context = selectors.grid_context(user, campaign, schedule, now)
        return render(request, "reporting/grid.html", context)
    context = selectors.township_context(user, campaign, schedule, now)
    return render(request, "reporting/township.html", context)


# --- the schedule --------------------------------------------------------------------------
@allow(VIEWERS)
def schedule(request):
    campaign = Campaign.objects.current(request.user)
    return render(
        request,
        "reporting/schedule.html",
        selectors.schedule_context(request.user, campaign, selectors.schedule_for(campaign)),
    )


@versioned
@allow(Role.CITY_ADMIN)
def schedule_edit(request):
    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        raise Http404("尚无“回头看”工作")
    current = selectors.schedule_for(campaign)
    status = 200
    if request.method == "POST":
        form = forms.ScheduleForm(request.POST, campaign=campaign)
        if form.is_valid():
            data = form.schedule_data()
            mine = Schedule.objects.filter(campaign=campaign)
            try:
                with versions.editing_first(mine, form.submitted_version(), what="报送安排"):
                    services.save_schedule(actor=request.user, campaign=campaign, **data)
            except versions.StaleEdit as exc:
                current = exc.current
                versions.refuse(request, exc, form, version=versions.version_of(current))
                status = versions.CONFLICT
            except ValidationError as exc:
                for name, message_list in exc.message_dict.items():
                    for message in message_list:
                        form.add_error(None if name == "__all__" else name, message)
            except services.ReportingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, "报送安排已保存，各周的起止日期和截止时间已按新安排计算。"
                )
                return redirect("reporting:schedule")
    else:
        form = forms.ScheduleForm(
            campaign=campaign,
            initial=selectors.schedule_initial(campaign, current),
            version=versions.version_of(current),
        )
    return render(
        request,
        "reporting/schedule_form.html",
        {"form": form, "campaign": campaign, "schedule": current},
        status=status,
    )


# --- work plans (动员部署) -------------------------------------------------------------------
@allow(VIEWERS)
def work_plans(request, form=None):
    campaign = Campaign.objects.current(request.user)
    context = selectors.work_plans_context(request.user, campaign, selectors.schedule_for(campaign))
    if request.user.role == Role.TOWNSHIP_OFFICER and campaign is not None:
        context["form"] = form or forms.WorkPlanForm()
    return render(request, "reporting/work_plans.html", context)


@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def work_plan_upload(request):
    campaign = Campaign.objects.current(request.user)
    if campaign is None:
        raise Http404("尚无“回头看”工作")
    form = forms.WorkPlanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plan = services.upload_work_plan(
                actor=request.user,
                campaign=campaign,
                township=request.user.unit,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        except services.ReportingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"工作方案“{plan.original_name}”已上传。")
            return redirect("reporting:work_plans")
    return work_plans.__wrapped__(request, form=form)


@allow(VIEWERS)
def work_plan_file(request, pk: int):
    plan = get_scoped_or_404(request, WorkPlan.objects.select_related("township"), pk=pk)
    name = f"{plan.township.name}工作方案{plan.extension}"
    return serve_file(open_stored(plan.file.name), name=name, content_type=plan.content_type)


# --- one submission ------------------------------------------------------------------------
@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def prepare(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    week = request.POST.get("week", "")
    if campaign is None or not week.isdigit():
        messages.error(request, "请选择要报送的周次。")
        return redirect("reporting:index")
    try:
        submission = services.prepare(
            actor=user, campaign=campaign, township=user.unit, week=int(week)
        )
    except services.ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:index")
    messages.success(
        request,
        f"第{submission.week}周周报已生成（台账 {submission.entry_count} 条），已提交乡镇主要负责人审批。"
        "审批后即报送市住建局。",
    )
    return redirect("reporting:submission", pk=submission.pk)


@allow(VIEWERS)
def submission_detail(request, pk: int, return_form=None, status=200, send_back_form=None):
    submission = _submission(request, pk)
    context = selectors.submission_context(request.user, submission, cal.server_now())
    if context["can_approve"]:
        context["send_back_form"] = send_back_form or forms.SendBackForm(
            version=versions.version_of(submission)
        )
    if context["can_review"]:
        context["return_form"] = return_form or forms.ReturnForm(
            initial={"new_due_at": selectors.suggested_new_due(submission, cal.server_now())},
            version=versions.version_of(submission),
        )
    return render(request, "reporting/submission.html", context, status=status)


def _what(submission) -> str:
    return f"{submission.township.name}第{submission.week}周周报"


def _act(request, pk: int, action, success: str):
    submission = _submission(request, pk)
    try:
        with versions.editing(submission, versions.submitted(request.POST), what=_what(submission)):
            action(actor=request.user, submission=submission)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except services.ReportingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success.format(s=submission))
    return redirect("reporting:submission", pk=pk)


@allow(Role.TOWNSHIP_OFFICER)
@require_POST
def refresh(request, pk: int):
    return _act(request, pk, services.refresh, "已按当前台账重新生成第{s.week}周周报，等待审批。")


@versioned
@allow(Role.TOWNSHIP_HEAD)
@require_POST
def approve(request, pk: int):
    """审批并报送: the head types the password (or the TOTP code) again, checked before
    and outside the sending transaction (a wrong one stays audited and counted)."""
    submission = _submission(request, pk)
    submitted = versions.submitted(request.POST)
    try:
        versions.check(submission, submitted, what=_what(submission))
        method = reauth.confirm(request, request.POST.get(reauth.FIELD), what="审批报送")
        with versions.editing(submission, submitted, what=_what(submission)):
            services.approve(actor=request.user, submission=submission, confirmed_with=method)
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except (services.ReportingError, reauth.NotConfirmed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已审批，第{submission.week}周周报已报送市住建局。")
    return redirect("reporting:submission", pk=pk)


@versioned
@allow(Role.TOWNSHIP_HEAD)
@require_POST
def send_back(request, pk: int):
    """退回经办人: the head returns the report to the officer with a reason (not sent)."""
    s = _submission(request, pk)
    return take_with_reason(
        request,
        forms.SendBackForm(request.POST),
        s,
        what=_what(s),
        take=lambda data: services.send_back(
            actor=request.user, submission=s, reason=data["reason"]
        ),
        page=lambda form, **status: submission_detail.__wrapped__(
            request, pk, send_back_form=form, **status
        ),
        back=reverse("reporting:submission", args=[pk]),
        error=services.ReportingError,
        done=f"已将第{s.week}周周报退回经办人，并提醒经办人修改后重新生成。",
    )


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def accept(request, pk: int):
    return _act(request, pk, services.accept, "已审核通过{s.township.name}第{s.week}周周报。")


@versioned
@allow(Role.CITY_REVIEWER)
@require_POST
def return_view(request, pk: int):
    s = _submission(request, pk)
    return take_with_reason(
        request,
        forms.ReturnForm(request.POST),
        s,
        what=_what(s),
        take=lambda data: services.return_submission(
            actor=request.user, submission=s, reason=data["reason"], new_due_at=data["new_due_at"]
        ),
        page=lambda form, **status: submission_detail.__wrapped__(
            request, pk, return_form=form, **status
        ),
        back=reverse("reporting:submission", args=[pk]),
        error=services.ReportingError,
        done=f"已退回{s.township.name}第{s.week}周周报，并提醒乡镇经办人。",
    )


@allow(VIEWERS)
@require_POST
def download(request, pk: int):
    """The submission's frozen ledger as the official workbook (audited export)."""
    submission = _submission(request, pk)
    rows = len(official_rows(submission.entries))
    try:
        authorize_export(request, rows=rows, unmasked=False, reason=request.POST.get("reason", ""))
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect("reporting:submission", pk=pk)
    moment = submission.submitted_at or submission.prepared_at
    data, count = ledger.workbook(
        township=submission.township,
        entries=submission.entries,
        as_of=moment.astimezone(cal.local_zone()).date(),
        at=submission.prepared_at,
    )
    record_export(
        what="reporting.weekly_ledger",
        filters={
            "submission": submission.pk,
            "township": submission.township.code,
            "week": submission.week,
        },
        rows=count,
        content=data,
        unmasked=False,
    )
    name = f"{submission.township.name}整改台账（第{submission.week}周报送）.xlsx"
    return serve_file(data, name=name, content_type=XLSX)


# --- compare two weeks -----------------------------------------------------------------------
@allow(VIEWERS)
def compare(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    schedule = selectors.schedule_for(campaign)
    if campaign is None or schedule is None:
        return render(request, "reporting/compare.html", {"campaign": campaign, "form": None})
    townships = list(selectors.townships_for(user))
    week_numbers = [w.number for w in cal.weeks(schedule)]
    form = forms.CompareForm(
        request.GET or None,
        townships=townships,
        week_numbers=week_numbers,
        township_required=selectors.is_city(user),
    )
    context = {"campaign": campaign, "form": form, "is_city": selectors.is_city(user)}
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data.get("township")
        township = (
            next(t for t in townships if t.pk == chosen) if selectors.is_city(user) else user.unit
        )
        context.update(
            selectors.compare_context(
                user, campaign, township, form.cleaned_data["a"], form.cleaned_data["b"]
            )
        )
    return render(request, "reporting/compare.html", context)
