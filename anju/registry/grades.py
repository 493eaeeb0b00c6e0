"""One grade for a house (#17 item 3): the *current* grade of RULES.md A1-04 — the
验收后等级 once the renovation is accepted (验收日期 and 验收后等级 set), else the 鉴定等级 —
and beside it, where it matters, the grade before the renovation (the 鉴定等级).

Two forms of the one definition: ``current_grade_sql()`` for queries (screening, lists)
and ``current_grade(household)`` for a household in hand; a test holds them together.
Every page that shows a house's grade shows the current one, labelled "当前", through
``registry/_grade_now.html``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Case, F, Q, When

from anju.registry.choices import Grade

GRADES = [str(g) for g in Grade]


def current_grade_sql(prefix: str = "") -> Case:
    """The current grade as an expression over a household (``prefix`` reaches a household
    from another model, e.g. ``"household__"``): NULL when never assessed."""
    return Case(
        When(
            Q(
                **{
                    f"{prefix}renovation__accepted_on__isnull": False,
                    f"{prefix}renovation__post_grade__in": GRADES,
                }
            ),
            then=F(f"{prefix}renovation__post_grade"),
        ),
        default=F(f"{prefix}assessment__grade"),
        output_field=models.CharField(),
    )


def current_grade(household) -> str:
    """The current grade of ``household`` ("" when the house was never assessed)."""
    renovation = household.renovation if household.renovation_id else None
    if renovation is not None and renovation.accepted_on and renovation.post_grade in GRADES:
        return renovation.post_grade
    return household.assessment.grade if household.assessment_id else ""


def pre_renovation_grade(household) -> str:
    """The 鉴定等级 the renovation started from ("" when never assessed)."""
    return household.assessment.grade if household.assessment_id else ""


def regraded(household) -> bool:
    """Whether the current grade is not the pre-renovation one (accepted with a new grade):
    then both are shown, "当前 B级（改造前 D级）"."""
    before = pre_renovation_grade(household)
    return bool(before) and current_grade(household) != before
