"""Use cases of weekly reporting. Keyword-only, one transaction each, every change audited;
called alike by the pages, the commands and the demo.

    prepare (乡镇经办人)  →  待审批
    send_back (乡镇主要负责人, reason) → 已退回经办人; refresh (经办人) → 待审批 again
    approve (乡镇主要负责人) → 已报送: server time, chained hash, differences frozen
    accept  (市住建局审核员) → 已通过
    return_submission (审核员, reason + new due time) → 已退回; the township then prepares
        and approves a new submission for the same week, judged against the new due time.

The workflow is the table ``TRANSITIONS``, taken by ``anju.core.transitions``: conditional
updates (``… WHERE status = expected``), so when two people act at once exactly one succeeds
and the other is told the report has changed; each step is audited. The database
keeps at most one live (not returned) submission per township and week, and one chain
position per township, so a race can never produce two reports or a forked chain.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from anju.accounts import roles
from anju.accounts.roles import HEADS, OFFICERS, REVIEWERS, Role
from anju.audit.events import Event
from anju.campaigns.guard import ensure_writable, record_guard
from anju.core.reminders import remind, resolve, users_of
from anju.core.transitions import Machine, Reason, Transition, by, table
from anju.core.uploads import UploadError
from anju.rectification.snapshot import content_hash, differences
from anju.reporting import ledger, workplan
from anju.reporting import weeks as cal
from anju.reporting.models import UNSENT, Schedule, Status, WeeklySubmission, WorkPlan

if TYPE_CHECKING:
    from django.core.files import File
    from django.db.models import QuerySet

    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.units.models import Unit

ADMINS = frozenset({Role.CITY_ADMIN})


class ReportingError(Exception):
    """An action refused, with a Chinese message for the user."""


S = Status
TRANSITIONS = table(
    Transition("refresh", "重新生成", UNSENT, S.AWAITING, OFFICERS,
               event=Event.UPDATE, refused="{noun}已{state}，不能再重新生成。"),
    Transition("send_back", "退回经办人", (S.AWAITING,), S.SENT_BACK, HEADS,
               reason=Reason("退回经办人理由", "退回经办人必须填写理由，写明需要经办人改正什么。"),
               event=Event.RETURN),
    Transition("approve", "审批报送", (S.AWAITING,), S.SUBMITTED, HEADS, event=Event.SUBMIT),
    Transition("accept", "通过", (S.SUBMITTED,), S.ACCEPTED, REVIEWERS, event=Event.ACCEPT),
    Transition("return", "退回", (S.SUBMITTED,), S.RETURNED, REVIEWERS,
               reason=Reason("退回理由", "退回必须填写退回理由，写明需要乡镇改正什么。"),
               event=Event.RETURN),
)  # fmt: skip
MACHINE = Machine(
    model=WeeklySubmission,
    transitions=TRANSITIONS,
    noun="该周报",
    error=ReportingError,
    field="status",
    guard=record_guard,
)
STALE = MACHINE.stale_message


# --- who may act ------------------------------------------------------------------------
_name = roles.actor_name
_require_township = partial(roles.require_township, error=ReportingError)
_require_reviewer = partial(roles.require_reviewer, error=ReportingError)


# --- the schedule -----------------------------------------------------------------------
def schedule_of(campaign: Campaign) -> Schedule | None:
    return Schedule.objects.filter(campaign=campaign).select_related("campaign").first()


def _schedule(campaign: Campaign) -> Schedule:
    schedule = schedule_of(campaign)
    if schedule is None:
        raise ReportingError(
            "市住建局尚未设置本轮“回头看”的报送安排（阶段与每周截止时间），暂不能报送周报。"
        )
    return schedule


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validate_schedule(
    *,
    campaign: Campaign,
    mobilise_ends_on: dt.date,
    rectify_ends_on: dt.date,
    accept_ends_on: dt.date,
    report_weekday: int,
    report_time: dt.time,
) -> dict[str, str]:
    """Field → Chinese message for each problem (empty when the schedule may be saved)."""
    errors: dict[str, str] = {}
    start, end = campaign.starts_on, campaign.ends_on
    if mobilise_ends_on < start:
        errors["mobilise_ends_on"] = f"动员部署阶段截止日期不能早于本轮开始日期（{_day(start)}）。"
    if rectify_ends_on <= mobilise_ends_on:
        errors["rectify_ends_on"] = "排查整改阶段截止日期应晚于动员部署阶段截止日期。"
    if accept_ends_on <= rectify_ends_on:
        errors["accept_ends_on"] = "总结验收阶段截止日期应晚于排查整改阶段截止日期。"
    elif accept_ends_on > end:
        errors["accept_ends_on"] = f"总结验收阶段截止日期不能晚于本轮结束日期（{_day(end)}）。"
    if not 0 <= int(report_weekday) <= 6:
        errors["report_weekday"] = "请选择每周报送日（星期一至星期日）。"
    if report_time.second or report_time.microsecond:
        errors["report_time"] = "报送截止时刻精确到分钟，如 17:00。"
    if errors:
        return errors
    existing = schedule_of(campaign)
    if existing is not None:
        used = sorted(
            set(WeeklySubmission.objects.filter(campaign=campaign).values_list("week", flat=True))
        )
        old = {w.number: w for w in cal.weeks(existing)}
        new = {
            w.number: w
            for w in cal.compute_weeks(
                rectify_starts_on=mobilise_ends_on + dt.timedelta(days=1),
                rectify_ends_on=rectify_ends_on,
                weekday=int(report_weekday),
                time=report_time,
            )
        }
        moved = [n for n in used if old.get(n) != new.get(n)]
        if moved:
            errors["__all__"] = (
                f"已有乡镇报送第{'、'.join(str(n) for n in moved)}周周报，这些周的起止日期和截止时间不能再改变。"
                "请只调整尚无报送的周（例如延后排查整改阶段截止日期）。"
            )
    return errors


def save_schedule(
    *,
    actor: User,
    campaign: Campaign,
    mobilise_ends_on: dt.date,
    rectify_ends_on: dt.date,
    accept_ends_on: dt.date,
    report_weekday: int,
    report_time: dt.time,
) -> Schedule:
    if actor.role not in ADMINS or campaign.county_id != actor.unit_id:
        raise ReportingError("只有市住建局管理员可以设置报送安排。")
    ensure_writable(campaign)
    errors = validate_schedule(
        campaign=campaign,
        mobilise_ends_on=mobilise_ends_on,
        rectify_ends_on=rectify_ends_on,
        accept_ends_on=accept_ends_on,
        report_weekday=report_weekday,
        report_time=report_time,
    )
    values = {
        "mobilise_ends_on": mobilise_ends_on,
        "rectify_ends_on": rectify_ends_on,
        "accept_ends_on": accept_ends_on,
        "report_weekday": int(report_weekday),
        "report_time": report_time,
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        schedule = (
            Schedule.objects.select_for_update(of=("self",)).filter(campaign=campaign).first()
        )
        schedule = schedule or Schedule(campaign=campaign)
        for name, value in values.items():
            setattr(schedule, name, value)
        schedule.updated_by = actor
        schedule.save()
    return schedule


# --- work plans (动员部署) -----------------------------------------------------------------
def upload_work_plan(
    *, actor: User, campaign: Campaign, township: Unit, upload: File[bytes]
) -> WorkPlan:
    """Store the township's 工作方案 under a generated name; raises ValidationError
    ({"file": message}) when the file is refused."""
    _require_township(actor, township, OFFICERS, "上传本乡镇的工作方案")
    ensure_writable(campaign)
    try:
        checked = workplan.check(upload)
    except UploadError as exc:
        raise ValidationError({"file": str(exc)}) from None
    plan = WorkPlan(
        campaign=campaign, township=township, uploaded_by=actor, uploaded_by_name=_name(actor)
    )
    plan.keep(checked)
    try:
        with transaction.atomic():
            plan.save()
    except Exception:
        if plan.file.name:
            plan.file.storage.delete(plan.file.name)
        raise
    return plan


# --- weekly submissions -----------------------------------------------------------------
def _normalised(doc: dict[str, Any]) -> dict[str, Any]:
    """The document exactly as the database gives it back (JSON types only)."""
    normalised: dict[str, Any] = json.loads(json.dumps(doc, ensure_ascii=False))
    return normalised


def _already(live: WeeklySubmission) -> ReportingError:
    label = f"{live.township.name}第{live.week}周周报"
    if live.status == Status.SENT_BACK:
        return ReportingError(
            f"{label}已被乡镇主要负责人退回经办人，不能重复提交。"
            "请修改台账后在该周报页面点“按当前台账重新生成”。"
        )
    if live.status == Status.AWAITING:
        return ReportingError(
            f"{label}已于{cal.due_text(live.prepared_at)}提交审批，正等待乡镇主要负责人审批，不能重复提交。"
            "台账有变化的，可在该周报页面点“重新生成”。"
        )
    return ReportingError(
        f"{label}已于{cal.due_text(live.submitted_at or live.prepared_at)}报送，不能重复报送。"
        "此后对台账的修改会在下一次报送时作为变化列出；如需更正本周报送，请联系市住建局退回。"
    )


def _check_open(schedule: Schedule, at: dt.datetime) -> None:
    if at >= cal.rectify_closes_at(schedule):
        raise ReportingError(
            f"排查整改阶段已于{_day(schedule.rectify_ends_on)}结束，不能再报送周报。"
        )


def prepare(*, actor: User, campaign: Campaign, township: Unit, week: int) -> WeeklySubmission:
    """The officer freezes the township's ledger for ``week`` and sends it to the head."""
    _require_township(actor, township, OFFICERS, "提交本乡镇的周报")
    entries = ledger.current_entries(campaign, township)
    figures = ledger.figures(township, campaign)
    return _prepare(
        campaign=campaign,
        township=township,
        week=week,
        entries=entries,
        figures=figures,
        actor=actor,
        name=_name(actor),
        at=cal.server_now(),
    )


def _prepare(
    *,
    campaign: Campaign,
    township: Unit,
    week: int,
    entries: list[dict[str, Any]],
    figures: dict[str, Any],
    actor: User,
    name: str,
    at: dt.datetime,
) -> WeeklySubmission:
    """``at`` is the server clock (the demo passes past server times for its history)."""
    ensure_writable(campaign)
    schedule = _schedule(campaign)
    w = cal.week(schedule, week)
    if w is None:
        total = len(cal.weeks(schedule))
        raise ReportingError(f"第{week}周不在本轮排查整改阶段内（共{total}周）。")
    _check_open(schedule, at)
    if w.starts_on > at.astimezone(cal.local_zone()).date():
        raise ReportingError(f"{w.label}（{w.span}）尚未开始，不能提前报送。")
    same_week = WeeklySubmission.objects.filter(campaign=campaign, township=township, week=week)
    with transaction.atomic():
        live = same_week.live().select_related("township").first()
        if live is not None:
            raise _already(live)
        returned = same_week.filter(status=Status.RETURNED).order_by("-id").first()
        doc = _normalised(
            {
                "township": township.code,
                "township_name": township.name,
                "campaign": campaign.pk,
                "week": w.number,
                "week_span": [w.starts_on.isoformat(), w.ends_on.isoformat()],
                "prepared_at": at.isoformat(),
                "prepared_by": name,
                "entries": entries,
                "extras": figures,
            }
        )
        submission = WeeklySubmission(
            campaign=campaign,
            township=township,
            week=w.number,
            status=Status.AWAITING,
            due_at=(returned.new_due_at if returned else None) or w.due_at,
            snapshot=doc,
            entry_count=len(entries),
            prepared_by=actor,
            prepared_by_name=name,
            prepared_at=at,
            resubmission_of=returned,
        )
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            live = same_week.live().select_related("township").first()
            raise (_already(live) if live else ReportingError(STALE)) from None
    _ask_head(submission)
    return submission


def refresh(*, actor: User, submission: WeeklySubmission) -> WeeklySubmission:
    """Freeze the ledger again while the report still awaits the head's approval, or after
    the head sent it back (it then awaits the head again)."""
    township = submission.township
    _require_township(actor, township, TRANSITIONS["refresh"].roles, "重新生成本乡镇的周报")
    MACHINE.check(submission, "refresh")
    was = submission.status
    at = cal.server_now()
    entries = ledger.current_entries(submission.campaign, township)
    doc = _normalised(
        {
            **submission.snapshot,
            "prepared_at": at.isoformat(),
            "prepared_by": _name(actor),
            "entries": entries,
            "extras": ledger.figures(township, submission.campaign),
        }
    )
    detail: dict[str, Any] = {"regenerated": True, "entries": len(entries), "prepared_at": at}
    if was == Status.SENT_BACK:
        detail["status"] = [str(Status.SENT_BACK.label), str(Status.AWAITING.label)]
    MACHINE.move(
        submission,
        "refresh",
        values={"snapshot": doc, "entry_count": len(entries), **by("prepared", actor, at)},
        detail=detail,
        then=lambda moved, _: (
            _done(f"reporting:sent_back:{moved.pk}", at) if was == Status.SENT_BACK else None
        ),
        at=at,
    )
    if was == Status.SENT_BACK:
        _ask_head(submission, again=at)
    return submission


def _done(key: str, at: dt.datetime) -> None:
    """Mark the reminders of ``key`` (and of its repetitions ``key:…``) as done."""
    resolve(keys=[key], prefixes=[f"{key}:"], at=at)


def _settled(submission: WeeklySubmission, at: dt.datetime) -> None:
    """A report of the week was sent: the week's due-soon and overdue reminders, and the
    city's return this report answers, are done with."""
    resolve(prefixes=[week_key(submission.township_id, week=submission.week)], at=at)
    if submission.resubmission_of_id:
        _done(f"reporting:returned:{submission.resubmission_of_id}", at)


def week_key(township_id: int, *, week: int) -> str:
    """The start of the keys of a township-week's due-soon and overdue reminders."""
    return f"reporting:{township_id}:{week}:"


def _ask_head(submission: WeeklySubmission, *, again: dt.datetime | None = None) -> None:
    key = f"reporting:approve:{submission.pk}"
    if again is not None:  # a new reminder each time the officer regenerates a sent-back one
        key += f":{again:%Y%m%d%H%M%S}"
    township = submission.township
    remind(
        users_of(township, [Role.TOWNSHIP_HEAD]),
        kind="weekly_approval",
        title=(
            f"{township.name}第{submission.week}周周报"
            f"{'已由经办人修改后重新提交，' if again else ''}"
            f"待您审批（截止{cal.due_text(submission.due_at)}）"
        ),
        url=reverse("reporting:submission", args=[submission.pk]),
        key=key,
    )


def validate_send_back(reason: str) -> dict[str, str]:
    return TRANSITIONS["send_back"].reason_errors(reason)


def send_back(*, actor: User, submission: WeeklySubmission, reason: str) -> WeeklySubmission:
    """The township head sends the report back to the officer instead of approving it:
    nothing is sent; the officer is told why, corrects the ledger and regenerates it.
    Raises ValidationError ({"reason": …}) or ReportingError."""
    _require_township(
        actor, submission.township, TRANSITIONS["send_back"].roles, "退回本乡镇的周报"
    )
    ensure_writable(submission.campaign_id)  # before the reason is judged
    errors = validate_send_back(reason)
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    at = cal.server_now()
    MACHINE.check(submission, "send_back")
    MACHINE.move(
        submission,
        "send_back",
        values={**by("sent_back", actor, at), "sent_back_reason": reason},
        detail={"week": submission.week, "reason": reason, "to": "经办人"},
        then=lambda moved, _: _done(f"reporting:approve:{moved.pk}", at),
        at=at,
    )
    township = submission.township
    remind(
        users_of(township, [Role.TOWNSHIP_OFFICER]),
        kind="weekly_sent_back",
        title=f"第{submission.week}周周报被乡镇主要负责人退回：{reason}（请修改台账后重新生成）",
        url=reverse("reporting:submission", args=[submission.pk]),
        key=f"reporting:sent_back:{submission.pk}:{at:%Y%m%d%H%M%S}",
        level="warning",
    )
    return submission


def approve(
    *, actor: User, submission: WeeklySubmission, confirmed_with: str = ""
) -> WeeklySubmission:
    """The township head approves: this sends the report, at the server's time. The page
    first asks for the password or TOTP code again (``anju.accounts.reauth``);
    ``confirmed_with`` says which, and goes into the audit row."""
    _require_township(actor, submission.township, TRANSITIONS["approve"].roles, "审批本乡镇的周报")
    return _approve(
        submission=submission,
        actor=actor,
        name=_name(actor),
        at=cal.server_now(),
        confirmed_with=confirmed_with,
    )


def _approve(
    *,
    submission: WeeklySubmission,
    actor: User,
    name: str,
    at: dt.datetime,
    confirmed_with: str = "",
) -> WeeklySubmission:
    ensure_writable(submission.campaign_id)  # before the schedule is asked for
    schedule = _schedule(submission.campaign)
    MACHINE.check(submission, "approve")
    _check_open(schedule, at)
    chain = WeeklySubmission.objects.filter(
        campaign_id=submission.campaign_id, township_id=submission.township_id, seq__isnull=False
    )
    for attempt in range(5):
        try:
            MACHINE.move(
                submission,
                "approve",
                values=lambda: _sent(submission, chain, name=name, at=at) | {"approved_by": actor},
                detail=lambda moved: {
                    "week": moved.week,
                    "submitted_at": at,
                    "due_at": moved.due_at,
                    "on_time": moved.on_time,
                    "entries": moved.entry_count,
                    "seq": moved.seq,
                    "prev_hash": moved.prev_hash,
                    "content_hash": moved.content_hash,
                    "confirmed_with": confirmed_with or None,
                },
                then=lambda moved, _: _sent_reminders_done(moved, at),
                at=at,
            )
            return submission
        except IntegrityError:  # another week of the township took the same chain position
            if attempt == 4:
                raise ReportingError("同时有其他周报在报送，请稍后重试。") from None
    raise AssertionError("unreachable")


def _sent_reminders_done(submission: WeeklySubmission, at: dt.datetime) -> None:
    """The head's "待审批" reminder is done with, and so is the week's."""
    _done(f"reporting:approve:{submission.pk}", at)
    _settled(submission, at)


def _sent(
    submission: WeeklySubmission,
    chain: QuerySet[WeeklySubmission],
    *,
    name: str,
    at: dt.datetime,
) -> dict[str, Any]:
    """The fields of a report as sent: the snapshot with its place in the township's chain
    (computed inside the sending transaction)."""
    previous = chain.order_by("-seq").first()
    seq = (previous.seq or 0) + 1 if previous else 1  # the chain holds sent reports only
    prev_hash = previous.content_hash if previous else ""
    doc = _normalised(
        {
            **submission.snapshot,
            "submitted_at": at.isoformat(),
            "approved_by": name,
            "due_at": submission.due_at.isoformat(),
            "seq": seq,
        }
    )
    return {
        "snapshot": doc,
        "submitted_at": at,
        "approved_by_name": name,
        "seq": seq,
        "prev_hash": prev_hash,
        "content_hash": content_hash(doc, previous=prev_hash),
        "compared_with": previous,
        "differences": differences(previous.entries, doc["entries"]) if previous else None,
    }


def accept(*, actor: User, submission: WeeklySubmission) -> WeeklySubmission:
    _require_reviewer(actor, submission.township, "审核通过周报")
    return _accept(submission=submission, actor=actor, at=cal.server_now())


def _accept(*, submission: WeeklySubmission, actor: User, at: dt.datetime) -> WeeklySubmission:
    MACHINE.check(submission, "accept")
    MACHINE.move(
        submission,
        "accept",
        values=by("reviewed", actor, at),
        detail={"week": submission.week, "reviewed_at": at},
        at=at,
    )
    return submission


def validate_return(
    *, schedule: Schedule, reason: str, new_due_at: dt.datetime | None, now: dt.datetime
) -> dict[str, str]:
    errors = TRANSITIONS["return"].reason_errors(reason)
    closes = cal.rectify_closes_at(schedule)
    if new_due_at is None:
        errors["new_due_at"] = "请填写重新报送截止时间。"
    elif new_due_at <= now:
        errors["new_due_at"] = f"重新报送截止时间应晚于现在（{cal.due_text(now)}）。"
    elif new_due_at > closes:
        errors["new_due_at"] = (
            f"重新报送截止时间不能晚于排查整改阶段结束（{_day(schedule.rectify_ends_on)} 24:00）。"
        )
    return errors


def return_submission(
    *, actor: User, submission: WeeklySubmission, reason: str, new_due_at: dt.datetime | None
) -> WeeklySubmission:
    """Return a sent report with a reason and a new due time; raises ValidationError with
    field messages ("reason", "new_due_at") or ReportingError."""
    _require_reviewer(actor, submission.township, "退回周报")
    return _return(
        submission=submission,
        actor=actor,
        reason=reason,
        new_due_at=new_due_at,
        at=cal.server_now(),
    )


def _return(
    *,
    submission: WeeklySubmission,
    actor: User,
    reason: str,
    new_due_at: dt.datetime | None,
    at: dt.datetime,
) -> WeeklySubmission:
    MACHINE.check(submission, "return")
    schedule = _schedule(submission.campaign)
    if new_due_at is not None:
        new_due_at = new_due_at.replace(second=0, microsecond=0)
    errors = validate_return(schedule=schedule, reason=reason, new_due_at=new_due_at, now=at)
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    MACHINE.move(
        submission,
        "return",
        values={**by("reviewed", actor, at), "return_reason": reason, "new_due_at": new_due_at},
        detail={"week": submission.week, "reason": reason, "new_due_at": new_due_at},
        at=at,
    )
    notify_returned(submission)
    return submission


def notify_returned(submission: WeeklySubmission) -> int:
    """The officer (and head) of the township are told why and by when (once per return)."""
    township = submission.township
    return remind(
        users_of(township, [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD]),
        kind="weekly_returned",
        title=(
            f"第{submission.week}周周报被市住建局退回：{submission.return_reason}"
            f"（请于{cal.due_text(submission.new_due_at or submission.due_at)}前重新报送）"
        ),
        url=reverse("reporting:submission", args=[submission.pk]),
        key=f"reporting:returned:{submission.pk}",
        level="warning",
    )
