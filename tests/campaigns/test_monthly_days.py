"""动态监测's monthly rhythm on the round (issue #18 part 4): lists by the 5th, new households
assessed by the 20th, editable per round, checked by the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from anju.campaigns.models import Campaign

D = dt.date


def _round(county, **extra):
    return Campaign.objects.create(
        name="测试轮次", county=county, starts_on=D(2031, 3, 1), ends_on=D(2031, 12, 31), **extra
    )


def test_defaults_are_the_5th_and_the_20th(county):
    campaign = _round(county)
    assert (campaign.list_due_day, campaign.assess_due_day) == (5, 20)
    assert campaign.list_due_on(D(2031, 4, 17)) == D(2031, 4, 5)
    assert campaign.assess_due_on(D(2031, 4, 17)) == D(2031, 4, 20)


def test_days_are_editable(county):
    campaign = _round(county, list_due_day=8, assess_due_day=25)
    campaign.refresh_from_db()
    assert campaign.assess_due_on(D(2031, 2, 1)) == D(2031, 2, 25)


@pytest.mark.parametrize(("lists", "assess"), [(0, 20), (5, 29), (20, 20), (21, 20)])
def test_impossible_days_are_refused(county, lists, assess):
    campaign = Campaign(
        name="测试轮次",
        county=county,
        starts_on=D(2031, 3, 1),
        ends_on=D(2031, 12, 31),
        list_due_day=lists,
        assess_due_day=assess,
    )
    with pytest.raises(ValidationError):
        campaign.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign.save()
