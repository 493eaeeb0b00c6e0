"""A closed round is read-only in every write service (issue #16; the attack of b1df2d3):
whoever calls it — a page, a command, a task — a record of a closed or archived round is
not changed, with a message naming the round. The pages are in test_attack_past_round.py."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.campaigns.guard import RoundReadOnly, ensure_writable
from anju.campaigns.models import Campaign, Status
from tests.campaigns.test_selector import past_entry, past_round  # noqa: F401 - fixtures
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def _refuses(call, campaign) -> None:
    with pytest.raises(RoundReadOnly) as caught:
        call()
    assert str(caught.value.args[0]) == f"“{campaign.name}”已结束，只能查看，不能修改。"


def test_the_status_is_read_when_writing_not_when_loaded(past_round):  # noqa: F811
    """A round object loaded while it was open does not let a write through later."""
    Campaign.objects.filter(pk=past_round.pk).update(status=Status.PUBLISHED)
    loaded = Campaign.objects.get(pk=past_round.pk)
    ensure_writable(loaded)  # open: nothing raised
    Campaign.objects.filter(pk=past_round.pk).update(status=Status.CLOSED)
    _refuses(lambda: ensure_writable(loaded), past_round)
    _refuses(lambda: ensure_writable(loaded.pk), past_round)


def test_ledger_services_refuse(past_round, past_entry, officer_a, head_a, township_a):  # noqa: F811
    from anju.rectification import services
    from anju.rectification.models import LedgerEntry

    _refuses(
        lambda: services.create_entry(
            actor=officer_a,
            campaign=past_round,
            township=township_a,
            nature="个性问题",
            description="补记去年的问题",
            draft=True,
        ),
        past_round,
    )
    _refuses(
        lambda: services.update_entry(actor=officer_a, entry=past_entry, data={"cause": "x"}),
        past_round,
    )
    _refuses(lambda: services.add_note(actor=officer_a, entry=past_entry, text="进展"), past_round)
    _refuses(
        lambda: services.transition(actor=officer_a, entry=past_entry, name="start"), past_round
    )
    assert LedgerEntry.objects.filter(campaign=past_round).count() == 1
    assert LedgerEntry.objects.get(pk=past_entry.pk).state == past_entry.state


def test_weekly_report_and_schedule_services_refuse(
    past_round,  # noqa: F811
    officer_a,
    city_admin,
    township_a,
):
    from anju.reporting import services

    _refuses(
        lambda: services.prepare(actor=officer_a, campaign=past_round, township=township_a, week=1),
        past_round,
    )
    _refuses(
        lambda: services.save_schedule(
            actor=city_admin,
            campaign=past_round,
            mobilise_ends_on=past_round.starts_on + dt.timedelta(days=5),
            rectify_ends_on=past_round.starts_on + dt.timedelta(days=40),
            accept_ends_on=past_round.ends_on,
            report_weekday=4,
            report_time=dt.time(12),
        ),
        past_round,
    )


def test_final_report_service_refuses(past_round, officer_a, township_a):  # noqa: F811
    from anju.acceptance import services
    from anju.acceptance.models import FinalSubmission

    _refuses(
        lambda: services.prepare(
            actor=officer_a,
            campaign=past_round,
            township=township_a,
            situation="情况",
            measures="措施",
            cases="案例",
        ),
        past_round,
    )
    assert not FinalSubmission.objects.exists()


def test_visit_services_refuse(past_round, officer_a, village_a):  # noqa: F811
    from anju.visits import services
    from anju.visits.models import UnvisitedReason, Visit

    household = make_household(village_a)
    data = services.VisitData(
        visitor_name="经办人",
        visitor_role="乡镇经办人",
        visited_on=past_round.ends_on,
        answers={},
    )
    _refuses(
        lambda: services.record_visit(
            user=officer_a, household=household, data=data, campaign=past_round
        ),
        past_round,
    )
    _refuses(
        lambda: services.explain_unvisited(
            user=officer_a,
            household=household,
            campaign=past_round,
            reason="外出务工",
            detail="",
            phone_checked_on=past_round.ends_on,
            phone_check_result="电话联系户主，在外务工",
        ),
        past_round,
    )
    assert not Visit.objects.exists() and not UnvisitedReason.objects.exists()


def test_spot_check_notice_and_rule_services_refuse(
    past_round,  # noqa: F811
    city_reviewer,
    city_admin,
    township_a,
):
    from anju.inspections import sampling
    from anju.inspections import services as inspections
    from anju.inspections.models import Sample
    from anju.notices import services as notices
    from anju.notices.models import Notice
    from anju.screening import rules
    from anju.screening import services as screening

    _refuses(
        lambda: inspections.draw_sample(
            actor=city_reviewer,
            campaign=past_round,
            params=sampling.Params(villages=1, per_village=1),
            seed=7,
        ),
        past_round,
    )
    _refuses(
        lambda: notices.create_draft(
            actor=city_reviewer, campaign=past_round, picks=[(township_a.code, "criticism")]
        ),
        past_round,
    )
    _refuses(
        lambda: screening.update_rule_settings(
            campaign=past_round,
            rule=rules.get("A2-01"),
            enabled=True,
            values={"plan_days": 60},
            user=city_admin,
        ),
        past_round,
    )
    past_round.refresh_from_db()
    assert past_round.rule_params == {}
    assert not Sample.objects.exists() and not Notice.objects.exists()
