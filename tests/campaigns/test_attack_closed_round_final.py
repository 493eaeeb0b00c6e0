"""Attack of 172c5e3, what held: a final (总结验收) of a round closed after it was handed in
is neither signed, given a scan, accepted, returned nor reopened through the pages, by any
role — each POST gets the 403 page naming the round and the record stays as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.campaigns.models import Campaign, Status
from tests.acceptance.conftest import (  # noqa: F401 - fixtures
    campaign,
    entries,
    hand_in,
    households,
    media,
    ready,
    today,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_closed_rounds_final_is_neither_signed_uploaded_accepted_returned_nor_reopened(
    campaign,  # noqa: F811
    hand_in,  # noqa: F811
    ready,  # noqa: F811
    officer_a,
    head_a,
    city_reviewer,
    as_user,
):
    from anju.acceptance.models import FinalSubmission, SealedScan
    from tests.acceptance.conftest import png

    unsigned = hand_in(sign=False, upload=False)
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.CLOSED, is_active=False)
    before = FinalSubmission.objects.filter(pk=unsigned.pk).values().get()
    tries = [
        (head_a, "acceptance:sign", {"reauth": PASSWORD}),
        (officer_a, "acceptance:upload_scan", {"file": png()}),
        (city_reviewer, "acceptance:accept", {}),
        (city_reviewer, "acceptance:return", {"reason": "扫描件不清楚，请重新上传"}),
        (city_reviewer, "acceptance:reopen", {"reason": "台账有误，重新打开"}),
    ]
    for user, route, data in tries:
        response = as_user(user).post(reverse(route, args=[unsigned.pk]), data)
        assert response.status_code == 403, (route, response.status_code)
        assert f"“{campaign.name}”已结束，只能查看，不能修改" in response.content.decode(), route
    assert FinalSubmission.objects.filter(pk=unsigned.pk).values().get() == before
    assert not SealedScan.objects.exists()
