"""补助发放账号: encrypted at rest, masked ``****1234`` everywhere, unmasked only per record
and audited, never in exports, the API or a 公示 (SECURITY.md rows 15–17)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.test import Client

from anju.api import tokens
from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core.pi import PI_FIELDS, SENSITIVE
from anju.registry import bankcard
from anju.registry.io import exporter
from anju.registry.models import Household
from tests.factories import fake_id, make_household
from tests.registry.test_pages_forms import edit_form, errors_of, new_household

pytestmark = pytest.mark.django_db

ACCOUNT = "6217000011112222333"
SPACED = "6217 0000 1111 2222 333"


def with_account(village, account=ACCOUNT, **fields) -> Household:
    household = make_household(village, **fields)
    household.set_bank_account(account)
    household.save()
    return household


def test_the_mask_keeps_the_last_four_digits():
    assert bankcard.mask("6217000000001234") == "****1234"
    assert bankcard.mask("") == ""
    assert bankcard.normalize(" ６２１７ 0000\u30000000 1234 ") == "6217000000001234"
    assert bankcard.problem("6217000000001234") == ""
    assert "12 到 30 位" in bankcard.problem("62170000")
    assert "只能包含数字" in bankcard.problem("6217-0000-0000-1234")


def test_sec_15_the_account_is_encrypted_masked_and_registered(village_a):
    household = with_account(village_a)
    household.refresh_from_db()
    assert household.bank_account == ACCOUNT and household.bank_account_masked == "****2333"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_household")
        assert ACCOUNT not in repr(cursor.fetchall())
    assert PI_FIELDS["registry.Household.bank_account_enc"][0] == SENSITIVE
    household.clear_bank_account()
    household.save()
    household.refresh_from_db()
    assert household.bank_account == "" and household.bank_account_masked == ""


def test_the_identity_form_saves_checks_and_clears_the_account(as_user, worker_a, village_a):
    household = make_household(village_a)
    client = as_user(worker_a)
    url = f"/households/{household.pk}/edit/identity/"
    data = edit_form(client, url)
    response = client.post(url, {**data, "bank_account": "6217 0000"})
    assert response.status_code == 200
    assert errors_of(response)["bank_account"] == (
        "补助发放账号格式不对：应为 12 到 30 位数字（现为 8 位）。"
    )
    response = client.post(url, {**data, "bank_account": "6217-0000-1111-2222"})
    assert "只能包含数字" in errors_of(response)["bank_account"]
    assert client.post(url, {**data, "bank_account": SPACED}).status_code == 302
    household.refresh_from_db()
    assert household.bank_account == ACCOUNT and household.bank_account_masked == "****2333"
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "****2333" in page and ACCOUNT not in page and SPACED not in page
    form_page = client.get(url).content.decode()
    assert "当前：****2333。不修改请留空。" in form_page and ACCOUNT not in form_page
    # left empty: kept; the clear box: removed
    assert client.post(url, edit_form(client, url)).status_code == 302
    household.refresh_from_db()
    assert household.bank_account == ACCOUNT
    data = {**edit_form(client, url), "clear_bank_account": "on"}
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.bank_account_enc is None and household.bank_account_masked == ""
    event = AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(household.pk)).last()
    assert ACCOUNT not in str(event.detail)


def test_a_new_household_may_carry_the_account(as_user, worker_a, village_a):
    response = as_user(worker_a).post(
        "/households/new/", new_household(village_a, bank_account=SPACED)
    )
    assert response.status_code == 302
    household = Household.objects.get(head_name="刘新户")
    assert household.bank_account == ACCOUNT and household.bank_account_masked == "****2333"


def test_sec_16_the_account_is_unmasked_per_record_and_audited(as_user, officer_a, village_a):
    household = with_account(village_a)
    client = as_user(officer_a)
    response = client.post(f"/households/{household.pk}/unmask/", HTTP_HX_REQUEST="true")
    assert ACCOUNT in response.content.decode()
    event = AuditEvent.objects.filter(event=Event.UNMASK).order_by("-id").first()
    assert "补助发放账号" in event.detail["fields"] and ACCOUNT not in str(event.detail)


@pytest.mark.parametrize("persona", ["worker_a", "head_a", "officer_a"])
def test_sec_16_no_page_export_or_api_carries_the_full_account(
    request, as_user, village_a, persona
):
    household = with_account(village_a, renovation={"method": "原址重建"})
    user = request.getfixturevalue(persona)
    client = as_user(user)
    bodies = [
        client.get(url).content
        for url in (
            "/households/",
            f"/households/{household.pk}/",
            f"/households/{household.pk}/edit/identity/",
            f"/households/{household.pk}/renovation/subsidy/",
            f"/history/registry.household/{household.pk}/",
        )
    ]
    exported = client.post("/households/export/", {"fmt": "xlsx"})
    if exported.status_code == 200:
        data = b"".join(exported.streaming_content) if exported.streaming else exported.content
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bodies.append(b"".join(archive.read(n) for n in archive.namelist()))
    _, raw = tokens.create_token(user=user, name="测试", days=30)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    for url in ("/api/v1/households", f"/api/v1/households/{household.pk}?unmask=1"):
        bodies.append(api.get(url).content)
    for body in bodies:
        assert ACCOUNT.encode() not in body
    # the full, unmasked export (the officer may) has no account column either
    unmasked = b"".join(
        repr(row).encode() for row in exporter.rows(Household.objects.all(), unmasked=True)
    )
    assert ACCOUNT.encode() not in unmasked


def test_sec_17_a_public_list_never_carries_the_account(as_user, officer_a, township_a, village_a):
    with_account(
        village_a,
        id_number=fake_id(4242),
        renovation={"method": "原址重建", "accepted_on": dt.date(2022, 5, 1)},
    )
    today = dt.date.today()
    response = as_user(officer_a).post(
        "/publicity/",
        {
            "title": "火龙镇农村危房改造补助对象公示",
            "township": township_a.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "takedown_on": (today + dt.timedelta(days=8)).isoformat(),
        },
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "ignore")
    assert ACCOUNT not in xml and "2333" not in xml
