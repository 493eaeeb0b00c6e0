"""A demo ledger for each township that has a township officer login (火龙镇, 顺店镇):
findings confirmed into entries (个性 and one 共性), entries from its own checks, every
state (待整改, 整改中 with notes, 已整改待核验 with a photo, 已销号), one overdue, one due
soon, one draft from a confirmed finding, and the faults the quality checks look for (a
vague measure, a measure copied word for word between the two townships).

Everything goes through the services and the workflow as the township's own users.
Skipped for a township whose ledger already has entries from screening or self-checks
(the visits demo's house-visit entries may be there already).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from anju.rectification import evidence, services, workflow
from anju.rectification import findings as from_findings
from anju.rectification.models import LedgerEntry, Nature, Source
from anju.screening import services as screening
from anju.screening.models import Finding, Status

COPIED = "按照上级要求，进一步抓好落实，确保整改到位"


def _photo() -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (170, 150, 120)).save(out, "JPEG", quality=80)
    return ContentFile(out.getvalue(), name="整改后照片.jpg")


def _deadline(campaign, today: dt.date, days: int) -> dt.date:
    return min(max(today + dt.timedelta(days=days), campaign.starts_on), campaign.ends_on)


def build(ctx) -> None:
    today = timezone.localdate()
    officers = User.objects.filter(role=Role.TOWNSHIP_OFFICER, is_active=True).select_related(
        "unit", "unit__parent"
    )
    made = 0
    for officer in officers.order_by("unit__code"):
        township = officer.unit
        if township is None:
            continue
        campaign = Campaign.objects.current(county=township.parent, on=today)
        if campaign is None:
            continue
        mine = LedgerEntry.objects.filter(
            campaign=campaign, township=township, source__in=[Source.SCREENING, Source.SELF]
        )
        if mine.exists():  # built before (house-visit drafts of the visits demo do not count)
            continue
        head = User.objects.filter(role=Role.TOWNSHIP_HEAD, unit=township, is_active=True).first()
        try:
            with acting_as(officer), transaction.atomic():
                made += _township(campaign, township, officer, head, today)
        except (ValidationError, workflow.TransitionError) as exc:
            ctx.say(f"演示整改台账：{township.name}跳过（{exc}）")
    ctx.say(f"演示整改台账：新增 {made} 条")


def _township(campaign, township, officer, head, today) -> int:
    open_findings = list(
        # on registry households (an 应纳未纳 on a list is registered or dismissed, not ledgered)
        Finding.objects.filter(township=township, status=Status.OPEN, household__isnull=False)
        .select_related("household", "household__village")
        .order_by("rule_code", "household_id")
    )
    by_rule: dict[str, list] = {}
    for f in open_findings:
        by_rule.setdefault(f.rule_code, []).append(f)
    entries = []
    # a 共性问题: one rule over several households
    common = next((fs for fs in by_rule.values() if len(fs) >= 3), None)
    if common:
        entries.append(
            from_findings.entries_from_findings(
                officer,
                common[:4],
                nature=Nature.COMMON,
                measures=f"{_md(campaign, today, 12)}前由镇村建所逐户核实并更正{len(common[:4])}户的系统信息，补录缺失的数据",
                deadline=_deadline(campaign, today, 12),
                responsible_leader="分管副镇长",
                cause="录入时未逐项核对档案，数据不全",
            )
        )
    used = {f.pk for e in entries for f in e.findings.all()}
    singles = [f for f in open_findings if f.pk not in used]
    seen_households = set()
    picked = []
    for f in singles:
        if f.household_id not in seen_households:
            picked.append(f)
            seen_households.add(f.household_id)
        if len(picked) == 4:
            break
    measures = [
        "由村两委于{d}前完成挂牌并拍照存档",
        "{d}前委托鉴定站对该户房屋重新鉴定，出具鉴定结果",
        COPIED,  # copied word for word in both townships (quality check)
        "加强管理，进一步落实",  # vague (quality check)
    ]
    for i, f in enumerate(picked[:-1]):
        entries.append(
            from_findings.entries_from_findings(
                officer,
                [f],
                nature=Nature.INDIVIDUAL,
                measures=measures[i].format(d=_md(campaign, today, 6 + i)),
                deadline=_deadline(campaign, today, 6 + i),
                responsible_leader="包村干部",
            )
        )
    # entries from the township's own checks, not from screening
    village = township.children.filter(is_active=True).order_by("code").first()
    visit = services.create_entry(
        actor=officer,
        campaign=campaign,
        township=township,
        village=village,
        nature=Nature.INDIVIDUAL,
        description="乡镇自查发现：一户改造后屋面局部渗漏",
        measures=f"{_md(campaign, today, 2)}前由施工队完成屋面维修，村干部现场查验并拍照",
        deadline=_deadline(campaign, today, 2),
        source=Source.SELF,
        aspect="5",
        responsible_leader="包村干部",
        cause="施工时防水层处理不到位",
    )
    done = services.create_entry(
        actor=officer,
        campaign=campaign,
        township=township,
        village=village,
        nature=Nature.INDIVIDUAL,
        description="乡镇自查发现：一户安全等级标识牌脱落",
        measures=f"{_md(campaign, today, 3)}前重新悬挂标识牌并拍照存档",
        deadline=_deadline(campaign, today, 3),
        source=Source.SELF,
        aspect="1",
    )
    entries += [visit, done]
    # states
    services.add_note(actor=officer, entry=visit, text="已联系施工队，材料已备齐")
    services.transition(actor=officer, entry=visit, name="start")
    for entry in (done,):
        services.add_note(actor=officer, entry=entry, text="已重新悬挂标识牌")
        services.store_checked_evidence(
            actor=officer, entry=entry, checked=evidence.check(_photo()), note="挂牌后"
        )
        services.transition(actor=officer, entry=entry, name="submit")
        if head is not None:
            services.transition(actor=head, entry=entry, name="close")
    if len(entries) > 3:
        awaiting = entries[1]
        services.store_checked_evidence(
            actor=officer, entry=awaiting, checked=evidence.check(_photo())
        )
        services.transition(actor=officer, entry=awaiting, name="submit")
    if entries:
        # one entry written in an earlier week whose deadline has passed (a service would
        # refuse a past deadline today; the demo stands in for the earlier week)
        late = entries[0]
        past = max(campaign.starts_on, today - dt.timedelta(days=2))
        if past < today:
            LedgerEntry.objects.filter(pk=late.pk).update(deadline=past)
    # a finding confirmed on the screening page: a draft waits to be completed (the
    # confirmation's signal writes it; called again here for when no commit follows)
    left = [f for f in singles if f not in picked[:-1]]
    if left:
        screening.confirm(finding=left[0], user=officer)
        from_findings.draft_from_finding(finding=left[0], user=officer)
    return len(entries) + (1 if left else 0)


def _md(campaign, today, days) -> str:
    d = _deadline(campaign, today, days)
    return f"{d.month}月{d.day}日"
