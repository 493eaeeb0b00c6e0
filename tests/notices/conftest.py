"""Notices use the overview's planted county (tests/overview/conftest.py). Its spot-check
batch is still 核查中 (甲二村 not inspected); ``published`` finishes it and publishes the
results — only published results count for a notice."""

import datetime as dt

import pytest

from anju.inspections import services as spot
from tests.overview.conftest import at, head_b, planted, refreshed, today  # noqa: F401


@pytest.fixture
def published(planted, city_reviewer, inspector):  # noqa: F811
    """The planted county with its spot-check batch finished and its results published."""
    sample = planted.sample
    with at("2022-06-19 15:00"):
        for sh in sample.households.filter(visit__isnull=True).select_related("sample"):
            spot.record_visit(
                actor=inspector,
                sample_household=sh,
                visited_on=dt.date(2022, 6, 19),
                found_nothing=True,
                note="",
                problems=[],
            )
        spot.publish(actor=city_reviewer, sample=sample)
    return planted
