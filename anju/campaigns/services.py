"""Rounds (“回头看”轮次) as the city administrator manages them (issue #16 items 1 and 2).

A round is created from the bureau's document as a draft — title, 文号, issuing and
superior office, the county (the administrator's own), the dates of its three phases with
the document's wording of each deadline, the weekly report day and time, the scope and the
rule switches — edited while it is a draft, then published (the townships see it and work
in it), closed and archived. "复制上一轮" starts a new draft from an earlier round: its
offices, scope, rule parameters and switches, its phase lengths (as offsets from the start)
and its weekly schedule. Every change is a save of an audited model (create/update with
old → new values, the copy's origin among them); publishing, closing and archiving add a
TRANSITION event naming the step. Each use case is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anju.accounts.roles import Role
from anju.audit.events import Event
from anju.audit.services import record
from anju.campaigns import carryover
from anju.campaigns.models import Campaign, Status, county_of
from anju.reporting import weeks as cal
from anju.reporting.models import DEFAULT_TIME, DEFAULT_WEEKDAY, Schedule

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.units.models import Unit

ONE = dt.timedelta(days=1)
ROUND_FIELDS = (
    "name",
    "document_number",
    "issuing_office",
    "superior_office",
    "starts_on",
    "ends_on",
    "scope_all_groups",
    "disabled_rules",
    "list_due_day",
    "assess_due_day",
)
SCHEDULE_FIELDS = (
    "mobilise_ends_on",
    "rectify_ends_on",
    "accept_ends_on",
    "mobilise_required",
    "rectify_required",
    "accept_required",
    "report_weekday",
    "report_time",
)
# Which step may follow which (publish a draft, close a published round, archive a closed one).
STEPS = {
    "publish": (Status.DRAFT, Status.PUBLISHED, "发布"),
    "close": (Status.PUBLISHED, Status.CLOSED, "结束"),
    "archive": (Status.CLOSED, Status.ARCHIVED, "归档"),
}


class RoundError(Exception):
    """A step the round's state or the user's role does not allow (Chinese message)."""


@dataclass(frozen=True)
class RoundData:
    """What the round form collects: the round's own fields and its schedule's."""

    values: dict[str, Any]

    def round_values(self) -> dict[str, Any]:
        return {k: self.values[k] for k in ROUND_FIELDS if k in self.values}

    def schedule_values(self) -> dict[str, Any]:
        return {k: self.values[k] for k in SCHEDULE_FIELDS if k in self.values}


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _require_admin(actor: User, campaign: Campaign | None = None) -> Unit:
    county = county_of(getattr(actor, "unit", None))
    if actor.role != Role.CITY_ADMIN or county is None:
        raise RoundError("只有市住建局管理员可以管理“回头看”轮次。")
    if campaign is not None and campaign.county_id != county.pk:
        raise RoundError("只能管理本县（市、区）的“回头看”轮次。")
    return county


def validate(values: dict[str, Any]) -> dict[str, str]:
    """Field → Chinese message for each problem of a round's dates (empty: may be saved)."""
    errors: dict[str, str] = {}
    start, end = values["starts_on"], values["ends_on"]
    mobilise, rectify, accept = (
        values["mobilise_ends_on"],
        values["rectify_ends_on"],
        values["accept_ends_on"],
    )
    if end < start:
        errors["ends_on"] = f"结束日期不能早于开始日期（{_day(start)}）。"
        return errors
    list_day, assess_day = values.get("list_due_day"), values.get("assess_due_day")
    if list_day and assess_day and assess_day <= list_day:
        errors["assess_due_day"] = "新增户鉴定完成日应晚于名单报送日。"
    if mobilise < start:
        errors["mobilise_ends_on"] = f"动员部署阶段截止日期不能早于本轮开始日期（{_day(start)}）。"
    if rectify <= mobilise:
        errors["rectify_ends_on"] = "排查整改阶段截止日期应晚于动员部署阶段截止日期。"
    if accept <= rectify:
        errors["accept_ends_on"] = "总结验收阶段截止日期应晚于排查整改阶段截止日期。"
    elif accept > end:
        errors["accept_ends_on"] = f"总结验收阶段截止日期不能晚于本轮结束日期（{_day(end)}）。"
    return errors


def _check(values: dict[str, Any]) -> None:
    errors = validate(values)
    if errors:
        raise ValidationError(errors)


def create_round(*, actor: User, data: RoundData, copied_from: Campaign | None = None) -> Campaign:
    """A new draft round of the administrator's county, with its schedule. Copying carries
    the earlier round's rule parameters (the form carries its switches and the rest)."""
    county = _require_admin(actor, copied_from)
    _check(data.values)
    with transaction.atomic():
        campaign = Campaign(
            county=county,
            status=Status.DRAFT,
            is_active=False,
            copied_from=copied_from,
            rule_params=dict(copied_from.rule_params or {}) if copied_from else {},
            **data.round_values(),
        )
        campaign.save()
        Schedule.objects.create(campaign=campaign, updated_by=actor, **data.schedule_values())
    return campaign


def update_round(*, actor: User, campaign: Campaign, data: RoundData) -> Campaign:
    """Change a draft round and its schedule (a published round's schedule is changed on
    the 报送安排 page, which keeps weeks already reported)."""
    _require_admin(actor, campaign)
    if not campaign.is_draft:
        raise RoundError("只有草稿状态的轮次可以修改；已发布的轮次请在“报送安排”页调整阶段。")
    _check(data.values)
    with transaction.atomic():
        for name, value in data.round_values().items():
            setattr(campaign, name, value)
        campaign.save()
        schedule = Schedule.objects.filter(campaign=campaign).first() or Schedule(campaign=campaign)
        for name, value in data.schedule_values().items():
            setattr(schedule, name, value)
        schedule.updated_by = actor
        schedule.save()
    return campaign


def step(
    *,
    actor: User,
    campaign: Campaign,
    action: str,
    carry_to: Campaign | None = None,
    carried: dict[str, int] | None = None,
) -> Campaign:
    """Publish, close or archive a round (one step along its life). Closing may carry the
    round's open work into ``carry_to`` in the same transaction (``carryover``); what was
    moved (label → count) is added to ``carried``."""
    carried = {} if carried is None else carried
    _require_admin(actor, campaign)
    if carry_to is not None and action != "close":
        raise RoundError("只有结束本轮时可以把未完成的问题转入下一轮。")
    if action not in STEPS:
        raise RoundError("不支持的操作。")
    before, after, verb = STEPS[action]
    if campaign.status != before:
        raise RoundError(
            f"本轮状态为“{campaign.get_status_display()}”，不能{verb}"
            f"（只有“{Status(before).label}”的轮次可以{verb}）。"
        )
    if action == "publish" and not Schedule.objects.filter(campaign=campaign).exists():
        raise RoundError("本轮还没有阶段安排，请先填写各阶段截止日期后再发布。")
    with transaction.atomic():
        campaign.status = after
        campaign.is_active = after == Status.PUBLISHED
        campaign.save()
        record(Event.TRANSITION, obj=campaign, detail={"event": action, "to": str(after)})
        if carry_to is not None:
            carried.update(_carry(actor, campaign, carry_to))
    return campaign


def carry_over(*, actor: User, campaign: Campaign, target: Campaign) -> dict[str, int]:
    """Carry a closed round's open work into ``target`` (when the next round was not there
    yet, or not chosen, when it closed)."""
    _require_admin(actor, campaign)
    if campaign.status != Status.CLOSED:
        raise RoundError(
            f"本轮状态为“{campaign.get_status_display()}”，只有已结束的轮次可以转出未完成的问题"
            "（进行中的轮次请在结束时转入）。"
        )
    with transaction.atomic():
        return _carry(actor, campaign, target)


def _carry(actor: User, source: Campaign, target: Campaign) -> dict[str, int]:
    _require_admin(actor, target)
    try:
        return carryover.carry(actor=actor, source=source, target=target)
    except carryover.CarryError as exc:
        raise RoundError(str(exc)) from None


def copy_initial(previous: Campaign, *, starts_on: dt.date) -> dict[str, Any]:
    """The round form's values for a copy of ``previous`` starting on ``starts_on``: its
    offices, scope and switches, each phase the same number of days after the start, the
    same weekly day and time. Title and 文号 are left for the new document."""
    shift = starts_on - previous.starts_on
    values: dict[str, Any] = {
        "name": "",
        "document_number": "",
        "issuing_office": previous.issuing_office,
        "superior_office": previous.superior_office,
        "starts_on": starts_on,
        "ends_on": previous.ends_on + shift,
        "scope_all_groups": previous.scope_all_groups,
        "disabled_rules": list(previous.disabled_rules or []),
        "list_due_day": previous.list_due_day,
        "assess_due_day": previous.assess_due_day,
    }
    schedule = Schedule.objects.filter(campaign=previous).first()
    if schedule is not None:
        values.update(
            mobilise_ends_on=schedule.mobilise_ends_on + shift,
            rectify_ends_on=schedule.rectify_ends_on + shift,
            accept_ends_on=schedule.accept_ends_on + shift,
            mobilise_required=schedule.mobilise_required,
            rectify_required=schedule.rectify_required,
            accept_required=schedule.accept_required,
            report_weekday=schedule.report_weekday,
            report_time=schedule.report_time,
        )
    else:
        values.update(blank_schedule(starts_on, ends_on=values["ends_on"]))
    return values


def blank_schedule(starts_on: dt.date, *, ends_on: dt.date) -> dict[str, Any]:
    """A first guess at the phases of a round without a model: a week of 动员部署, 总结验收
    the last ten days, 排查整改 between (the administrator types the document's dates)."""
    span = (ends_on - starts_on).days
    mobilise = starts_on + dt.timedelta(days=min(7, max(span // 5, 0)))
    accept_days = min(10, max(span // 4, 1))
    rectify = max(ends_on - dt.timedelta(days=accept_days), mobilise + ONE)
    return {
        "mobilise_ends_on": mobilise,
        "rectify_ends_on": rectify,
        "accept_ends_on": ends_on,
        "report_weekday": DEFAULT_WEEKDAY,
        "report_time": DEFAULT_TIME,
    }


def phases_of(campaign: Campaign) -> list[cal.Phase]:
    schedule = Schedule.objects.filter(campaign=campaign).select_related("campaign").first()
    return cal.phases(schedule) if schedule is not None else []
