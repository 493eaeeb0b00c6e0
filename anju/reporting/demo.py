"""Weekly reporting in the demo county: the schedule of the current campaign, laid out so
that 排查整改 is live today with two or three weeks behind it, work plans, and a history of
weekly reports — most townships on time, some late, some missing, one returned (顺店镇's
head has this week's report awaiting approval; 火龙镇 has not yet sent this week's, so its
officer can run the week end to end).

Everything goes through the services, with the server times of a plausible history (the
services' internal ``at``; pages never pass a time). 火龙镇 and 顺店镇 act through their demo
logins (huolong_jb / huolong_fzr, shundian_jb / shundian_fzr) and the city through
shi_shenhe; the other townships have no demo logins, so their reports are recorded as the
system with the submitter shown as "<乡镇>经办人（演示）" / "<乡镇>主要负责人（演示）".
Skipped when the campaign already has weekly reports.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile

from anju.accounts.models import User
from anju.audit.context import SYSTEM, acting_as
from anju.campaigns.models import Campaign
from anju.reporting import ledger, selectors, services
from anju.reporting import weeks as cal
from anju.reporting.models import (
    DEFAULT_TIME,
    DEFAULT_WEEKDAY,
    Schedule,
    WeeklySubmission,
    WorkPlan,
)
from anju.units.models import Unit

OFFICERS = {"411081100": "huolong_jb", "411081101": "shundian_jb"}
HEADS = {"411081100": "huolong_fzr", "411081101": "shundian_fzr"}
REVIEWER = "shi_shenhe"
ADMIN = "shi_admin"
HUOLONG, SHUNDIAN = "411081100", "411081101"
RETURN_REASON = "台账中部分整改措施只写“加强管理”“进一步落实”，没有写明具体措施、对象和完成时限，请补充后重新报送。"
# A minimal, valid one-page PDF (the demo's work plans).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def build(ctx) -> None:
    campaign = Campaign.objects.current()
    if campaign is None:
        ctx.say("演示周报：尚无“回头看”工作，跳过")
        return
    if WeeklySubmission.objects.filter(campaign=campaign).exists():
        ctx.say("演示周报：已有周报，跳过")
        return
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    now = cal.server_now()
    today = now.astimezone(cal.local_zone()).date()
    schedule = _schedule(campaign, today, users.get(ADMIN))
    townships = list(
        Unit.objects.townships().filter(parent=campaign.county, is_active=True).order_by("code")
    )
    plans = _work_plans(campaign, schedule, townships, users)
    rng = random.Random(ctx.seed)
    counts = {"on_time": 0, "late": 0, "missing": 0, "returned": 0, "awaiting": 0}
    past = [w for w in cal.weeks(schedule) if w.due_at < now]
    current = cal.week_of(schedule, today)
    if current is not None and current.due_at < now:
        current = None
    for index, township in enumerate(townships):
        _township_history(
            campaign, schedule, township, index, past, current, now, users, rng, counts
        )
    ctx.say(
        f"演示周报：报送安排（{len(cal.weeks(schedule))} 周，已过 {len(past)} 周），"
        f"工作方案 {plans} 份；按时 {counts['on_time']}、逾期 {counts['late']}、"
        f"未报送 {counts['missing']}、退回 {counts['returned']}、待审批 {counts['awaiting']}"
    )


def _schedule(campaign, today: dt.date, admin) -> Schedule:
    existing = services.schedule_of(campaign)
    if existing is not None:
        return existing
    initial = selectors.schedule_initial(campaign, None)
    start, end = campaign.starts_on, campaign.ends_on
    if start <= today <= end:
        # Live: a short 动员部署 so that two full weeks of 排查整改 lie behind today.
        mobilise = start + dt.timedelta(days=1)
        rectify = max(initial["rectify_ends_on"], min(today + dt.timedelta(days=7), end))
        initial.update(mobilise_ends_on=mobilise, rectify_ends_on=rectify)
        if initial["accept_ends_on"] <= rectify:
            initial["accept_ends_on"] = end
    values = {**initial, "report_weekday": DEFAULT_WEEKDAY, "report_time": DEFAULT_TIME}
    if admin is not None:
        with acting_as(admin):
            return services.save_schedule(actor=admin, campaign=campaign, **values)
    return Schedule.objects.create(campaign=campaign, **values)


def _work_plans(campaign, schedule, townships, users) -> int:
    if WorkPlan.objects.filter(campaign=campaign).exists():
        return 0
    made = 0
    uploaded_at = cal.at_local(schedule.mobilise_ends_on, dt.time(15, 30))
    for index, township in enumerate(townships):
        if township.code == SHUNDIAN or index % 8 == 7:
            continue  # 顺店镇 and a few others have not uploaded theirs
        upload = ContentFile(PDF, name=f"{township.name}“回头看”工作方案.pdf")
        officer = users.get(OFFICERS.get(township.code, ""))
        if officer is not None:
            with acting_as(officer):
                plan = services.upload_work_plan(
                    actor=officer, campaign=campaign, township=township, upload=upload
                )
        else:
            checked = services.workplan.check(upload)
            plan = WorkPlan(
                campaign=campaign,
                township=township,
                original_name=checked.name,
                content_type=checked.content_type,
                extension=checked.extension,
                size=len(checked.content),
                sha256=checked.sha256,
                uploaded_by_name=f"{township.name}经办人（演示）",
            )
            plan.file.save("plan", ContentFile(checked.content), save=False)
            plan.save()
        # Demo history: uploaded during 动员部署, not at the moment the demo runs.
        WorkPlan.objects.filter(pk=plan.pk).update(uploaded_at=uploaded_at)
        made += 1
    return made


def _office_time(week, late: bool, rng) -> dt.datetime:
    """A plausible moment of sending, in office hours: on time on the due day (or the day
    before), late the next morning or that evening."""
    due_day = week.due_at.astimezone(cal.local_zone()).date()
    if late:
        if rng.random() < 0.5:
            return cal.at_local(due_day, dt.time(rng.randint(18, 20), rng.randint(0, 59)))
        return cal.at_local(
            due_day + dt.timedelta(days=1), dt.time(rng.randint(8, 11), rng.randint(0, 59))
        )
    day = max(due_day - dt.timedelta(days=rng.randint(0, 1)), week.starts_on)
    sent = cal.at_local(day, dt.time(rng.randint(9, 16), rng.randint(0, 59)))
    return min(sent, week.due_at - dt.timedelta(minutes=rng.randint(5, 40)))


def _weekly_entries(entries: list[dict], k: int, total: int) -> list[dict]:
    """A plausible earlier ledger: fewer entries, and what is closed now was still being
    worked on (so the weeks show differences)."""
    if k >= total - 1:
        return entries
    keep = entries[: max(1, -(-len(entries) * (k + 1) // total))] if entries else []
    earlier = {"closed": "in_progress", "awaiting": "in_progress"}
    return [{**e, "state": earlier.get(e["state"], e["state"])} for e in keep]


def _township_history(campaign, schedule, township, index, past, current, now, users, rng, counts):
    officer = users.get(OFFICERS.get(township.code, ""))
    head = users.get(HEADS.get(township.code, ""))
    reviewer = users.get(REVIEWER)
    entries = ledger.current_entries(campaign, township)
    figures = ledger.figures(township, campaign)
    total = len(past) + 1
    closes = cal.rectify_closes_at(schedule)
    for k, week in enumerate(past):
        last = k == len(past) - 1
        if township.code != HUOLONG and (
            (last and index % 6 == 5) or (k == 0 and index % 13 == 12)
        ):
            counts["missing"] += 1
            continue
        late = township.code != HUOLONG and (
            (township.code == SHUNDIAN and last) or (index % 4 == 3 and k == len(past) // 2)
        )
        sent_at = min(_office_time(week, late, rng), now)
        submission = _send(
            campaign,
            township,
            week,
            _weekly_entries(entries, k, total),
            figures,
            officer,
            head,
            sent_at,
        )
        counts["late" if late else "on_time"] += 1
        if reviewer is None:
            continue
        review_at = min(sent_at + dt.timedelta(hours=20), now)
        if index == 2 and last:
            tomorrow = now.astimezone(cal.local_zone()).date() + dt.timedelta(days=1)
            new_due = min(cal.at_local(tomorrow, DEFAULT_TIME), closes)
            if new_due > now:
                with acting_as(reviewer):
                    services._return(
                        submission=submission,
                        actor=reviewer,
                        reason=RETURN_REASON,
                        new_due_at=new_due,
                        at=review_at,
                    )
                counts["returned"] += 1
                continue
        if not last or index % 2 == 0:
            with acting_as(reviewer):
                services._accept(submission=submission, actor=reviewer, at=review_at)
    if current is None or township.code == HUOLONG:
        return
    if township.code == SHUNDIAN:
        at = max(now - dt.timedelta(hours=2), cal.at_local(current.starts_on, dt.time(9, 0)))
        with acting_as(officer or SYSTEM):
            services._prepare(
                campaign=campaign,
                township=township,
                week=current.number,
                entries=entries,
                figures=figures,
                actor=officer,
                name=_officer_name(officer, township),
                at=min(at, now),
            )
        counts["awaiting"] += 1
    elif index % 3 == 0 and now.astimezone(cal.local_zone()).date() > current.starts_on:
        day = now.astimezone(cal.local_zone()).date() - dt.timedelta(days=1)
        at = cal.at_local(day, dt.time(rng.randint(9, 16), rng.randint(0, 59)))
        _send(campaign, township, current, entries, figures, officer, head, min(at, now))
        counts["on_time"] += 1


def _officer_name(officer, township) -> str:
    return (officer.full_name if officer else "") or f"{township.name}经办人（演示）"


def _head_name(head, township) -> str:
    return (head.full_name if head else "") or f"{township.name}主要负责人（演示）"


def _send(campaign, township, week, entries, figures, officer, head, sent_at):
    prepared_at = sent_at - dt.timedelta(minutes=45)
    prepared_at = max(prepared_at, cal.at_local(week.starts_on, dt.time(8, 0)))
    with acting_as(officer or SYSTEM):
        submission = services._prepare(
            campaign=campaign,
            township=township,
            week=week.number,
            entries=entries,
            figures=figures,
            actor=officer,
            name=_officer_name(officer, township),
            at=prepared_at,
        )
    with acting_as(head or SYSTEM):
        return services._approve(
            submission=submission, actor=head, name=_head_name(head, township), at=sent_at
        )
