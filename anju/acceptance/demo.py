"""总结验收 in the demo county: the two townships with demo logins hand in their final
report, through the services and as their own users, so the pages show each state:

- 火龙镇: its officer (huolong_jb) explained the households not visited (phone-checked), the
  report was generated, signed by its head (huolong_fzr), sealed and uploaded, returned once
  by the city (shi_shenhe: no typical cases) and then generated, signed, uploaded and
  accepted (已通过; the returned one stays in its history);
- 顺店镇: the same up to the upload — signed and awaiting the city's review (待审核), so the
  reviewer can return or accept it;
- the other townships have not handed in (未提交).

Deterministic: fixed texts, a drawn PNG as the "scan", past server times derived from now.
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
    explained = 0
    for code, (officer_name, _head) in LOGINS.items():
        explained += _explain(campaign, townships[code], users[officer_name], rng)
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
    ctx.say(
        f"演示总结验收：说明未走访农户 {explained} 户；火龙镇已通过（之前退回 1 次），顺店镇待审核"
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


def _hand_in(campaign, township, officer, head, at: dt.datetime, cases: str):
    """Generate (officer), sign (head, an hour later), upload the sealed scan (officer)."""
    with acting_as(officer):
        submission = services._prepare(
            campaign=campaign,
            township=township,
            situation=SITUATION.format(name=township.name),
            measures=MEASURES,
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
        services._store_scan(submission, scan.check(upload), actor=officer, name=officer.full_name)
    submission.refresh_from_db()
    return submission


def _scan_png() -> bytes:
    """A small drawn page with a red seal: stands in for the scanned, sealed report."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (210, 297), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, 240, 14):
        draw.line((24, y, 186, y), fill=(90, 90, 90), width=2)
    draw.ellipse((120, 200, 190, 270), outline=(200, 0, 0), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
