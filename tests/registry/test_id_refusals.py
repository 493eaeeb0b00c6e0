"""No ID-number enumeration across the county (issue #13, minor): a township officer is not
told whether, or where, an ID number is registered outside their scope — only that it
cannot be registered here and to contact the city bureau; each such refusal is audited and
they are rate-limited per hour (``ID_REFUSALS_PER_HOUR``)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.registry.id_refusals import REFUSED
from anju.registry.models import Household
from tests.factories import make_household
from tests.registry.test_import_helpers import Mode, an_id, book, problems, row, run
from tests.registry.test_pages_forms import NEW, errors_of, new_household

pytestmark = pytest.mark.django_db


def test_creating_a_household_does_not_say_where_an_id_is_registered(
    as_user, officer_a, village_a, village_b
):
    elsewhere = make_household(village_b, head_name="外乡户")
    response = as_user(officer_a).post(NEW, new_household(village_a, id_number=elsewhere.id_number))
    message = errors_of(response)["id_number"]
    assert message == REFUSED
    assert "其他乡镇" not in message and "已登记" not in message
    assert "外乡户" not in response.content.decode() and "顺店镇" not in message
    event = AuditEvent.objects.get(event="id_refused")
    assert (event.username, event.outcome) == ("p_officer_a", "denied")
    assert event.detail == {
        "via": "form",
        "id_number": elsewhere.id_number_masked,
        "key": elsewhere.id_number_hash,  # counted once however often it is refused
    }


def test_a_dry_run_import_does_not_say_where_either(tmp_path, officer_a, village_a, village_b):
    make_household(village_b, id_number=an_id(1), head_name="外乡户")
    batch = run(book(tmp_path, [row(village_a), row(village_a, n=2)]), officer_a, mode=Mode.DRY_RUN)
    [error] = problems(batch)
    assert error["message"] == REFUSED
    assert "管辖范围" not in error["message"] and "顺店镇" not in str(batch.problems)
    event = AuditEvent.objects.get(event="id_refused")
    assert event.detail["via"] == "import" and event.detail["batch"] == batch.pk


def test_refusals_are_limited_per_user_and_hour(
    settings, tmp_path, as_user, officer_a, officer_b, village_a, village_b
):
    settings.ID_REFUSALS_PER_HOUR = 3
    client = as_user(officer_a)
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        for n in range(3):
            taken = make_household(village_b, id_number=an_id(100 + n))
            response = client.post(NEW, new_household(village_a, id_number=taken.id_number))
            assert errors_of(response)["id_number"] == REFUSED
        # the limit reached: no new ID number at all, registered anywhere or not
        response = client.post(NEW, new_household(village_a, id_number=an_id(200)))
        limited = errors_of(response)["id_number"]
        assert "一小时内" in limited and "联系市住建局" in limited
        assert not Household.objects.by_id_number(an_id(200)).exists()
        blocked = AuditEvent.objects.filter(event="id_refused", detail__reason="rate limited")
        assert blocked.count() == 1
        # other users are not affected
        ok = as_user(officer_b).post(NEW, new_household(village_b, id_number=an_id(201)))
        assert ok.status_code == 302
        # an import that would create households is refused as a whole, naming no row
        clock.shift(dt.timedelta(minutes=30))
        path = book(tmp_path, [row(village_a, n=202)])
        batch = run(path, officer_a, mode=Mode.DRY_RUN)
        assert batch.status == "blocked" and [p["row"] for p in problems(batch)] == [None]
        # an hour after the refusals, new ID numbers are accepted again
        clock.shift(dt.timedelta(minutes=31))
        assert AuditEvent.objects.filter(event="id_refused").count() == 5
        response = client.post(NEW, new_household(village_a, id_number=an_id(203)))
        assert response.status_code == 302


def test_an_import_with_more_refusals_than_allowed_names_no_row(
    settings, tmp_path, officer_a, village_a, village_b
):
    settings.ID_REFUSALS_PER_HOUR = 2
    for n in (1, 2, 3):
        make_household(village_b, id_number=an_id(n))
    rows = [row(village_a, n=n) for n in (1, 2, 3, 4)]
    batch = run(book(tmp_path, rows), officer_a, mode=Mode.DRY_RUN)
    assert batch.status == "blocked"
    [error] = problems(batch)
    assert error["row"] is None and "一小时内" in error["message"]
    assert AuditEvent.objects.filter(event="id_refused").count() == 1  # the refused attempt


def test_a_preview_and_its_import_count_each_number_once(
    settings, tmp_path, officer_a, village_a, village_b
):
    settings.ID_REFUSALS_PER_HOUR = 3
    for n in (1, 2):
        make_household(village_b, id_number=an_id(n))
    path = book(tmp_path, [row(village_a, n=n) for n in (1, 2, 3)])
    for mode in (Mode.DRY_RUN, Mode.VALID_ONLY, Mode.DRY_RUN):
        batch = run(path, officer_a, mode=mode)
        assert [p["message"] for p in problems(batch)] == [REFUSED, REFUSED], mode
    assert AuditEvent.objects.filter(event="id_refused").count() == 6  # each one audited
    assert Household.objects.filter(village=village_a).count() == 1


def test_the_city_is_never_refused(as_user, city_reviewer, village_a, village_b):
    taken = make_household(village_b, head_name="外乡户")
    response = as_user(city_reviewer).post(NEW, new_household(village_a, id_number=taken.id_number))
    assert "户主 外乡户" in errors_of(response)["id_number"]
    assert not AuditEvent.objects.filter(event="id_refused").exists()
