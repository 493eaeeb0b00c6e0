"""No full ID number or phone in any API answer, for any role (SECURITY.md row 16)."""

from __future__ import annotations

import pytest

from anju.rectification import services
from tests.api.conftest import FULL_ID, ID_A1, MOBILE, PHONE_A1

pytestmark = pytest.mark.django_db

PERSONAS = ["city_admin", "city_reviewer", "officer_a", "head_a", "worker_a"]


def every_answer(client, world) -> list[str]:
    urls = [
        "/api/v1/households",
        "/api/v1/findings",
        "/api/v1/ledger",
        "/api/v1/ledger?state=draft",
        f"/api/v1/households/{world['hh_a1'].pk}",
        f"/api/v1/households/{world['hh_a2'].pk}",
        f"/api/v1/ledger/{world['e_a1'].pk}",
        f"/api/v1/ledger/{world['draft_a'].pk}",
    ]
    return [client.get(url).content.decode() for url in urls]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_full_id_number_or_phone_in_any_answer(
    request, world, officer_a, token_for, api, persona
):
    # Personal numbers typed into free text leave masked too.
    services.add_note(
        actor=officer_a, entry=world["e_a1"], text=f"户主电话{PHONE_A1}，身份证{ID_A1}"
    )
    user = request.getfixturevalue(persona)
    bodies = every_answer(api(token_for(user)), world)
    text = "\n".join(bodies)
    assert FULL_ID.findall(text) == []
    assert MOBILE.findall(text) == []
    assert ID_A1 not in text and PHONE_A1 not in text
    assert "latitude" not in text and "longitude" not in text and "34.123456" not in text


def test_masks_follow_the_bureau_patterns(world, officer_a, token_for, api):
    services.add_note(actor=officer_a, entry=world["e_a1"], text=f"户主电话{PHONE_A1}")
    client = api(token_for(officer_a))
    household = client.get(f"/api/v1/households/{world['hh_a1'].pk}").json()
    assert household["id_number_masked"] == f"{ID_A1[:6]}********{ID_A1[-4:]}"
    assert household["phone_masked"] == "138****5678"
    entry = client.get(f"/api/v1/ledger/{world['e_a1'].pk}").json()
    assert entry["households"][0]["id_number_masked"] == household["id_number_masked"]
    assert any("138****5678" in note["text"] for note in entry["progress_notes"])
    evidence = entry["evidence"][0]
    assert set(evidence) >= {"original_name", "size", "sha256"}
    assert "file" not in evidence and "url" not in evidence


def test_there_is_no_unmask_parameter(world, officer_a, token_for, api):
    response = api(token_for(officer_a)).get(f"/api/v1/households/{world['hh_a1'].pk}?unmask=1")
    assert response.status_code == 400
