"""The one definition of the current round (``Campaign.objects.current(user, on)``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from anju.accounts.roles import Role
from anju.campaigns.models import Campaign, round_today
from anju.units.models import Level, Unit
from tests.conftest import make_user

D = dt.date


def _round(county, doc, starts, ends, **extra):
    return Campaign.objects.create(
        name=f"测试轮次 {doc}",
        document_number=doc,
        county=county,
        starts_on=starts,
        ends_on=ends,
        **extra,
    )


@pytest.fixture
def clean(db):
    Campaign.objects.all().delete()


@pytest.fixture
def other_county(db):
    return Unit.objects.create(code="419999", name="测试县", level=Level.COUNTY, is_fictional=True)


def test_no_round_is_none_and_reading_creates_nothing(clean, county, officer_a):
    assert Campaign.objects.current(officer_a, D(2031, 3, 1)) is None
    assert Campaign.objects.current(county=county) is None
    assert Campaign.objects.current() is None
    assert not Campaign.objects.exists()


def test_the_round_running_on_the_day(clean, county, officer_a):
    spring = _round(county, "测建〔2031〕1号", D(2031, 3, 1), D(2031, 4, 30))
    autumn = _round(county, "测建〔2031〕7号", D(2031, 9, 1), D(2031, 10, 31))
    assert Campaign.objects.current(officer_a, D(2031, 3, 15)) == spring
    assert Campaign.objects.current(officer_a, D(2031, 9, 15)) == autumn
    # Between rounds: the one last started (its acceptance may still be under way).
    assert Campaign.objects.current(officer_a, D(2031, 6, 1)) == spring
    # Before any round started: the next one.
    assert Campaign.objects.current(officer_a, D(2031, 1, 1)) == spring


def test_overlapping_rounds_the_last_started(clean, county, officer_a):
    _round(county, "测建〔2031〕1号", D(2031, 3, 1), D(2031, 6, 30))
    later = _round(county, "测建〔2031〕2号", D(2031, 5, 1), D(2031, 7, 31))
    assert Campaign.objects.current(officer_a, D(2031, 5, 10)) == later


def test_inactive_rounds_are_never_current(clean, county, officer_a):
    _round(county, "测建〔2031〕1号", D(2031, 3, 1), D(2031, 6, 30), is_active=False)
    assert Campaign.objects.current(officer_a, D(2031, 5, 10)) is None


def test_each_county_its_own_round(clean, county, other_county, officer_a):
    ours = _round(county, "测建〔2031〕1号", D(2031, 3, 1), D(2031, 6, 30))
    theirs = _round(other_county, "测建〔2031〕7号", D(2031, 3, 5), D(2031, 6, 30))
    stranger = make_user("p_other_admin", Role.CITY_ADMIN, other_county)
    day = D(2031, 4, 1)
    assert Campaign.objects.current(officer_a, day) == ours
    assert Campaign.objects.current(stranger, day) == theirs
    township = officer_a.unit
    assert Campaign.objects.current(county=township, on=day) == ours


def test_today_is_beijing_today():
    # 16:30 UTC on 30 June is 00:30 on 1 July in Beijing.
    late = dt.datetime(2031, 6, 30, 16, 30, tzinfo=dt.UTC)
    assert round_today(late) == D(2031, 7, 1)


def test_current_by_beijing_date_not_server_date(clean, county, officer_a, settings):
    july = _round(county, "测建〔2031〕7号", D(2031, 7, 1), D(2031, 7, 31))
    _round(county, "测建〔2031〕6号", D(2031, 6, 1), D(2031, 6, 30))
    late = dt.datetime(2031, 6, 30, 16, 30, tzinfo=dt.UTC)
    assert Campaign.objects.current(officer_a, round_today(late)) == july


def test_no_other_module_decides_which_round_is_current():
    """Every page, command, task and the API ask ``Campaign.objects.current``: no other
    module filters rounds by their dates or falls back to a newest one of its own."""
    root = Path(__file__).resolve().parents[2] / "anju"
    own = root / "campaigns" / "models.py"
    pattern = re.compile(
        r"Campaign\.objects\.(active\(\)|filter\((?!pk=)[^)]*(starts_on|ends_on|is_active))"
    )
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != own and "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []
