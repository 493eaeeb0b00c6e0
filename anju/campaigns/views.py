"""Rounds pages: the list of the county's rounds, one round, the round form (new, copy of an
earlier round, edit while draft) and the steps publish / close / archive. Thin: the work is
in ``services``; rounds are fetched in the user's county (``get_scoped_or_404``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.accounts.roles import CITY, TOWNSHIP, Role
from anju.campaigns import carryover, forms, selection, services
from anju.campaigns.models import Campaign, Status, county_of, round_today
from anju.core import versions
from anju.core.access import allow
from anju.core.redirects import safe_next
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.reporting.models import Schedule

VIEWERS = CITY | TOWNSHIP


def round_version(campaign) -> str:
    """What the round form was opened on: the round's fields and its schedule's."""
    schedule = Schedule.objects.filter(campaign=campaign).first()
    return versions.fingerprint(versions.version_of(campaign), versions.version_of(schedule))


def _round(request, pk: int) -> Campaign:
    return get_scoped_or_404(request, Campaign.objects.select_related("county"), pk=pk)


def live_round(user):
    """The round running for the user's county, whatever round the user is looking at."""
    county = county_of(user.unit)
    return Campaign.objects.current(county=county) if county is not None else None


@allow(VIEWERS)
def round_list(request):
    rounds = list(Campaign.objects.of_county(request.user).order_by("-starts_on", "-id"))
    return render(
        request,
        "campaigns/round_list.html",
        {
            "rounds": rounds,
            "current": live_round(request.user),
            "viewing": getattr(request.user, "viewing_round", None),
            "county": county_of(request.user.unit),
            "is_admin": request.user.role == Role.CITY_ADMIN,
        },
    )


@allow(VIEWERS)
def round_detail(request, pk: int):
    campaign = _round(request, pk)
    schedule = Schedule.objects.filter(campaign=campaign).first()
    return render(
        request,
        "campaigns/round_detail.html",
        {
            "campaign": campaign,
            "schedule": schedule,
            "phases": services.phases_of(campaign),
            "today": round_today(),
            "is_admin": request.user.role == Role.CITY_ADMIN,
            "disabled": list(campaign.disabled_rules or []),
            "current": live_round(request.user),
            **_carry_context(request.user, campaign),
        },
    )


def _carry_context(user, campaign) -> dict:
    """What closing (or a closed round) would leave behind, and where it may go."""
    if user.role != Role.CITY_ADMIN or campaign.status not in (Status.PUBLISHED, Status.CLOSED):
        return {}
    left = carryover.offer(campaign)
    return {"left": left, "carry_targets": list(carryover.targets(campaign)) if left else []}


def _target(request, campaign):
    """The round chosen to carry the open work into (None: not carried)."""
    pk = request.POST.get("carry_to", "")
    if not pk.isdigit():
        return None
    return carryover.targets(campaign).filter(pk=int(pk)).first()


@allow(Role.CITY_ADMIN)
def round_create(request):
    """A new draft round; ``?from=<id>`` copies an earlier round of the county."""
    source_pk = request.POST.get("copied_from") or request.GET.get("from")
    source = _round(request, int(source_pk)) if source_pk and source_pk.isdigit() else None
    if request.method == "POST":
        form = forms.RoundForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.create_round(
                    actor=request.user, data=form.round_data(), copied_from=source
                )
            except services.RoundError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"已创建草稿“{campaign.name}”。核对无误后请发布。")
                return redirect("campaigns:detail", pk=campaign.pk)
    else:
        today = round_today()
        if source is not None:
            values = services.copy_initial(source, starts_on=today)
        else:
            end = (
                today.replace(month=12, day=31)
                if today.month < 12
                else today.replace(year=today.year + 1, month=1, day=31)
            )
            values = {
                "starts_on": today,
                "ends_on": end,
                **services.blank_schedule(today, ends_on=end),
            }
        form = forms.RoundForm(initial=forms.initial_of(values))
    return render(
        request,
        "campaigns/round_form.html",
        {"form": form, "source": source, "campaign": None},
    )


@versioned
@allow(Role.CITY_ADMIN)
def round_edit(request, pk: int):
    campaign = _round(request, pk)
    status = 200
    differences = []
    if not campaign.is_draft:
        messages.error(
            request, "只有草稿状态的轮次可以修改；已发布的轮次请在“报送安排”页调整阶段。"
        )
        return redirect("campaigns:detail", pk=campaign.pk)
    if request.method == "POST":
        form = forms.RoundForm(request.POST, version=round_version(campaign))
        if form.is_valid():
            try:
                with versions.editing(
                    campaign, form.submitted_version(), what=campaign.name, of=round_version
                ) as current:
                    services.update_round(
                        actor=request.user, campaign=current, data=form.round_data()
                    )
            except versions.StaleEdit as exc:
                versions.refuse(request, exc, form, version=round_version(exc.current))
                status = versions.CONFLICT
                if exc.current is not None:
                    differences = versions.differences(form, exc.current)
            except services.RoundError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("campaigns:detail", pk=campaign.pk)
    else:
        form = forms.RoundForm(
            initial=forms.initial_of(forms.values_of(campaign)), version=round_version(campaign)
        )
    return render(
        request,
        "campaigns/round_form.html",
        {
            "form": form,
            "source": campaign.copied_from,
            "campaign": campaign,
            "differences": differences,
        },
        status=status,
    )


@versioned
@allow(Role.CITY_ADMIN)
@require_POST
def round_step(request, pk: int, action: str):
    campaign = _round(request, pk)
    carry_to = None
    moved: dict[str, int] = {}
    try:
        with versions.editing(
            campaign, versions.submitted(request.POST), what=campaign.name
        ) as cur:
            carry_to = _target(request, cur) if action == "close" else None
            services.step(
                actor=request.user, campaign=cur, action=action, carry_to=carry_to, carried=moved
            )
    except versions.StaleEdit as exc:
        versions.refuse(request, exc)
    except services.RoundError as exc:
        messages.error(request, str(exc))
    else:
        verb = services.STEPS[action][2]
        carried = ""
        if carry_to is not None:
            carried = f"{carryover.summary(moved)}已转入“{carry_to.name}”。"
        messages.success(request, f"已{verb}“{campaign.name}”。{carried}")
    return redirect("campaigns:detail", pk=campaign.pk)


@allow(Role.CITY_ADMIN)
@require_POST
def round_carry(request, pk: int):
    """Carry a closed round's open work into another round (chosen on the round's page)."""
    campaign = _round(request, pk)
    target = _target(request, campaign)
    if target is None:
        messages.error(request, "请选择要转入的轮次（本县尚未结束的另一轮次）。")
        return redirect("campaigns:detail", pk=campaign.pk)
    try:
        moved = services.carry_over(actor=request.user, campaign=campaign, target=target)
    except services.RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{carryover.summary(moved)}已转入“{target.name}”。")
    return redirect("campaigns:detail", pk=campaign.pk)


def _add_errors(form, exc: ValidationError) -> None:
    for name, message_list in exc.message_dict.items():
        for message in message_list:
            form.add_error(None if name == "__all__" or name not in form.fields else name, message)


@allow(VIEWERS)
@require_POST
def round_view(request):
    """The round selector: look at an earlier (or any published) round of the county, or
    go back to the current one (empty ``round``). Drafts cannot be looked at this way."""
    pk = request.POST.get("round", "")
    if not pk:
        selection.choose(request, None)
        messages.info(request, "已回到当前轮次。")
        return redirect(safe_next(request))
    campaign = _round(request, int(pk)) if pk.isdigit() else None
    if campaign is None or campaign.is_draft:
        messages.error(request, "草稿状态的轮次不能切换查看，请先发布。")
        return redirect("campaigns:list")
    live = live_round(request.user)
    selection.choose(request, None if live is not None and live.pk == campaign.pk else campaign)
    if campaign.is_read_only:
        messages.info(request, f"正在查看“{campaign.name}”：各页显示本轮的内容，只能查看。")
    return redirect("/")
