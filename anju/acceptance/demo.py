"""总结验收 in the demo county: the two townships with demo logins hand in their final
report, through the services and as their own users, so the pages show each state:

- 火龙镇: its officer (huolong_jb) explained the households not visited (phone-checked),
  handled every screening finding (confirmed onto the ledger, a rule over three or more
  households as one 共性问题, or dismissed with a reason) and every draft from the house
  visits (taken onto the ledger with a measure and deadline, or set aside with a reason) —
  the report may not be generated before (ADR 0011) — the report was generated, signed by its head (huolong_fzr), sealed and uploaded, returned once
  by the city (shi_shenhe: no typical cases) and then generated, signed, uploaded and
  accepted (已通过; the returned one stays in its history);
- 顺店镇: the same up to the upload — signed and awaiting the city's review (待审核), so the
  reviewer can return or accept it;
- the other townships have not handed in (未提交);
- afterwards 火龙镇 finds one more problem on a follow-up visit, a draft on its ledger (the
  台账草稿 page has something to show; its accepted report is not touched — drafts are not
  on the ledger). 顺店镇 has none, so it can generate again after a return.

Deterministic: fixed texts, a drawn PNG page as the "scan" (uploaded an hour after each
signature, before the review), past server times derived from now.
Skipped when the campaign already has final submissions or the demo logins are missing.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.base import ContentFile

from anju.acceptance import scan, services
from anju.acceptance.models import FinalSubmission
from anju.accounts.models import User
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from anju.reporting import weeks as cal
from anju.units.models import Unit
from anju.visits import coverage
from anju.visits import services as visits
from anju.visits.models import Reason

HUOLONG, SHUNDIAN = "411081100", "411081101"
LOGINS = {HUOLONG: ("huolong_jb", "huolong_fzr"), SHUNDIAN: ("shundian_jb", "shundian_fzr")}
REVIEWER = "shi_shenhe"
SITUATION = (
    "{name}成立了由党委书记任组长、镇长任副组长的“回头看”工作领导小组，抽调镇村干部组成排查组，"
    "分村包片，逐户入户核查住房安全情况。\n"
    "对照五个方面问题清单，逐户填写入户排查表，建立问题台账，明确整改措施、责任人和完成时限，"
    "实行周报告制度。"
)
MEASURES = (
    "持续做好农村低收入群体住房安全动态监测，发现一户、改造一户。\n"
    "对尚未完成整改的问题挂牌督办，逐项对账销号，确保按时限完成。"
)
MECHANISM = (
    "建立农村低收入群体住房安全动态监测机制，村级信息员每月入户巡查一次，"
    "发现房屋安全隐患当日上报，镇村建所三日内组织鉴定，做到发现一户、鉴定一户、改造一户。\n"
    "建立整改台账周调度制度，镇分管领导每周听取进展，对逾期问题挂牌督办。"
)
CASES = "甲村一户C级危房原未挂牌，经入户核实后已于当周完成挂牌并拍照存档，档案同步更新。"
RETURN_REASON = "整改报告未写典型案例，工作开展情况过于简略，请补充后重新生成、签字并上传。"
REASONS = [Reason.MIGRANT, Reason.WITH_CHILDREN, Reason.HOSPITAL]


def build(ctx) -> None:
    campaign = Campaign.objects.current()
    if FinalSubmission.objects.filter(campaign=campaign).exists():
        ctx.say("演示总结验收：已有总结验收材料，跳过")
        return
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    reviewer = users.get(REVIEWER)
    names = [n for pair in LOGINS.values() for n in pair]
    if reviewer is None or any(n not in users for n in names):
        ctx.say("演示总结验收：缺少演示账号，跳过")
        return
    rng = random.Random(ctx.seed * 17 + 3)
    now = cal.server_now()
    townships = {t.code: t for t in Unit.objects.filter(code__in=LOGINS)}
    explained = handled = 0
    for code, (officer_name, _head) in LOGINS.items():
        explained += _explain(campaign, townships[code], users[officer_name], rng)
        handled += _handle(campaign, townships[code], users[officer_name], rng)
    huolong = townships[HUOLONG]
    officer, head = (users[n] for n in LOGINS[HUOLONG])
    first = _hand_in(campaign, huolong, officer, head, now - dt.timedelta(days=2), cases="")
    with acting_as(reviewer):
        services._return(
            submission=first,
            actor=reviewer,
            reason=RETURN_REASON,
            at=now - dt.timedelta(days=1, hours=20),
        )
    second = _hand_in(campaign, huolong, officer, head, now - dt.timedelta(days=1), cases=CASES)
    with acting_as(reviewer):
        services._accept(submission=second, actor=reviewer, at=now - dt.timedelta(hours=20))
    officer, head = (users[n] for n in LOGINS[SHUNDIAN])
    _hand_in(campaign, townships[SHUNDIAN], officer, head, now - dt.timedelta(hours=5), CASES)
    _follow_up(campaign, huolong, users[LOGINS[HUOLONG][0]])
    ctx.say(
        f"演示总结验收：说明未走访农户 {explained} 户，处理筛查问题和台账草稿 {handled} 个；"
        "火龙镇已通过（之前退回 1 次），顺店镇待审核"
    )


def _explain(campaign, township, officer, rng) -> int:
    """The officer explains each in-scope household not visited, with a phone check."""
    today = cal.server_now().astimezone(cal.local_zone()).date()
    checked_on = max(campaign.starts_on, today - dt.timedelta(days=1))
    made = 0
    with acting_as(officer):
        for household in coverage.unvisited_unexplained(township, campaign):
            reason = rng.choice(REASONS)
            visits.explain_unvisited(
                user=officer,
                household=household,
                campaign=campaign,
                reason=reason,
                detail="",
                phone_checked_on=checked_on,
                phone_check_result="已电话联系户主，住房无新增安全隐患，返乡后补访。",
                today=today,
            )
            made += 1
    return made


MEASURES_BY_ASPECT = {
    "1": "由村两委于{d}前完成挂牌并拍照存档，同步更新系统中的鉴定信息",
    "2": "{d}前由镇村建所入户复核房屋安全状况，新出现的危房纳入当年改造计划",
    "3": "{d}前核实改造方式与鉴定等级是否相符，补充改造方式说明并经镇审核",
    "4": "{d}前由镇财政所核对补助发放台账，补发差额并取得农户签收回执",
    "5": "{d}前组织竣工验收复查，补齐一户一档中的验收材料",
    "M": "{d}前与乡村振兴、民政部门名单逐户核对，补录漏登农户并完成住房安全鉴定",
    "D": "{d}前由村级信息员核对农户档案，更正系统中的错误信息",
}
DISMISS_REASONS = (
    "经入户核实，该户情况与纸质档案一致，系数据录入有误，已提交更正。",
    "经镇村建所复核，鉴定结果已出具，纸质档案齐全，系统正在补录。",
    "该户已随子女在城镇购房居住，原房屋不再居住，有村委会证明。",
    "补助资金已通过一卡通足额发放，银行流水已核对，系统发放日期录入错误。",
)
NOT_OURS = (
    "经与乡村振兴、民政部门核实，该户已举家迁往外县居住，住房安全由迁入地保障，不属本镇应纳对象。"
)
SET_ASIDE = "经镇村干部现场复核，该问题已于入户当日整改到位，不再列入台账。"


def _handle(campaign, township, officer, rng) -> int:
    """The officer decides every open finding and every draft, as the report requires."""
    from anju.rectification import findings as from_findings
    from anju.rectification import services as ledger
    from anju.rectification.models import LedgerEntry, Nature
    from anju.screening import services as screening
    from anju.screening.models import Finding, Status
    from anju.visits.models import ProblemStatus, VisitProblem

    today = cal.server_now().astimezone(cal.local_zone()).date()

    def due(days: int) -> dt.date:
        return min(max(today + dt.timedelta(days=days), campaign.starts_on), campaign.ends_on)

    def measure(aspect: str, days: int) -> str:
        day = due(days)
        return MEASURES_BY_ASPECT.get(aspect, MEASURES_BY_ASPECT["D"]).format(
            d=f"{day.month}月{day.day}日"
        )

    done = 0
    by_rule: dict[str, list] = {}
    with acting_as(officer):
        for finding in Finding.objects.filter(township=township, status=Status.OPEN).order_by(
            "rule_code", "household_id"
        ):
            if finding.household_id is None:  # 应纳未纳 on a list: not a ledger problem
                reason = NOT_OURS
                screening.dismiss(finding=finding, user=officer, reason=reason)
                done += 1
            elif rng.random() < 0.4:
                reason = rng.choice(DISMISS_REASONS)
                screening.dismiss(finding=finding, user=officer, reason=reason)
                done += 1
            else:
                by_rule.setdefault(finding.rule_code, []).append(finding)
        for n, group in enumerate(by_rule.values()):
            common = len(group) >= 3
            batches = [group] if common else [[f] for f in group]
            for batch in batches:
                from_findings.entries_from_findings(
                    officer,
                    batch,
                    nature=Nature.COMMON if common else Nature.INDIVIDUAL,
                    measures=measure(batch[0].aspect, 5 + n % 7),
                    deadline=due(5 + n % 7),
                    responsible_leader="包村干部",
                )
                done += len(batch)
        for draft in LedgerEntry.objects.drafts().filter(campaign=campaign, township=township):
            problem = VisitProblem.objects.filter(entry=draft, status=ProblemStatus.OPEN).first()
            if problem is not None and rng.random() < 0.25:
                visits.discard_problem(user=officer, problem=problem, reason=SET_ASIDE)
            elif problem is not None:
                visits.accept_problem(
                    user=officer,
                    problem=problem,
                    description=draft.description,
                    measures=measure(draft.aspect, 4),
                    deadline=due(4),
                    leader="包村干部",
                    today=today,
                )
            else:
                ledger.update_entry(
                    actor=officer,
                    entry=draft,
                    data={"measures": measure(draft.aspect, 4), "deadline": due(4)},
                )
                ledger.transition(actor=officer, entry=draft, name="accept")
            done += 1
    return done


def _follow_up(campaign, township, officer) -> None:
    """A problem found on a follow-up visit after the hand-in: a draft to complete."""
    from anju.rectification import services as ledger
    from anju.rectification.models import Nature, Source

    village = township.children.filter(is_active=True).order_by("code").first()
    with acting_as(officer):
        ledger.create_entry(
            actor=officer,
            campaign=campaign,
            township=township,
            village=village,
            nature=Nature.INDIVIDUAL,
            description="总结验收后回访发现：一户厨房墙体新出现裂缝，需请鉴定站复核房屋安全等级",
            source=Source.SELF,
            aspect="2",
            draft=True,
        )


def _hand_in(campaign, township, officer, head, at: dt.datetime, cases: str):
    """Generate (officer), sign (head, an hour later), upload the sealed scan (officer)."""
    with acting_as(officer):
        submission = services._prepare(
            campaign=campaign,
            township=township,
            situation=SITUATION.format(name=township.name),
            measures=MEASURES,
            mechanism=MECHANISM,
            cases=cases,
            actor=officer,
            name=officer.full_name,
            at=at,
        )
    with acting_as(head):
        services._sign(
            submission=submission,
            actor=head,
            name=head.full_name,
            at=at + dt.timedelta(hours=1),
        )
    upload = ContentFile(_scan_png(), name=f"{township.name}整改报告（盖章）.png")
    with acting_as(officer):
        services._store_scan(
            submission,
            scan.check(upload),
            actor=officer,
            name=officer.full_name,
            at=at + dt.timedelta(hours=2),
        )
    submission.refresh_from_db()
    return submission


def _scan_png() -> bytes:
    """A drawn A4 page (100 dpi) with a red seal: stands in for the scanned, sealed report."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (827, 1169), "white")
    draw = ImageDraw.Draw(image)
    for y in range(160, 940, 44):
        draw.line((96, y, 731, y), fill=(90, 90, 90), width=3)
    draw.ellipse((470, 800, 740, 1070), outline=(200, 0, 0), width=10)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
