"""The last step of ``manage.py demo``: the county overview computed once (so its page has
numbers on first login), and — when there are households — one draft notice built from the proposals by the demo
reviewer (shi_shenhe) — the three townships most deserving of criticism and two of praise —
to edit, preview and issue. Each part is skipped when it already exists.
"""

from __future__ import annotations

from anju.accounts.models import User
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from anju.notices import proposals, services
from anju.notices.models import Notice
from anju.overview import services as overview
from anju.overview.models import Snapshot
from anju.registry.models import Household

REVIEWER = "shi_shenhe"


def build(ctx) -> None:
    campaign = Campaign.objects.current()
    if Snapshot.objects.latest_done(campaign) is None:
        snapshot = overview.refresh(campaign=campaign, label="演示数据")
        ctx.say(f"演示概览：已统计（指标 {snapshot.rows} 行，用时 {snapshot.seconds:.1f} 秒）")
    else:
        ctx.say("演示概览：已有统计，跳过")
    reviewer = User.objects.filter(username=REVIEWER, is_active=True).first()
    if reviewer is None:
        ctx.say("演示通报：缺少演示审核员账号，跳过")
        return
    if campaign is None:
        ctx.say("演示通报：尚无“回头看”工作，跳过")
        return
    if Notice.objects.filter(campaign=campaign).exists():
        ctx.say("演示通报：已有通报，跳过")
        return
    if not Household.objects.exists():
        ctx.say("演示通报：没有农户数据，跳过")
        return
    current = proposals.compute(campaign)
    picks = [(p.township.code, p.kind) for p in current.criticism[:3]]
    picks += [(p.township.code, p.kind) for p in current.praise[:2]]
    if not picks:
        ctx.say("演示通报：没有建议通报的乡镇，跳过")
        return
    with acting_as(reviewer):
        services.create_draft(actor=reviewer, campaign=campaign, picks=picks)
    ctx.say(
        f"演示通报：草稿 1 份（建议批评 {len(current.criticism)} 个、表扬 {len(current.praise)} 个乡镇，"
        f"草稿列入 {len(picks)} 个）"
    )
