"""The house-visit checklist: the five aspects of the seed as questions a cadre can answer
standing in the yard, each 是 / 否 / 不适用 with a note.

A question may *correct* the registry (its answer is a fact the registry holds, e.g. the
plaque is posted) and may be a *problem* (an answer that belongs on the ledger, e.g. the
old house still stands). ``corrections_for`` compares the answers with the registry and
returns what differs; ``problems_for`` returns the answers that are problems. Both are pure:
the services turn them into ``Correction`` and ``VisitProblem`` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from anju.registry import grades
from anju.registry.choices import REBUILD_METHODS, Grade, PaymentChannel

YES, NO, NA = "是", "否", "不适用"
ANSWERS = (YES, NO, NA)
ANSWER_VALUE = {YES: True, NO: False}

ASPECTS = {
    "1": "一、住房安全性认定（鉴定与挂牌）",
    "2": "二、动态监测（新出现的危房）",
    "3": "三、改造方式",
    "4": "四、补助发放与自筹负担",
    "5": "五、改造质量与入住",
}

# The best GPS fix that may become the house's position when the registry has none.
LOCATION_ACCURACY_M = 100


@dataclass(frozen=True)
class Question:
    code: str
    aspect: str
    text: str
    problem_when: str | None
    problem: str
    target: tuple[str, str] | None = None  # ("household" | "renovation", field) it corrects
    needs: str = ""  # "", "assessment", "renovation", "rebuild": else 不适用 by default


QUESTIONS: tuple[Question, ...] = (
    Question(
        "plaque",
        "1",
        "门口是否挂有房屋安全鉴定（评定）牌？",
        NO,
        "房屋未挂安全鉴定牌",
        ("household", "plaque_posted"),
    ),
    Question(
        "plaque_grade",
        "1",
        "牌子上的等级与档案中的当前等级一致吗？",
        NO,
        "挂牌等级与档案中的当前等级不一致",
        needs="assessment",
    ),
    Question(
        "safe_now",
        "2",
        "农户现在住的房子安全吗（没有住在危房里）？",
        NO,
        "农户仍居住在不安全的房屋中",
    ),
    Question(
        "new_damage",
        "2",
        "房屋有没有新出现的裂缝、倾斜或漏雨？",
        YES,
        "房屋新出现裂缝、倾斜或漏雨，需及时鉴定并改造修缮",
    ),
    Question(
        "method_fits",
        "3",
        "改造方式与改造前的鉴定等级相符吗（C级加固维修，D级拆除重建）？",
        NO,
        "改造方式与鉴定等级不符",
        needs="renovation",
    ),
    Question(
        "subsidy_full",
        "4",
        "补助资金是否足额打到农户的“一卡通”上？",
        NO,
        "危房改造补助资金未足额发放到农户“一卡通”",
        needs="renovation",
    ),
    Question(
        "borrowed",
        "4",
        "农户建房是否借了钱（举债）？",
        YES,
        "农户因建房举债，自筹负担偏重",
        ("household", "borrowed"),
        needs="renovation",
    ),
    Question(
        "moved_in",
        "5",
        "农户是否已搬进改造后的房子居住？",
        NO,
        "危房改造后农户未入住",
        ("renovation", "moved_in"),
        needs="renovation",
    ),
    Question(
        "old_demolished",
        "5",
        "旧危房是否已经拆除？",
        NO,
        "重建后旧危房未拆除",
        ("renovation", "old_demolished"),
        needs="rebuild",
    ),
    Question(
        "toilet",
        "5",
        "是否有卫生厕所？",
        NO,
        "改造后无卫生厕所",
        ("renovation", "has_toilet"),
        needs="renovation",
    ),
    Question(
        "livestock",
        "5",
        "人和牲畜是否分开居住？",
        NO,
        "人畜未分离",
        ("renovation", "livestock_separated"),
        needs="renovation",
    ),
)
BY_CODE = {q.code: q for q in QUESTIONS}


# --- what the registry says -----------------------------------------------------------------
def grade_on_file(household) -> str:
    """The current grade (RULES.md A1-04, ``registry/grades.py``): the post-completion grade
    once accepted, else the assessment's grade; "" when the house was never assessed."""
    return grades.current_grade(household)


def grade_words(household) -> str:
    """The current grade as the form says it: "当前等级 B级（验收后等级；改造前 D级）"."""
    grade = grade_on_file(household)
    if not grade:
        return "未鉴定"
    if grades.regraded(household):
        return f"当前等级 {show(grade)}（验收后等级；改造前 {show(household.assessment.grade)}）"
    return f"当前等级 {show(grade)}"


def is_rebuild(household) -> bool:
    renovation = household.renovation
    return bool(renovation and renovation.method in REBUILD_METHODS)


def applies(question: Question, household) -> bool:
    if question.needs == "assessment":
        return bool(grade_on_file(household))
    if question.needs == "renovation":
        return household.has_renovation  # a 改造方式 on file (RULES.md)
    if question.needs == "rebuild":
        return is_rebuild(household)
    return True


def show(value) -> str:
    """A registry value as the bureau writes it."""
    if value is None or value == "":
        return "未填"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if value in Grade.values:
        return f"{value}级"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def registry_hint(question: Question, household) -> str:
    """What the registry holds for this question, shown under it ("档案：…")."""
    renovation = household.renovation
    grade = grade_on_file(household)
    if question.code == "plaque":
        if household.plaque_posted and household.plaque_grade:
            return f"档案：已挂牌（{household.plaque_grade}级）"
        return f"档案：{show(household.plaque_posted)}"
    if question.code == "plaque_grade":
        plaque = f"，挂牌等级 {show(household.plaque_grade)}" if household.plaque_posted else ""
        return f"档案：{grade_words(household)}{plaque}" if grade else "档案：未鉴定"
    if question.code in ("safe_now", "new_damage"):
        return f"档案：{grade_words(household)}" if grade else "档案：未鉴定"
    if renovation is None:
        return "档案：无危房改造记录"
    if not renovation.has_method:
        return "档案：改造记录未填改造方式（不算已安排改造）"
    if question.code == "method_fits":
        # the method answers the grade the house had before it (not the accepted one: "B级 ·
        # 原址重建" read as a policy breach to a village worker, #17 item 3)
        before = grades.pre_renovation_grade(household)
        said = f"改造前鉴定等级 {show(before)}" if before else "未鉴定"
        return f"档案：{said} · {renovation.method_label}"
    if question.code == "subsidy_full":
        parts = [f"补助 {show(renovation.subsidy_amount)} 元"]
        if renovation.payment_channel:
            parts.append(renovation.get_payment_channel_display())
        parts.append(f"发放日期 {show(renovation.subsidy_paid_on)}")
        return "档案：" + "，".join(parts)
    if question.target:
        target, field = question.target
        return f"档案：{show(getattr(household if target == 'household' else renovation, field))}"
    return ""


# --- corrections and problems ------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    target: str  # "household" | "renovation"
    field: str  # a model field, or "location" (latitude and longitude together)
    label: str
    current: object
    proposed: object

    @property
    def current_display(self) -> str:
        return show(self.current)

    @property
    def proposed_display(self) -> str:
        return show(self.proposed)


FIELD_LABELS = {
    "plaque_posted": "是否挂牌",
    "plaque_grade": "挂牌等级",
    "borrowed": "是否举债",
    "moved_in": "是否入住",
    "old_demolished": "旧房是否拆除",
    "has_toilet": "卫生厕所",
    "livestock_separated": "人畜分离",
    "payment_channel": "发放方式",
    "subsidy_paid_on": "补助发放日期",
    "location": "住房位置（经纬度）",
}


def corrections_for(
    household,
    answers: dict[str, dict],
    *,
    plaque_grade_seen: str = "",
    subsidy_received_on: dt.date | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy: int | None = None,
) -> list[Proposal]:
    """The registry facts this visit's answers contradict (or fill in where empty)."""
    out: list[Proposal] = []
    renovation = household.renovation

    def propose(target, obj, field, value):
        current = getattr(obj, field)
        if current != value:
            out.append(Proposal(target, field, FIELD_LABELS[field], current, value))

    for question in QUESTIONS:
        answer = (answers.get(question.code) or {}).get("answer")
        if not question.target or answer not in ANSWER_VALUE:
            continue
        target, field = question.target
        obj = household if target == "household" else renovation
        if obj is not None:
            propose(target, obj, field, ANSWER_VALUE[answer])
    plaque = (answers.get("plaque") or {}).get("answer")
    if plaque == YES and plaque_grade_seen:
        propose("household", household, "plaque_grade", plaque_grade_seen)
    if renovation is not None:
        if (answers.get("subsidy_full") or {}).get("answer") == YES and renovation.subsidy_amount:
            propose("renovation", renovation, "payment_channel", PaymentChannel.ONE_CARD.value)
        if subsidy_received_on and renovation.subsidy_paid_on is None:
            propose("renovation", renovation, "subsidy_paid_on", subsidy_received_on)
    no_house_position = household.latitude is None or household.longitude is None
    good_fix = accuracy is not None and accuracy <= LOCATION_ACCURACY_M
    if no_house_position and latitude is not None and longitude is not None and good_fix:
        out.append(
            Proposal(
                "household",
                "location",
                FIELD_LABELS["location"],
                None,
                f"{latitude:.6f},{longitude:.6f}",
            )
        )
    return out


def problems_for(answers: dict[str, dict]) -> list[tuple[Question, str]]:
    """(question, note) for each answer that is a problem for the ledger."""
    found = []
    for question in QUESTIONS:
        given = answers.get(question.code) or {}
        if question.problem_when and given.get("answer") == question.problem_when:
            found.append((question, (given.get("note") or "").strip()))
    return found
