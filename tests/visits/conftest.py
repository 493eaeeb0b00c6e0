"""Fixtures of the house-visit tests: a live campaign, a household with a renovation, and a
helper that posts the visit form as the phone does."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anju.accounts.roles import Role
from anju.campaigns.models import Campaign
from anju.core import uploads
from anju.visits import checklist
from tests.conftest import make_user
from tests.factories import make_household

# 火龙镇, around 34.14 N 113.47 E
HOUSE = (Decimal("34.140300"), Decimal("113.471600"))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(county, today):
    return Campaign.objects.create(
        name="禹州市2022年度第一轮农村危房改造“回头看”",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def household(village_a, campaign):
    """A D-grade house rebuilt in place, accepted as A, plaque posted showing A, paid on time."""
    return make_household(
        village_a,
        head_name="王五",
        grade="D",
        latitude=HOUSE[0],
        longitude=HOUSE[1],
        plaque_posted=True,
        plaque_grade="A",
        borrowed=False,
        renovation={
            "method": "原址重建",
            "accepted_on": dt.date(2022, 4, 1),
            "post_grade": "A",
            "moved_in": True,
            "old_demolished": True,
            "has_toilet": True,
            "livestock_separated": True,
            "subsidy_amount": Decimal("30000"),
            "payment_channel": "一卡通",
            "subsidy_paid_on": dt.date(2022, 4, 20),
        },
    )


@pytest.fixture
def worker_a2(village_a2):
    return make_user("p_worker_a2", Role.VILLAGE_WORKER, village_a2)


def clean_answers() -> dict[str, str]:
    """Answers that agree with the ``household`` fixture's registry and find no problem."""
    return {
        "plaque": "是",
        "plaque_grade": "是",
        "safe_now": "是",
        "new_damage": "否",
        "method_fits": "是",
        "subsidy_full": "是",
        "borrowed": "否",
        "moved_in": "是",
        "old_demolished": "是",
        "toilet": "是",
        "livestock": "是",
    }


def form_data(today, answers: dict | None = None, **extra) -> dict:
    data = {
        "visitor_name": "吴村干",
        "visitor_role": "村干部",
        "visited_on": today.isoformat(),
        "mode": "phone",
        "latitude": "34.140500",
        "longitude": "113.471800",
        "accuracy": "12",
    }
    given = {**clean_answers(), **(answers or {})}
    for q in checklist.QUESTIONS:
        data[f"q_{q.code}"] = given[q.code]
        data[f"n_{q.code}"] = ""
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def jpeg(
    size=(64, 48),
    taken: str | None = "2022:06:05 10:20:00",
    gps: tuple | None = ((34.0, 8.0, 25.08), "N", (113.0, 28.0, 17.76), "E"),
) -> bytes:
    """A JPEG as a phone camera writes it: EXIF with DateTimeOriginal and GPS."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    sub = exif.get_ifd(uploads.EXIF_IFD)
    if taken:
        sub[uploads.DATETIME_ORIGINAL] = taken
    if gps:
        lat, lat_ref, lon, lon_ref = gps
        exif.get_ifd(uploads.GPS_IFD).update({1: lat_ref, 2: lat, 3: lon_ref, 4: lon})
    out = io.BytesIO()
    image.save(out, "JPEG", **({"exif": exif} if (taken or gps) else {}))
    return out.getvalue()


def png(size=(300, 100)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name="IMG_0001.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def post_visit(as_user, today):
    """``post_visit(user, household, answers={...}, files={...}, json=False, **fields)``."""

    def post(user, household, answers=None, files=None, json=False, **fields):
        client = as_user(user)
        data = form_data(today, answers, **fields)
        data.update(files or {})
        headers = {"HTTP_ACCEPT": "application/json"} if json else {}
        return client.post(reverse("visits:visit_form", args=[household.pk]), data, **headers)

    return post
