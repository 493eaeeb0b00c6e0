"""The demo county's round: a demonstration, titled as one, with the seed's phase structure
(禹建〔2022〕39号: 动员部署, 排查整改, 总结验收 over five and a half weeks) shifted by whole
weeks so that it is live today. A production install gets no round from anywhere but the
rounds page (issue #16); this step runs only in ``manage.py demo``."""

from __future__ import annotations

from anju.campaigns.models import Campaign, Status, round_today, shifted_seed_dates
from anju.units.models import Unit


def demo_round(county: Unit, today=None) -> Campaign:
    """The county's demo round (made once; an existing round of the county is kept)."""
    existing = Campaign.objects.filter(county=county).order_by("-starts_on", "-id").first()
    if existing is not None:
        return existing
    start, end = shifted_seed_dates(today or round_today())
    return Campaign.objects.create(
        name=f"{county.name}{start.year}年度农村危房改造“回头看”（演示）",
        document_number=f"演示〔{start.year}〕1号",
        issuing_office=f"{county.name}住房和城乡建设局（演示）",
        superior_office="上级住房和城乡建设主管部门（演示）",
        county=county,
        starts_on=start,
        ends_on=end,
        status=Status.PUBLISHED,
    )


def build(ctx) -> None:
    county = Unit.objects.filter(level="county").order_by("code").first()
    if county is None:
        ctx.say("演示“回头看”：没有县级单位，跳过")
        return
    made = not Campaign.objects.filter(county=county).exists()
    campaign = demo_round(county)
    ctx.say(f"演示“回头看”：{campaign}{'（新建）' if made else '（已有）'}")
