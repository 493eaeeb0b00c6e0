from __future__ import annotations

import pytest
from django.core.management import call_command

from anju.accounts.models import User
from anju.accounts.roles import Role
from anju.units.models import Unit

pytestmark = pytest.mark.django_db


def test_sec_06_demo_seed_has_no_default_account_names(capsys):
    call_command("demo", "--households", "0", "--logins")
    out = capsys.readouterr().out
    villages = Unit.objects.villages()
    assert villages.count() > 26 * 15
    assert not villages.filter(is_fictional=False).exists()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "huolong_jb" in out and "Anju@2022" in out
    forbidden = {"admin", "root", "sa", "test", "guest", "administrator"}
    assert not User.objects.filter(username__in=forbidden).exists()


def test_demo_twice_changes_nothing():
    call_command("demo", "--households", "0")
    counts = (Unit.objects.count(), User.objects.count())
    call_command("demo", "--households", "0")
    assert (Unit.objects.count(), User.objects.count()) == counts


def test_demo_is_deterministic_per_seed():
    import random

    from anju.units.demo import village_names

    assert village_names(random.Random("7-villages"), 20) == village_names(
        random.Random("7-villages"), 20
    )
    assert village_names(random.Random("7-villages"), 20) != village_names(
        random.Random("8-villages"), 20
    )
