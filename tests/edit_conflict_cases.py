"""The scenario of each edit form for ``tests/test_edit_conflicts.py``: who A and B are
(B saves in between, usually a second person of A's role), which page and form, what each
types, and how to read the record back. Built on the demo county (``manage.py demo``): its
people, campaign, schedule, weekly reports, spot-check sample, draft notice and 顺店镇's
final materials; ledger entries, findings, visits and households the cases make themselves
in one township (``World.t``), so other changes to the demo do not move them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.audit.context import acting_as
from anju.campaigns.models import Campaign
from tests.conftest import make_user


# --- the scenarios ------------------------------------------------------------------------------------
@dataclass
class Case:
    a: User  # opens the page first and saves last
    b: User  # saves in between
    page: str  # where A (and, unless b_page, B) finds the form
    action: str  # where A posts
    read: Callable[[], Any]  # the record as the test compares it
    edit_a: Callable[[dict], dict] = lambda d: d
    edit_b: Callable[[dict], dict] = lambda d: d
    b_page: str = ""  # B uses another form of the same record (an edit before a decision)
    b_action: str = ""
    change_b: Callable[[], None] | None = None  # B changes it without a page (as B)
    pick: Callable[[dict], bool] | None = None
    pick_b: Callable[[dict], bool] | None = None


class World:
    """The demo county, its people, a second person for each role (B), and one township
    (``t``, without final materials) whose ledger entries, findings and visit problems the
    cases make themselves — so that what the demo happens to leave does not matter."""

    def __init__(self):
        from anju.acceptance.models import FinalSubmission
        from anju.units.models import Unit

        self.campaign = Campaign.objects.current()
        self.today = timezone.localdate()
        taken = FinalSubmission.objects.values_list("township_id", flat=True)
        self.t = Unit.objects.townships().exclude(pk__in=list(taken)).order_by("code").first()
        self.village = self.t.children.order_by("code").first()
        self.officer = self.person(Role.TOWNSHIP_OFFICER, self.t)

    def household(self, name: str = "冲突测试户"):
        from tests.factories import make_household

        return make_household(self.village, head_name=name)

    def entry(self, *, start: bool = False, draft: bool = False):
        """A ledger entry of ``t`` (待整改, 整改中 with ``start``, or a draft)."""
        from anju.rectification import services

        with acting_as(self.officer):
            entry = services.create_entry(
                actor=self.officer,
                campaign=self.campaign,
                township=self.t,
                village=self.village,
                nature="个性问题",
                description=f"{self.village.name}冲突测试户C级危房未挂牌",
                measures="" if draft else "由村两委于本周五前完成挂牌并拍照存档",
                deadline=None if draft else self.today + dt.timedelta(days=7),
                households=[self.household()],
                draft=draft,
            )
            if start:
                entry = services.transition(actor=self.officer, entry=entry, name="start")
        return entry

    def finding(self, *, dismissed: bool = False):
        """An open finding of ``t`` (dismissed by its officer with ``dismissed``)."""
        from anju.screening import services
        from tests.api.conftest import make_finding

        finding = make_finding(self.household(), rule="A1-01", aspect="1")
        if dismissed:
            with acting_as(self.officer):
                finding = services.dismiss(finding=finding, user=self.officer, reason="已复核")
        return finding

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def second(self, username: str) -> User:
        first = self.user(username)
        found = User.objects.filter(username=f"{username}_b").first()
        return found or make_user(f"{username}_b", first.role, first.unit)

    def township(self, name: str):
        from anju.units.models import Unit

        return Unit.objects.get(name=name, level="township")

    def person(self, role: Role, unit) -> User:
        found = User.objects.filter(role=role, unit=unit, is_active=True).order_by("pk").first()
        return found or make_user(f"{role}_{unit.code}", role, unit)


def _set(**values):
    def edit(data: dict) -> dict:
        return {**data, **values}

    return edit


# ledger ---------------------------------------------------------------------------------------------
def _entry_state(pk):
    from anju.rectification.models import LedgerEntry

    return lambda: LedgerEntry.objects.filter(pk=pk).values_list("state", "cause").first()


def case_entry_edit(w: World) -> Case:
    """The issue's own reproduction: B saves new 整改措施, A (stale) a new 完成时限."""
    from anju.rectification.models import LedgerEntry

    entry = w.entry(start=True)
    url = reverse("rectification:entry_edit", args=[entry.pk])
    later = (w.campaign.ends_on - dt.timedelta(days=1)).isoformat()
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=url,
        action=url,
        edit_b=_set(measures="B：由村两委本周内完成挂牌并拍照存档"),
        edit_a=_set(deadline=later),
        read=lambda: LedgerEntry.objects.values_list("measures", "deadline").get(pk=entry.pk),
    )


def _edited_by_b(entry) -> dict:
    url = reverse("rectification:entry_edit", args=[entry.pk])
    return {"b_page": url, "b_action": url, "edit_b": _set(cause="B 补充的原因分析")}


def case_entry_transition(w: World) -> Case:
    entry = w.entry()
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=reverse("rectification:entry_detail", args=[entry.pk]),
        action=reverse("rectification:entry_transition", args=[entry.pk, "start"]),
        read=_entry_state(entry.pk),
        **_edited_by_b(entry),
    )


def _draft_case(w: World, action: str) -> Case:
    w.entry()  # an entry on the ledger, for a draft to join
    draft = w.entry(draft=True)
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=reverse("rectification:draft_list"),
        action=reverse(action, args=[draft.pk]),
        read=_entry_state(draft.pk),
        **_edited_by_b(draft),
    )


def case_draft_discard(w: World) -> Case:
    return _draft_case(w, "rectification:draft_discard")


def case_draft_join(w: World) -> Case:
    return _draft_case(w, "rectification:draft_join")


# registry ----------------------------------------------------------------------------------------------
def case_household_edit(w: World) -> Case:
    from anju.registry.models import Household

    hh = w.household()
    url = reverse("registry:household_edit", args=[hh.pk, "identity"])
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=url,
        action=url,
        edit_b=_set(head_name="乙改名"),
        edit_a=_set(size="7"),
        read=lambda: Household.objects.values_list("head_name", "size").get(pk=hh.pk),
    )


def case_renovation_edit(w: World) -> Case:
    from anju.registry.models import Renovation
    from tests.factories import make_household

    hh = make_household(w.village, head_name="改造户", renovation={"method": "加固维修"})
    url = reverse("registry:renovation_edit", args=[hh.pk, "works"])
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=url,
        action=url,
        edit_b=_set(craftsman="乙工匠"),
        edit_a=_set(craftsman="甲工匠"),
        read=lambda: Renovation.objects.get(pk=hh.renovation_id).craftsman,
    )


# screening -------------------------------------------------------------------------------------------------
def _finding_state(pk):
    from anju.screening.models import Finding

    return lambda: Finding.objects.values_list("status", "reason", "reviewed_at").get(pk=pk)


def _finding_case(w: World, finding, action: str, b_action: str, **extra) -> Case:
    city = finding.status == "dismissed"
    a = w.user("shi_shenhe") if city else w.officer
    return Case(
        a=a,
        b=w.second(a.username),
        page=reverse("screening:finding", args=[finding.pk]),
        action=reverse(action, args=[finding.pk]),
        b_action=reverse(b_action, args=[finding.pk]),
        read=_finding_state(finding.pk),
        **extra,
    )


def case_confirm(w: World) -> Case:
    return _finding_case(
        w,
        w.finding(),
        "screening:confirm",
        "screening:dismiss",
        edit_b=_set(**{"dismiss-reason": "B：已重新鉴定为B级"}),
    )


def case_dismiss(w: World) -> Case:
    return _finding_case(
        w,
        w.finding(),
        "screening:dismiss",
        "screening:confirm",
        edit_a=_set(**{"dismiss-reason": "A：已整改"}),
    )


def case_overturn(w: World) -> Case:
    return _finding_case(
        w,
        w.finding(dismissed=True),
        "screening:overturn",
        "screening:uphold",
        edit_a=_set(**{"overturn-reason": "A：理由不足"}),
    )


def case_uphold(w: World) -> Case:
    return _finding_case(
        w,
        w.finding(dismissed=True),
        "screening:uphold",
        "screening:overturn",
        edit_b=_set(**{"overturn-reason": "B：理由不足"}),
    )


def case_rule_edit(w: World) -> Case:
    url = reverse("screening:rule_edit", args=["A2-01"])
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=url,
        action=url,
        edit_b=_set(plan_days="40"),
        edit_a=_set(plan_days="50"),
        read=lambda: (Campaign.objects.get(pk=w.campaign.pk).rule_params or {}).get("A2-01"),
    )


# house visits ------------------------------------------------------------------------------------------
def _new_household(w: World, township: str, village=None):
    from tests.factories import make_household

    unit = village or w.township(township).children.order_by("code").first()
    return make_household(unit, head_name="冲突测试户")


def case_visit_form(w: World) -> Case:
    from anju.visits.models import Visit
    from tests.visits.conftest import form_data

    worker = w.user("huolong_cun")
    hh = _new_household(w, "火龙镇", village=worker.unit)
    url = reverse("visits:visit_form", args=[hh.pk])
    answers = form_data(w.today)
    return Case(
        a=worker,
        b=worker,  # a visit is the visitor's own: the same person on a second phone
        page=url,
        action=url,
        edit_b=lambda d: {**d, **answers, "visitor_name": "乙"},
        edit_a=lambda d: {**d, **answers, "note": "A：户主说明情况"},
        read=lambda: list(Visit.objects.filter(household=hh).values_list("visitor_name", "note")),
    )


def _visit_by(w: World, worker, hh, **answers):
    """A phone visit recorded without a GPS fix (so the township is asked to check it)."""
    from anju.visits import services
    from anju.visits.checklist import QUESTIONS
    from tests.visits.conftest import clean_answers

    given = {**clean_answers(), **answers}
    data = services.VisitData(
        visitor_name="吴村干",
        visitor_role="村干部",
        visited_on=w.today,
        answers={q.code: {"answer": given[q.code], "note": ""} for q in QUESTIONS},
    )
    with acting_as(worker):
        return services.record_visit(user=worker, household=hh, data=data).visit


def _flagged_visit(w: World):
    worker = w.user("huolong_cun")
    visit = _visit_by(w, worker, _new_household(w, "火龙镇", village=worker.unit))
    assert visit.flagged  # a phone visit without a fix asks the township to check
    return visit


def case_check_flags(w: World) -> Case:
    from anju.visits.models import Visit

    visit = _flagged_visit(w)
    officer = w.person(Role.TOWNSHIP_OFFICER, visit.household.township)
    return Case(
        a=officer,
        b=w.second(officer.username),
        page=reverse("visits:visit_detail", args=[visit.pk]),
        action=reverse("visits:check_flags", args=[visit.pk]),
        edit_b=_set(note="B：已电话核实"),
        edit_a=_set(note="A：已到现场核实"),
        read=lambda: Visit.objects.values_list("flags_check_note", "flags_checked_by").get(
            pk=visit.pk
        ),
    )


def case_explain(w: World) -> Case:
    from anju.visits.models import UnvisitedReason

    hh = _new_household(w, "火龙镇")
    url = reverse("visits:explain", args=[hh.pk])
    filled = {
        "reason": "外出务工",
        "phone_checked_on": w.today.isoformat(),
        "phone_check_result": "电话联系户主本人，在外务工",
    }
    return Case(
        a=w.user("huolong_jb"),
        b=w.second("huolong_jb"),
        page=url,
        action=url,
        edit_b=lambda d: {**d, **filled},
        edit_a=lambda d: {**d, **filled, "reason": "外出就医"},
        read=lambda: list(UnvisitedReason.objects.filter(household=hh).values_list("reason")),
    )


def case_problem(w: World) -> Case:
    """A visit found the household still living in an unsafe house: a problem with its
    draft entry, which B edits before A puts it on the ledger."""
    from anju.visits.models import VisitProblem

    worker = w.person(Role.VILLAGE_WORKER, w.village)
    visit = _visit_by(w, worker, w.household(), safe_now="否")
    problem = VisitProblem.objects.get(visit=visit)
    entry = problem.entry
    url = reverse("visits:problem", args=[problem.pk])
    edit = reverse("rectification:entry_edit", args=[entry.pk])
    deadline = (w.today + dt.timedelta(days=10)).isoformat()
    return Case(
        a=w.officer,
        b=w.second(w.officer.username),
        page=url,
        action=url,
        pick=lambda d: d.get("action") == "accept",
        b_page=edit,
        b_action=edit,
        edit_b=_set(cause="B：屋面老化"),
        edit_a=_set(measures="A：十日内修缮屋面", deadline=deadline),
        read=lambda: (
            VisitProblem.objects.get(pk=problem.pk).status,
            type(entry).objects.values_list("state", "measures").get(pk=entry.pk),
        ),
    )


# spot-checks -----------------------------------------------------------------------------------------------
def _sample():
    from anju.inspections.models import Sample

    return Sample.objects.filter(status="drawn").order_by("pk").first()


def case_assign(w: World) -> Case:
    sample = _sample()
    villages = list(sample.villages.order_by("pk"))
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("inspections:sample", args=[sample.pk]),
        action=reverse("inspections:assign", args=[sample.pk]),
        edit_b=_set(**{f"inspector-{villages[-1].pk}": ""}),
        edit_a=_set(**{f"inspector-{villages[-2].pk}": ""}),
        read=lambda: list(sample.villages.order_by("pk").values_list("inspector_id", flat=True)),
    )


def case_spot_check(w: World) -> Case:
    from anju.inspections.models import SampleHousehold

    inspector = w.user("shi_choucha")
    sh = (
        SampleHousehold.objects.filter(
            sample=_sample(), visit__isnull=True, sample_village__inspector=inspector
        )
        .order_by("pk")
        .first()
    )
    url = reverse("inspections:visit", args=[sh.sample_id, sh.household_id])
    done = {"visited_on": w.today.isoformat(), "found_nothing": "on"}
    return Case(
        a=inspector,
        b=inspector,  # only the assigned inspector records it: the same person on two phones
        page=url,
        action=url,
        edit_b=lambda d: {**d, **done, "note": "B：现场未发现问题"},
        edit_a=lambda d: {**d, **done, "note": "A：住房安全"},
        read=lambda: SampleHousehold.objects.get(pk=sh.pk).visit.note,
    )


# weekly reports and final acceptance -----------------------------------------------------------------
def case_schedule_edit(w: World) -> Case:
    """B moves the end of 总结验收 (no week already reported changes), A moves it again."""
    from anju.reporting.models import Schedule

    url = reverse("reporting:schedule_edit")
    end = w.campaign.ends_on
    if Schedule.objects.get(campaign=w.campaign).accept_ends_on == end:
        end -= dt.timedelta(days=1)
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=url,
        action=url,
        edit_b=_set(accept_ends_on=end.isoformat()),
        edit_a=_set(accept_ends_on=(end - dt.timedelta(days=1)).isoformat()),
        read=lambda: Schedule.objects.get(campaign=w.campaign).accept_ends_on,
    )


def _weekly(status: str, n: int = 0):
    from anju.reporting.models import WeeklySubmission

    return WeeklySubmission.objects.filter(status=status).order_by("pk")[n]


def _regenerable(status: str = "awaiting"):
    """A report B will regenerate: its preparation time moved a minute back first, so B's
    regeneration (stamped in whole seconds) yields a new version even when an earlier case
    regenerated the same report within the same second."""
    from django.db.models import F

    from anju.reporting.models import WeeklySubmission

    s = _weekly(status)
    WeeklySubmission.objects.filter(pk=s.pk).update(
        prepared_at=F("prepared_at") - dt.timedelta(minutes=1)
    )
    s.refresh_from_db()
    return s


def _weekly_state(pk):
    from anju.reporting.models import WeeklySubmission

    fields = ("status", "prepared_at", "reviewed_at")
    return lambda: WeeklySubmission.objects.values_list(*fields).get(pk=pk)


def case_approve(w: World) -> Case:
    s = _regenerable()
    page = reverse("reporting:submission", args=[s.pk])
    return Case(
        a=w.person(Role.TOWNSHIP_HEAD, s.township),
        b=w.person(Role.TOWNSHIP_OFFICER, s.township),
        page=page,
        action=reverse("reporting:approve", args=[s.pk]),
        b_action=reverse("reporting:refresh", args=[s.pk]),
        read=_weekly_state(s.pk),
    )


def case_send_back(w: World) -> Case:
    """B (the officer) regenerates the report; A (the head, stale) sends it back."""
    s = _regenerable()
    return Case(
        a=w.person(Role.TOWNSHIP_HEAD, s.township),
        b=w.person(Role.TOWNSHIP_OFFICER, s.township),
        page=reverse("reporting:submission", args=[s.pk]),
        action=reverse("reporting:send_back", args=[s.pk]),
        b_action=reverse("reporting:refresh", args=[s.pk]),
        edit_a=_set(reason="A：第2条整改措施不具体"),
        read=_weekly_state(s.pk),
    )


def case_weekly_accept(w: World) -> Case:
    s = _weekly("submitted")
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("reporting:submission", args=[s.pk]),
        action=reverse("reporting:accept", args=[s.pk]),
        b_action=reverse("reporting:return", args=[s.pk]),
        edit_b=_set(reason="B：台账数据不全，请补充后重报"),
        read=_weekly_state(s.pk),
    )


def case_weekly_return(w: World) -> Case:
    s = _weekly("submitted")
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("reporting:submission", args=[s.pk]),
        action=reverse("reporting:return", args=[s.pk]),
        b_action=reverse("reporting:accept", args=[s.pk]),
        edit_a=_set(reason="A：台账数据不全，请补充后重报"),
        read=_weekly_state(s.pk),
    )


def _prepare_as(user, township, campaign, situation: str):
    from anju.acceptance import services
    from anju.reporting import weeks as cal

    with acting_as(user):
        return services._prepare(
            campaign=campaign,
            township=township,
            situation=situation,
            measures="",
            cases="",
            actor=user,
            name="冲突测试",
            at=cal.server_now(),
        )


def _final_state(township):
    from anju.acceptance.models import FinalSubmission

    fields = ("status", "situation", "prepared_at", "signed_at", "reviewed_at")
    return lambda: list(FinalSubmission.objects.filter(township=township).values_list(*fields))


def case_final_prepare(w: World) -> Case:
    township = w.t
    officer = w.person(Role.TOWNSHIP_OFFICER, township)
    other = w.second(officer.username)
    return Case(
        a=officer,
        b=other,
        page=reverse("acceptance:index"),
        action=reverse("acceptance:prepare"),
        change_b=lambda: _prepare_as(other, township, w.campaign, "B：乡镇成立工作专班"),
        edit_a=_set(situation="A：逐户排查", mechanism="A：建立回访制度"),
        read=_final_state(township),
    )


def case_sign(w: World) -> Case:
    from anju.acceptance.models import FinalSubmission

    township = w.t
    officer = w.person(Role.TOWNSHIP_OFFICER, township)
    s = FinalSubmission.objects.filter(township=township).first() or _prepare_as(
        officer, township, w.campaign, "乡镇成立工作专班"
    )
    return Case(
        a=w.person(Role.TOWNSHIP_HEAD, township),
        b=officer,
        page=reverse("acceptance:detail", args=[s.pk]),
        action=reverse("acceptance:sign", args=[s.pk]),
        change_b=lambda: _prepare_as(officer, township, w.campaign, "B：补充工作情况"),
        read=_final_state(township),
    )


def _awaiting_review(w: World):
    """顺店镇's materials awaiting the city's review (set back to it after a case)."""
    from anju.acceptance.models import FinalSubmission, Status

    s = FinalSubmission.objects.get(township=w.township("顺店镇"), signed_at__isnull=False)
    FinalSubmission.objects.filter(pk=s.pk).update(
        status=Status.AWAITING_REVIEW,
        reviewed_by=None,
        reviewed_by_name="",
        reviewed_at=None,
        return_reason="",
    )
    return s


def case_final_accept(w: World) -> Case:
    s = _awaiting_review(w)
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("acceptance:detail", args=[s.pk]),
        action=reverse("acceptance:accept", args=[s.pk]),
        b_action=reverse("acceptance:return", args=[s.pk]),
        edit_b=_set(reason="B：缺少典型案例"),
        read=_final_state(s.township),
    )


def case_final_return(w: World) -> Case:
    s = _awaiting_review(w)
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("acceptance:detail", args=[s.pk]),
        action=reverse("acceptance:return", args=[s.pk]),
        b_action=reverse("acceptance:accept", args=[s.pk]),
        edit_a=_set(reason="A：缺少典型案例"),
        read=_final_state(s.township),
    )


def case_final_reopen(w: World) -> Case:
    """火龙镇's accepted materials: B (a second reviewer) reopens them first."""
    from anju.acceptance.models import FinalSubmission, Status

    s = (
        FinalSubmission.objects.filter(township=w.township("火龙镇"), reviewed_at__isnull=False)
        .exclude(status=Status.RETURNED)
        .order_by("-id")
        .first()
    )
    FinalSubmission.objects.filter(pk=s.pk).update(
        status=Status.ACCEPTED,
        reopened_by=None,
        reopened_by_name="",
        reopened_at=None,
        reopen_reason="",
    )
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse("acceptance:detail", args=[s.pk]),
        action=reverse("acceptance:reopen", args=[s.pk]),
        edit_a=_set(reason="A：验收后台账新增 1 条"),
        edit_b=_set(reason="B：验收后台账修改 1 条"),
        read=_final_state(s.township),
    )


# notices, accounts, the admin site ------------------------------------------------------------------
def _notice():
    from anju.notices.models import Notice, NoticeUnit

    notice = Notice.objects.filter(status="draft").order_by("pk").first()
    # issuable: a 文号 and facts for every township named
    Notice.objects.filter(pk=notice.pk).update(document_number="禹建〔2022〕45号")
    NoticeUnit.objects.filter(notice=notice, facts="").update(facts="排查进度滞后。")
    notice.refresh_from_db()
    return notice


def _notice_state(pk):
    from anju.notices.models import Notice

    return lambda: Notice.objects.filter(pk=pk).values_list("status", "title").first()


def _notice_case(w: World, page: str, action: str, **extra) -> Case:
    notice = _notice()
    edit = reverse("notices:edit", args=[notice.pk])
    return Case(
        a=w.user("shi_shenhe"),
        b=w.second("shi_shenhe"),
        page=reverse(page, args=[notice.pk]),
        action=reverse(action, args=[notice.pk]),
        b_page=edit,
        b_action=edit,
        edit_b=_set(title=f"关于农村危房改造“回头看”工作进展情况的通报（B 改，{action}）"),
        read=_notice_state(notice.pk),
        **extra,
    )


def case_notice_edit(w: World) -> Case:
    return _notice_case(
        w,
        "notices:edit",
        "notices:edit",
        edit_a=_set(title="关于农村危房改造“回头看”工作进展情况的通报（A 改）"),
    )


def case_notice_issue(w: World) -> Case:
    return _notice_case(w, "notices:detail", "notices:issue")


def case_notice_discard(w: World) -> Case:
    return _notice_case(w, "notices:edit", "notices:discard")


def case_grant(w: World) -> Case:
    from anju.units.models import Unit

    account = w.user("huolong_cun")
    url = reverse("accounts:security_detail", args=[account.pk])
    villages = list(Unit.objects.villages().exclude(pk=account.unit_id).order_by("code")[:2])
    return Case(
        a=w.user("shi_anquan"),
        b=w.second("shi_anquan"),
        page=url,
        action=url,
        edit_b=_set(role=Role.VILLAGE_WORKER, unit=str(villages[0].pk)),
        edit_a=_set(role=Role.VILLAGE_WORKER, unit=str(villages[1].pk)),
        read=lambda: User.objects.values_list("role", "unit").get(pk=account.pk),
    )


def case_admin_user(w: World) -> Case:
    account = w.user("huolong_cun")
    url = reverse("admin:accounts_user_change", args=[account.pk])
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=url,
        action=url,
        edit_b=_set(full_name="乙改的姓名"),
        edit_a=_set(full_name="甲改的姓名"),
        read=lambda: User.objects.get(pk=account.pk).full_name,
    )


def case_admin_unit(w: World) -> Case:
    from anju.units.models import Unit

    village = w.user("huolong_cun").unit
    url = reverse("admin:units_unit_change", args=[village.pk])
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=url,
        action=url,
        edit_b=_set(name="乙改村名"),
        edit_a=_set(name="甲改村名"),
        read=lambda: Unit.objects.get(pk=village.pk).name,
    )


# rounds --------------------------------------------------------------------------------------------------
def _draft_round(w: World):
    """A draft round of the demo county (the demo's own round is published)."""
    from anju.campaigns import services

    admin = w.user("shi_admin")
    start = w.today + dt.timedelta(days=400)
    values = {
        "name": "冲突测试轮次",
        "document_number": "测建〔2031〕7号",
        "issuing_office": "",
        "superior_office": "",
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=60),
        "scope_all_groups": False,
        "disabled_rules": [],
        **services.blank_schedule(start, ends_on=start + dt.timedelta(days=60)),
    }
    with acting_as(admin):
        return services.create_round(actor=admin, data=services.RoundData(values))


def _round_state(pk):
    return lambda: Campaign.objects.values_list("name", "document_number", "status").get(pk=pk)


def case_round_edit(w: World) -> Case:
    draft = _draft_round(w)
    url = reverse("campaigns:edit", args=[draft.pk])
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=url,
        action=url,
        edit_b=_set(document_number="测建〔2031〕8号"),
        edit_a=_set(name="甲改的轮次名称"),
        read=_round_state(draft.pk),
    )


def case_round_step(w: World) -> Case:
    """B corrects the draft's 文号 while A has its page open; A's 发布 is refused."""
    draft = _draft_round(w)
    edit = reverse("campaigns:edit", args=[draft.pk])
    return Case(
        a=w.user("shi_admin"),
        b=w.second("shi_admin"),
        page=reverse("campaigns:detail", args=[draft.pk]),
        action=reverse("campaigns:step", args=[draft.pk, "publish"]),
        b_page=edit,
        b_action=edit,
        edit_b=_set(document_number="测建〔2031〕9号"),
        read=_round_state(draft.pk),
    )


CASES: dict[str, Callable[[World], Case]] = {
    "acceptance:accept": case_final_accept,
    "acceptance:prepare": case_final_prepare,
    "acceptance:reopen": case_final_reopen,
    "acceptance:return": case_final_return,
    "acceptance:sign": case_sign,
    "accounts:security_detail": case_grant,
    "admin:accounts_user_change": case_admin_user,
    "admin:units_unit_change": case_admin_unit,
    "campaigns:edit": case_round_edit,
    "campaigns:step": case_round_step,
    "inspections:assign": case_assign,
    "inspections:visit": case_spot_check,
    "notices:discard": case_notice_discard,
    "notices:edit": case_notice_edit,
    "notices:issue": case_notice_issue,
    "rectification:draft_discard": case_draft_discard,
    "rectification:draft_join": case_draft_join,
    "rectification:entry_edit": case_entry_edit,
    "rectification:entry_transition": case_entry_transition,
    "registry:household_edit": case_household_edit,
    "registry:renovation_edit": case_renovation_edit,
    "reporting:accept": case_weekly_accept,
    "reporting:approve": case_approve,
    "reporting:return": case_weekly_return,
    "reporting:send_back": case_send_back,
    "reporting:schedule_edit": case_schedule_edit,
    "screening:confirm": case_confirm,
    "screening:dismiss": case_dismiss,
    "screening:overturn": case_overturn,
    "screening:rule_edit": case_rule_edit,
    "screening:uphold": case_uphold,
    "visits:check_flags": case_check_flags,
    "visits:explain": case_explain,
    "visits:problem": case_problem,
    "visits:visit_form": case_visit_form,
}
