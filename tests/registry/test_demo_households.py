"""The demo county's synthetic households (anju.registry.demo, DESIGN.md §6 `demo`).

``RULE_CASES`` states each rule of ../shared/RULES.md as a small query over the registry,
as of the demo's reference date. It is not the screening engine, only evidence that the
demo data holds every kind of problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import F, Q

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core import crypto
from anju.core.management.commands.demo import DemoContext
from anju.registry import demo as registry_demo
from anju.registry import idcard
from anju.registry.demo_data import REFERENCE_DATE, RULES
from anju.registry.models import Assessment, Household, Renovation
from anju.units import demo as units_demo
from anju.units.models import Level

pytestmark = pytest.mark.django_db

REF = REFERENCE_DATE
DANGER, SOUND = ("C", "D"), ("A", "B")
REBUILD = ("原址重建", "异地重建", "新建")
REINFORCE = "加固维修"
FILE_ITEMS = Renovation.FILE_ITEMS


def days_before(n: int) -> dt.date:
    return REF - dt.timedelta(days=n)


def build(households: int, seed: int = 2022) -> DemoContext:
    ctx = DemoContext(households=households, seed=seed, villages_per_township=23)
    ctx.say = lambda msg: ctx.extra.setdefault("said", []).append(msg)
    units_demo.build(ctx)
    registry_demo.build(ctx)
    return ctx


# --- the rules of RULES.md as queries (households that should be found) ------------------
def _accepted():
    return Q(renovation__accepted_on__isnull=False)


def _grade(*grades):
    return Q(assessment__grade__in=grades)


def _method(*methods):
    return Q(renovation__method__in=methods)


def _min_area_breach():
    return (
        Q(size=1, renovation__area_after__lt=20)
        | Q(size=2, renovation__area_after__lt=30)
        | Q(size=3, renovation__area_after__lt=40)
        | Q(size__gt=3, renovation__area_after__lt=13 * F("size"))
    )


def _over_ceiling():
    subsidy = "renovation__subsidy_amount"
    small = Q()
    for n, cap in RULES["rebuild_area_cap"].items():
        small |= Q(size=n) & (
            Q(**{f"{subsidy}__gt": 630 * cap})
            | Q(**{f"{subsidy}__gt": 630 * F("renovation__area_after")})
        )
    return (
        (_method(REINFORCE) & Q(**{f"{subsidy}__gt": 15000}))
        | (_method(*REBUILD) & small)
        | (_method(*REBUILD) & Q(size__gt=3, **{f"{subsidy}__gt": 50000}))
    )


def _dates_out_of_order(qs):
    chain = ("approved_on", "started_on", "completed_on", "accepted_on", "subsidy_paid_on")
    fields = [f"renovation__{c}" for c in chain] + ["assessment__assessed_on"]
    hits = []
    for pk, *values in qs.filter(renovation__isnull=False).values_list("pk", *fields):
        dates, assessed = [v for v in values[:-1] if v], values[-1]
        started = values[1]
        if dates != sorted(dates) or (assessed and started and assessed > started):
            hits.append(pk)
    return qs.filter(pk__in=hits)


def _paid_late(qs):
    rows = qs.filter(
        renovation__accepted_on__isnull=False, renovation__subsidy_paid_on__isnull=False
    ).values_list("pk", "renovation__accepted_on", "renovation__subsidy_paid_on")
    late = [pk for pk, accepted, paid in rows if (paid - accepted).days > RULES["pay_days"]]
    return qs.filter(pk__in=late)


def _file_incomplete():
    q = Q()
    for item in FILE_ITEMS:
        q |= Q(**{f"renovation__{item}": False}) | Q(**{f"renovation__{item}__isnull": True})
    return _accepted() & q


RULE_CASES = {
    "A1-01": lambda qs: qs.exclude(no_house=True).filter(assessment__isnull=True),
    "A1-02": lambda qs: qs.filter(assessment__isnull=False).filter(
        Q(assessment__assessed_on__isnull=True)
        | Q(assessment__assessor="")
        | Q(assessment__result_issued=False)
    ),
    "A1-03": lambda qs: qs.filter(assessment__isnull=False, plaque_posted=False),
    "A1-04": lambda qs: (
        qs.filter(plaque_posted=True)
        .exclude(plaque_grade="")
        .filter(
            (
                _accepted()
                & ~Q(renovation__post_grade="")
                & ~Q(plaque_grade=F("renovation__post_grade"))
            )
            | (
                (
                    Q(renovation__isnull=True)
                    | Q(renovation__accepted_on__isnull=True)
                    | Q(renovation__post_grade="")
                )
                & ~Q(plaque_grade=F("assessment__grade"))
            )
        )
    ),
    "A1-05": lambda qs: qs.filter(suspected_reported_on__isnull=False).filter(
        Q(assessment__isnull=True) | Q(suspected_reported_on__gt=F("assessment__assessed_on"))
    ),
    "A1-06": lambda qs: qs.filter(dangerous_site=True, assessment__grade__in=("A", "B", "C")),
    "A2-01": lambda qs: qs.filter(renovation__isnull=True).filter(
        Q(no_house=True)
        | (_grade(*DANGER) & Q(assessment__assessed_on__lt=days_before(RULES["plan_days"])))
    ),
    "A2-02": lambda qs: qs.filter(
        _grade(*DANGER),
        renovation__isnull=False,
        renovation__accepted_on__isnull=True,
        assessment__assessed_on__lt=days_before(RULES["finish_days"]),
    ),
    "A2-03": lambda qs: qs.filter(risk_state="风险消除").filter(
        (_grade(*DANGER) & ~(_accepted() & Q(renovation__post_grade__in=SOUND)))
        | (Q(no_house=True) & ~_accepted())
    ),
    "A3-01": lambda qs: qs.filter(_grade("C"), _method(*REBUILD), renovation__method_reason=""),
    "A3-02": lambda qs: qs.filter(_grade("D"), _method(REINFORCE), renovation__method_reason=""),
    "A3-03": lambda qs: qs.filter(dangerous_site=True, renovation__method="原址重建"),
    "A3-04": lambda qs: qs.filter(_grade(*SOUND), renovation__subsidy_amount__gt=0).exclude(
        no_house=True
    ),
    "A4-01": lambda qs: qs.filter(_method(*REBUILD) & _min_area_breach()),
    "A4-02": lambda qs: qs.filter(_method(*REBUILD)).filter(
        Q(size__lte=3, renovation__area_after__gt=60)
        | Q(size__gt=3, renovation__area_after__gt=18 * F("size"))
    ),
    "A4-03": lambda qs: qs.filter(_over_ceiling()),
    "A4-04": lambda qs: qs.filter(
        renovation__accepted_on__lt=days_before(RULES["pay_days"])
    ).filter(Q(renovation__subsidy_amount__isnull=True) | Q(renovation__subsidy_amount=0)),
    "A4-05": _paid_late,
    "A4-06": lambda qs: (
        qs.filter(renovation__subsidy_amount__gt=0)
        .exclude(renovation__payment_channel__in=("", "一卡通"))
        .exclude(renovation__payee_agreement=True)
    ),
    "A4-07": lambda qs: qs.filter(
        Q(borrowed=True)
        | Q(
            renovation__subsidy_amount__gt=0,
            self_funds__gt=RULES["self_ratio"] * F("renovation__subsidy_amount"),
        )
    ),
    "A4-08": lambda qs: qs.filter(renovation__subsidy_amount__gt=0).exclude(other_subsidy=""),
    "A5-01": lambda qs: qs.filter(
        renovation__accepted_on__isnull=True,
        renovation__completed_on__lt=days_before(RULES["accept_days"]),
    ),
    "A5-02": lambda qs: qs.filter(_accepted(), renovation__post_grade__in=("", "C", "D")),
    "A5-03": lambda qs: qs.filter(_accepted()).filter(
        (
            _method(*REBUILD)
            & (
                Q(renovation__foundation_checked_on__isnull=True)
                | Q(renovation__structure_checked_on__isnull=True)
                | Q(renovation__final_checked_on__isnull=True)
            )
        )
        | (_method(REINFORCE) & Q(renovation__final_checked_on__isnull=True))
    ),
    "A5-04": lambda qs: qs.filter(_file_incomplete()),
    "A5-05": lambda qs: qs.filter(_accepted(), _method(*REBUILD)).filter(
        Q(renovation__moved_in=False)
        | Q(renovation__method__in=("原址重建", "异地重建"), renovation__old_demolished=False)
    ),
    "A5-06": lambda qs: qs.filter(renovation__isnull=False, renovation__craftsman=""),
    "D-01": lambda qs: qs.filter(id_number_valid=False),
    "D-02": _dates_out_of_order,
}


def rule_hits(qs=None) -> dict[str, set[int]]:
    qs = Household.objects.in_campaign_scope() if qs is None else qs
    return {code: set(check(qs).values_list("pk", flat=True)) for code, check in RULE_CASES.items()}


# --- tests -----------------------------------------------------------------------------
def snapshot():
    households = Household.objects.order_by("id_number_hash").values_list(
        "id_number_hash",
        "head_name",
        "phone_masked",
        "size",
        "groups",
        "monitoring_type",
        "risk_state",
        "village__code",
        "floor_area",
        "latitude",
        "plaque_grade",
        "assessment__grade",
        "assessment__assessed_on",
        "renovation__method",
        "renovation__accepted_on",
        "renovation__subsidy_amount",
    )
    ids = sorted(h.id_number for h in Household.objects.all())
    return list(households), ids


def test_same_seed_same_households_other_seed_other_households():
    build(400, seed=7)
    first = snapshot()
    Household.objects.all().delete()
    build(400, seed=7)
    assert snapshot() == first
    Household.objects.all().delete()
    build(400, seed=8)
    assert snapshot()[1] != first[1]


def test_counts_places_and_current_records():
    ctx = build(3000)
    assert Household.objects.count() == 3000
    assert Assessment.objects.count() == Household.objects.filter(assessment__isnull=False).count()
    assert Renovation.objects.count() == Household.objects.filter(renovation__isnull=False).count()
    assert not Household.objects.exclude(village__parent_id=F("township_id")).exists()
    assert not Household.objects.exclude(village__level=Level.VILLAGE).exists()
    assert not Household.objects.exclude(township__level=Level.TOWNSHIP).exists()
    assert Household.objects.values("township").distinct().count() == 26
    # the current pointers point at the household's own records
    assert (
        not Household.objects.exclude(assessment__household_id=F("id"))
        .filter(assessment__isnull=False)
        .exists()
    )
    assert (
        not Household.objects.exclude(renovation__household_id=F("id"))
        .filter(renovation__isnull=False)
        .exists()
    )
    said = " ".join(ctx.extra["said"])
    assert "演示农户：新增 3000 户" in said
    # shaped like real exports: own money and debt filled for everyone, renovated or not;
    # every renovation record has a method (ADR 0009)
    assert not Household.objects.filter(Q(self_funds__isnull=True) | Q(borrowed__isnull=True))
    unrenovated = Household.objects.filter(renovation__isnull=True)
    assert unrenovated.count() > 1500
    assert not unrenovated.exclude(self_funds=0, borrowed=False, other_subsidy="").exists()
    assert not Renovation.objects.filter(method="").exists()


def test_id_numbers_are_valid_unique_and_never_stored_in_plaintext():
    build(3000)
    rows = list(Household.objects.all())
    ids = [h.id_number for h in rows]
    assert len(set(ids)) == len(ids) == 3000
    assert all(idcard.has_shape(i) for i in ids)
    assert all(h.id_number_valid == idcard.is_valid(h.id_number) for h in rows)
    assert all(h.id_number_hash == crypto.blind_index(h.id_number) for h in rows)
    assert all(h.id_number_masked == crypto.mask_id_number(h.id_number) for h in rows)
    prefixes = Counter(i[:6] for i in ids)
    assert prefixes["411081"] > 0.9 * len(ids) and len(prefixes) > 1
    invalid = sum(not h.id_number_valid for h in rows)
    assert 0 < invalid < 0.05 * len(rows)
    phones = [h.phone for h in rows if h.phone_enc]
    assert phones and all(re.fullmatch(r"1[3-9][0-9]{9}", p) for p in phones)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_household")
        dump = repr(cursor.fetchall())
    assert not any(i in dump for i in ids[:300])
    assert not any(p in dump for p in phones[:300])


def test_distributions_are_plausible():
    build(3000)
    households = Household.objects.all()
    sizes = Counter(households.values_list("size", flat=True))
    assert set(sizes) <= set(range(1, 8))
    assert sizes[2] + sizes[3] + sizes[4] > 0.55 * 3000
    grades = Counter(Assessment.objects.values_list("grade", flat=True))
    assert grades["A"] + grades["B"] > 0.55 * sum(grades.values()) and grades["C"] and grades["D"]
    scope = households.in_campaign_scope().count()
    assert 0.7 * 3000 < scope < 0.9 * 3000
    assert households.exclude(monitoring_type="").filter(risk_state="").count() == 0
    assert 0 < households.filter(no_house=True).count() < 0.08 * 3000
    dates = list(Assessment.objects.exclude(assessed_on=None).values_list("assessed_on", flat=True))
    assert min(dates) >= dt.date(2019, 1, 1) and max(dates) <= REF
    for field in ("approved_on", "started_on", "accepted_on", "subsidy_paid_on"):
        values = Renovation.objects.exclude(**{field: None}).values_list(field, flat=True)
        assert max(values) <= REF
    assert (
        not households.exclude(latitude=None)
        .exclude(latitude__range=(34.05, 34.35), longitude__range=(113.15, 113.65))
        .exists()
    )
    assert (
        Renovation.objects.filter(payment_channel="一卡通").count()
        > 0.5 * Renovation.objects.count()
    )
    reinforced = Renovation.objects.filter(method=REINFORCE, household__assessment__grade="C")
    assert (
        reinforced.count()
        > Renovation.objects.filter(household__assessment__grade="C")
        .exclude(method=REINFORCE)
        .count()
    )


def test_every_rule_of_the_catalogue_has_cases():
    build(3000)
    hits = rule_hits()
    assert set(hits) == set(RULE_CASES)
    missing = [code for code, found in hits.items() if not found]
    assert missing == []
    scope = Household.objects.in_campaign_scope().count()
    too_common = {code: len(found) for code, found in hits.items() if len(found) > 0.1 * scope}
    assert too_common == {}


def test_townships_differ_in_how_many_problems_they_have():
    build(3000)
    with_problem = set().union(*rule_hits().values())
    per_township = Counter()
    totals = Counter(Household.objects.in_campaign_scope().values_list("township_id", flat=True))
    for township in Household.objects.filter(pk__in=with_problem).values_list(
        "township_id", flat=True
    ):
        per_township[township] += 1
    shares = sorted(per_township[t] / n for t, n in totals.items() if n >= 30)
    assert shares[-1] > 2.5 * shares[0]


def test_running_twice_changes_nothing_and_the_load_is_one_audit_event():
    build(500)
    before = (Household.objects.count(), Assessment.objects.count(), Renovation.objects.count())
    imports = AuditEvent.objects.filter(event=Event.IMPORT)
    assert imports.count() == 1
    event = imports.get()
    assert event.detail["households"] == 500 and event.detail["seed"] == 2022
    assert not AuditEvent.objects.filter(
        object_type="registry.household", event=Event.CREATE
    ).exists()
    ctx = build(500)
    assert (
        Household.objects.count(),
        Assessment.objects.count(),
        Renovation.objects.count(),
    ) == before
    assert imports.count() == 1
    assert "跳过" in " ".join(ctx.extra["said"])


def test_the_demo_command_builds_households(capsys):
    from django.core.management import call_command

    call_command("demo", "--households", "200", "--seed", "3")
    assert Household.objects.count() == 200
    assert "演示农户：新增 200 户" in capsys.readouterr().out
