"""The two ways a rule is evaluated agree: the county/township run (one ORM query per rule,
streamed) and the re-screen after a save (each rule's query compiled once and re-run with
other household ids). Same hits, same messages, same facts — so a save never records a
spurious change on a finding the county run opened."""

from __future__ import annotations

import pytest
from django.db import connection

from anju.campaigns.models import Campaign
from anju.registry.demo_data import REFERENCE_DATE
from anju.registry.models import Household
from anju.screening import engine, params, services
from anju.screening.models import FindingEvent
from anju.units.models import Unit
from tests.registry.test_demo_households import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    build(600, seed=7)
    return Unit.objects.get(code="411081")


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "plain"])
def test_both_paths_give_the_same_hits_for_every_rule(county, settings, prepared):
    settings.PG_PREPARED = prepared  # PostgreSQL: prepared statements or plain ones
    campaign = Campaign.objects.current()
    households = engine.households_in_scope(campaign)
    ids = list(Household.objects.values_list("pk", flat=True))
    fired = 0
    for rule in params.enabled_rules(campaign):
        p = params.effective(campaign, rule)
        streamed = set(engine.evaluate(rule, households, p, REFERENCE_DATE))
        compiled = set(engine.evaluate_households(rule, campaign, ids, p, REFERENCE_DATE))
        assert compiled == streamed, rule.code
        # the compiled query is re-run, not rebuilt: another subset gives that subset's hits
        some = ids[::3]
        subset = set(engine.evaluate_households(rule, campaign, some, p, REFERENCE_DATE))
        assert subset == {h for h in streamed if h[1] in set(some)}, rule.code
        fired += bool(streamed)
    assert fired >= 20  # the demo holds most kinds of problem


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "plain"])
def test_one_statement_finds_which_rules_fire_then_only_those_run(county, settings, prepared):
    settings.PG_PREPARED = prepared
    campaign = Campaign.objects.current()
    rule_set = [(rule, params.effective(campaign, rule)) for rule in params.enabled_rules(campaign)]
    ids = list(Household.objects.values_list("pk", flat=True))
    for some in (ids, ids[::7], ids[:1]):
        one_by_one = [
            hit
            for rule, p in rule_set
            for hit in engine.evaluate_households(rule, campaign, some, p, REFERENCE_DATE)
        ]
        many = list(engine.evaluate_many(rule_set, campaign, some, REFERENCE_DATE))
        assert sorted(many) == sorted(one_by_one)  # the same hits (in no promised order)
        assert len(many) == len(one_by_one)
    assert len(one_by_one) < len(rule_set)  # one household: most rules do not fire


def test_a_save_that_changes_no_finding_writes_nothing_in_few_statements(county):
    from django.test.utils import CaptureQueriesContext

    services.execute_run(services.create_run(unit=county, as_of=REFERENCE_DATE).pk)
    household = Household.objects.in_campaign_scope().first()
    services.screen_households([household.pk], as_of=REFERENCE_DATE)  # compiled, planned
    events = FindingEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        run = services.screen_households([household.pk], as_of=REFERENCE_DATE)
    assert (run.opened, run.changed, run.reopened, run.resolved) == (0, 0, 0, 0)
    assert FindingEvent.objects.count() == events
    written = [
        q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE"))
    ]
    assert written == [written[0]] and "screening_run" in written[0]  # the run row only
    # the rule queries (one statement, plus one per rule that fires) are prepared
    # statements on PostgreSQL, outside Django's log; the rest is in it
    assert len(captured) <= 15, [q["sql"][:60] for q in captured]


def test_the_bulk_path_opens_each_finding_with_one_history_line(county, monkeypatch):
    from anju.screening import sync
    from anju.screening.models import Finding

    monkeypatch.setattr(sync, "BULK_HITS", 1)  # PostgreSQL: every chunk takes the bulk path
    run = services.execute_run(services.create_run(unit=county, as_of=REFERENCE_DATE).pk)
    assert run.opened > 0 and Finding.objects.count() == run.opened
    opened = FindingEvent.objects.filter(kind=FindingEvent.Kind.OPENED).select_related("finding")
    assert sorted(e.finding_id for e in opened) == sorted(
        Finding.objects.values_list("id", flat=True)
    )
    for event in opened:
        assert (event.run_id, event.message, event.reason) == (run.pk, event.finding.message, "")
        assert event.at == event.finding.opened_at
    events = FindingEvent.objects.count()
    again = services.execute_run(services.create_run(unit=county, as_of=REFERENCE_DATE).pk)
    assert (again.opened, again.changed, again.reopened, again.resolved) == (0, 0, 0, 0)
    assert FindingEvent.objects.count() == events


def test_a_save_after_a_county_run_changes_nothing(county):
    run = services.create_run(unit=county, as_of=REFERENCE_DATE)
    run = services.execute_run(run.pk)
    assert run.opened > 0
    events = FindingEvent.objects.count()
    ids = list(Household.objects.values_list("pk", flat=True)[:50])
    again = services.screen_households(ids, as_of=REFERENCE_DATE)
    assert (again.opened, again.changed, again.reopened, again.resolved) == (0, 0, 0, 0)
    assert again.hits > 0
    assert FindingEvent.objects.count() == events


def test_parameters_and_dates_are_part_of_the_compiled_query(county):
    campaign = Campaign.objects.current()
    rule = next(r for r in params.enabled_rules(campaign) if r.code == "A4-01")
    ids = list(Household.objects.values_list("pk", flat=True))
    p = params.effective(campaign, rule)
    strict = params.Params({**p, "min_each": p["min_each"] * 3})
    normal = set(engine.evaluate_households(rule, campaign, ids, p, REFERENCE_DATE))
    stricter = set(engine.evaluate_households(rule, campaign, ids, strict, REFERENCE_DATE))
    assert len(stricter) > len(normal)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_a_save_runs_the_rules_as_prepared_statements(county):
    ids = list(Household.objects.in_campaign_scope().values_list("pk", flat=True)[:3])
    for pk in ids:
        services.screen_households([pk], as_of=REFERENCE_DATE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements"
        )
        statements, generic, custom = cursor.fetchone()
    # one statement asks every rule on households which of them fire (M-01 is on list
    # records), then each rule that fires runs its own
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["%UNION ALL%"],
        )
        assert cursor.fetchall() == [(len(ids), 0)]  # planned once, re-used by every save
    assert statements >= 1 and generic >= len(ids) and custom == 0


def test_a_failed_save_rescreen_leaves_no_half_run_and_records_the_failure(county, monkeypatch):
    from anju.screening.models import Finding, Run

    household = Household.objects.in_campaign_scope().first()
    before = (Finding.objects.count(), FindingEvent.objects.count())

    def broken(*args, **kwargs):
        raise RuntimeError("规则查询出错")
        yield  # pragma: no cover

    monkeypatch.setattr(engine, "households_and_hits", broken)
    with pytest.raises(RuntimeError):
        services.screen_households([household.pk], as_of=REFERENCE_DATE)
    assert (Finding.objects.count(), FindingEvent.objects.count()) == before
    failed = Run.objects.get(kind=Run.Kind.HOUSEHOLDS)
    assert failed.status == Run.Status.FAILED and "规则查询出错" in failed.error
    assert failed.household_ids == [household.pk]
