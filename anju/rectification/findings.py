"""Screening findings → ledger entries (DESIGN.md §3: "a finding is confirmed into a ledger
entry"), and the close guard "not while a linked finding still fires".

- ``entries_from_findings(actor, findings, nature=…, measures=…, deadline=…, join=None)``
  puts confirmed (or still open: they are confirmed on the way) findings on the ledger:
  one new entry — a 个性问题 for one household, a 共性问题 linking many — or, with
  ``join=entry``, adds them to an entry already on the ledger.
- When a finding is confirmed elsewhere (``screening.signals.finding_confirmed``) and is
  not yet on the ledger, a **draft** is written for it (source 系统筛查); the officer
  completes its measure and deadline and accepts it, or joins it into another entry.
- ``open_findings_guard`` refuses 核验销号 while a linked finding is not 已消除.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from anju.accounts.roles import Role
from anju.campaigns.guard import ensure_writable
from anju.campaigns.models import READ_ONLY, Campaign
from anju.rectification import services, workflow
from anju.rectification.models import LedgerEntry, Nature, Source, State
from anju.screening.models import Finding, Status
from anju.screening.signals import finding_confirmed

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.registry.models import Household

NAMES_SHOWN = 5
JOINABLE = (State.PENDING, State.IN_PROGRESS)


def _households(findings: Iterable[Finding]) -> list[Household]:
    """The registry households of the findings, each once, in the findings' order."""
    return list({f.household_id: f.household for f in findings if f.household}.values())


def describe(findings: list[Finding]) -> str:
    """问题表述 written from the findings (the officer may reword it afterwards); findings
    without a registry household (应纳未纳) never reach the ledger and are not named."""
    findings = [f for f in findings if f.household is not None]
    households = _households(findings)
    titles = list(dict.fromkeys(_title(f) for f in findings))
    if len(households) == 1:
        h = households[0]
        parts = "；".join(f"{_title(f)}（{f.message}）" for f in findings)
        return f"{h.head_name}户（{h.village.name}）：{parts}"
    names = [h.head_name for h in households[:NAMES_SHOWN]]
    more = "等" if len(households) > NAMES_SHOWN else ""
    return f"{'、'.join(titles)}：涉及{len(households)}户（{'、'.join(names)}{more}）"


def _title(finding: Finding) -> str:
    rule = finding.rule
    return rule.title if rule else finding.rule_code


def _label(finding: Finding) -> str:
    if finding.household is None:
        return finding.rule_code
    return f"{finding.rule_code}（{finding.household.head_name}户）"


def _check(actor: User, findings: list[Finding]) -> None:
    if not findings:
        raise ValidationError("请至少选择一条筛查问题。")
    if actor.role != Role.TOWNSHIP_OFFICER:
        raise ValidationError("只有乡镇经办人可以把筛查问题纳入整改台账。")
    townships = {f.township_id for f in findings}
    if len(townships) > 1:
        raise ValidationError("所选问题不属于同一个乡镇，不能合并为一个条目。")
    if townships != {actor.unit_id}:
        raise ValidationError("只能把本乡镇的筛查问题纳入本乡镇台账。")
    for f in findings:
        if f.household is None:
            raise ValidationError(
                f"问题 {f.rule_code} 的农户尚未建档（应纳未纳），不能纳入台账："
                "请先“登记入档”（建档后本问题自动消除），或填写理由后排除。"
            )
        if f.status not in (Status.OPEN, Status.CONFIRMED):
            raise ValidationError(
                f"问题 {_label(f)} 当前为“{f.get_status_display()}”，不能纳入台账。"
            )
    taken = (
        LedgerEntry.objects.in_ledger()
        .filter(findings__in=findings)
        .values_list("number", "findings__rule_code", "findings__household__head_name")
        .first()
    )
    if taken:
        number, code, name = taken
        raise ValidationError(f"问题 {code}（{name}户）已在台账第{number}号中，不能重复纳入。")


def _absorb_drafts(findings: list[Finding]) -> None:
    """Findings taken onto the ledger leave the drafts written for them automatically;
    a draft left with no finding and no other household is dropped. A draft of a closed or
    archived round stays as that round left it (read-only, campaigns/guard.py)."""
    drafts = (
        LedgerEntry.objects.drafts()
        .filter(findings__in=findings)
        .exclude(campaign__status__in=READ_ONLY)
        .distinct()
    )
    for draft in drafts:
        draft.findings.remove(*findings)
        keep = {f.household_id for f in draft.findings.all()}
        draft.households.remove(*[h for h in _households(findings) if h.pk not in keep])
        if draft.source == Source.SCREENING and not draft.findings.exists():
            draft.delete()


def entries_from_findings(
    actor: User,
    findings: Iterable[Finding],
    *,
    nature: str | None = None,
    measures: str = "",
    deadline: dt.date | None = None,
    join: LedgerEntry | None = None,
    description: str = "",
    responsible_leader: str = "",
    cause: str = "",
) -> LedgerEntry:
    """Put ``findings`` on the ledger and return the entry (new, or ``join``).

    A new entry needs ``nature`` (个性问题: the findings are all about one household),
    ``measures`` and ``deadline`` like any entry; ``description`` defaults to one written
    from the findings. Open findings are confirmed on the way. One transaction: on any
    ValidationError nothing is saved."""
    from anju.screening import services as screening

    chosen = list(
        Finding.objects.filter(pk__in=[f.pk for f in findings]).select_related(
            "household", "household__village"
        )
    )
    _check(actor, chosen)
    households = _households(chosen)
    with transaction.atomic():
        for f in chosen:
            if f.status == Status.OPEN:
                screening.confirm(finding=f, user=actor)
        _absorb_drafts(chosen)
        if join is not None:
            return _join(join, chosen, households)
        if nature == Nature.INDIVIDUAL and len(households) > 1:
            raise ValidationError(
                {
                    "nature": f"个性问题只能涉及一户；所选问题涉及 {len(households)} 户，"
                    "请选“共性问题”。"
                }
            )
        villages = {h.village_id for h in households}
        aspects = {f.aspect for f in chosen}
        township = chosen[0].township
        campaign = Campaign.objects.current(county=township.parent)
        if campaign is None:
            raise ValidationError("尚无“回头看”工作，不能纳入台账。")
        return services.create_entry(
            actor=actor,
            campaign=campaign,
            township=township,
            village=households[0].village if len(villages) == 1 else None,
            nature=nature or "",
            description=description or describe(chosen),
            measures=measures,
            deadline=deadline,
            source=Source.SCREENING,
            aspect=aspects.pop() if len(aspects) == 1 else "",
            responsible_leader=responsible_leader,
            cause=cause,
            households=households,
            findings=chosen,
        )


def _join(entry: LedgerEntry, findings: list[Finding], households: list[Household]) -> LedgerEntry:
    entry = LedgerEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    ensure_writable(entry.campaign_id)
    if entry.township_id != findings[0].township_id:
        raise ValidationError("只能并入本乡镇台账中的条目。")
    if entry.state not in JOINABLE:
        raise ValidationError(
            f"{entry.label}已“{entry.get_state_display()}”，只能并入待整改或整改中的条目。"
        )
    all_households = {h.pk: h for h in [*entry.households.all(), *households]}
    all_findings = {f.pk: f for f in [*entry.findings.all(), *findings]}
    entry.households.set(all_households.values())
    entry.findings.set(all_findings.values())
    if len(all_households) > 1 and entry.nature != Nature.COMMON:
        entry.nature = Nature.COMMON
        if len({h.village_id for h in all_households.values()}) > 1:
            entry.village = None
        entry.save()
    services._link_record(entry, households=all_households.values(), findings=all_findings.values())
    return entry


def draft_from_finding(*, finding: Finding, user: User) -> LedgerEntry | None:
    """The draft written when a finding is confirmed and is not on the ledger yet (none
    while the county has no round to put it in)."""
    if LedgerEntry.objects.filter(findings=finding).exists():
        return None
    finding = Finding.objects.select_related("household", "household__village", "township").get(
        pk=finding.pk
    )
    if finding.household is None:  # 应纳未纳: registered or dismissed, never ledgered
        return None
    campaign = Campaign.objects.current(county=finding.township.parent)
    if campaign is None:
        return None
    return services.create_entry(
        actor=user,
        campaign=campaign,
        township=finding.township,
        village=finding.household.village,
        nature=Nature.INDIVIDUAL,
        description=describe([finding]),
        source=Source.SCREENING,
        aspect=finding.aspect,
        households=[finding.household],
        findings=[finding],
        draft=True,
    )


@receiver(finding_confirmed, dispatch_uid="rectification.draft_from_finding")
def on_finding_confirmed(
    sender: object, finding: Finding | None = None, user: User | None = None, **kwargs: Any
) -> None:
    if finding is None or user is None:
        return
    finding.refresh_from_db()
    if finding.status != Status.CONFIRMED:
        return
    draft_from_finding(finding=finding, user=user)


def open_findings_guard(entry: LedgerEntry) -> str | None:
    still = list(
        entry.findings.exclude(status=Status.RESOLVED)
        .select_related("household")
        .order_by("rule_code")[:4]
    )
    if not still:
        return None
    total = entry.findings.exclude(status=Status.RESOLVED).count()
    shown = "、".join(_label(f) for f in still[:3]) + ("等" if total > 3 else "")
    return (
        f"关联的 {total} 条筛查问题尚未消除：{shown}。"
        "请先在农户档案中更正数据或完成整改，系统复查显示“已消除”后才能销号。"
    )


workflow.add_close_guard(open_findings_guard)
