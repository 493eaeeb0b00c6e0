"""Demo house visits: one step of ``manage.py demo`` (after the campaign and the registry).

The demo township officers key in paper visit forms (纸质表补录) for part of their in-scope
households — 火龙镇 about two thirds, 顺店镇 about a third — so the coverage tables differ.
Most answers agree with the registry; about one visit in four reports something else (a
plaque that is not there, an old house still standing, a new crack), which gives the review
page corrections and draft ledger entries to work on. Runs once: it does nothing when any
visit exists. Same seed, same visits.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from anju.accounts.models import User
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from anju.registry.choices import DANGEROUS_GRADES
from anju.visits import checklist, coverage, services
from anju.visits.models import EntryMode, Visit, VisitorRole

SHARES = {"huolong_jb": 0.66, "shundian_jb": 0.33}
SURPRISES = ("plaque", "new_damage", "old_demolished", "moved_in", "livestock")


def answers_for(household) -> dict[str, dict]:
    """What a cadre would answer if the registry were true."""
    renovation = household.renovation
    out = {}
    for q in checklist.QUESTIONS:
        answer = checklist.NA
        if checklist.applies(q, household):
            if q.target:
                obj = household if q.target[0] == "household" else renovation
                value = getattr(obj, q.target[1])
                answer = {True: checklist.YES, False: checklist.NO}.get(value, checklist.NA)
            elif q.code == "plaque_grade":
                on_file = checklist.grade_on_file(household)
                same = household.plaque_posted and household.plaque_grade == on_file
                answer = checklist.YES if same else checklist.NA
            elif q.code == "safe_now":
                unsafe = checklist.grade_on_file(household) in DANGEROUS_GRADES
                answer = checklist.NO if unsafe else checklist.YES
            elif q.code == "new_damage":
                answer = checklist.NO
            elif q.code == "subsidy_full":
                answer = checklist.YES if renovation.subsidy_paid_on else checklist.NO
            else:
                answer = checklist.YES
        out[q.code] = {"answer": answer, "note": ""}
    return out


def _surprise(answers: dict, rng: random.Random) -> None:
    code = rng.choice(SURPRISES)
    given = answers[code]["answer"]
    if code == "new_damage":
        answers[code] = {"answer": checklist.YES, "note": "后墙新出现裂缝"}
    elif given in (checklist.YES, checklist.NO):
        flipped = checklist.NO if given == checklist.YES else checklist.YES
        answers[code] = {"answer": flipped, "note": "走访所见与档案不同"}


def build(ctx) -> None:
    if Visit.objects.exists():
        ctx.say("演示入户排查：已有走访记录，跳过")
        return
    rng = random.Random(ctx.seed * 31 + 7)
    today = timezone.localdate()
    made = 0
    for username, share in SHARES.items():
        user = User.objects.filter(username=username).select_related("unit").first()
        if user is None:
            continue
        campaign = Campaign.objects.current(user)
        if campaign is None:
            continue
        households = list(
            coverage.scope_households(campaign, township=user.unit)
            .select_related("village", "assessment", "renovation")
            .order_by("id")
        )
        first = max(campaign.starts_on, today - dt.timedelta(days=20))
        span = max((today - first).days, 0)
        chosen = rng.sample(households, k=round(len(households) * share))
        with acting_as(user):
            for household in sorted(chosen, key=lambda h: h.pk):
                answers = answers_for(household)
                if rng.random() < 0.25:
                    _surprise(answers, rng)
                data = services.VisitData(
                    visitor_name=rng.choice(["李建国", "王秀梅", "张卫东", "赵红霞"]),
                    visitor_role=rng.choice(VisitorRole.values),
                    visited_on=first + dt.timedelta(days=rng.randint(0, span)),
                    mode=EntryMode.PAPER,
                    answers=answers,
                )
                services.record_visit(
                    user=user, household=household, data=data, campaign=campaign, today=today
                )
                made += 1
    ctx.say(f"演示入户排查：纸质表补录 {made} 次走访")
