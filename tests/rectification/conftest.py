from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.campaigns.models import Campaign
from anju.rectification import services


@pytest.fixture
def campaign(county):
    today = dt.date.today()
    return Campaign.objects.create(
        name="测试轮次",
        document_number="禹建〔2022〕39号",
        county=county,
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def make_entry(campaign, officer_a, township_a, village_a):
    def make(**fields):
        defaults = {
            "actor": officer_a,
            "campaign": campaign,
            "township": township_a,
            "village": village_a,
            "nature": "个性问题",
            "description": "张三户C级危房未挂牌",
            "measures": "由村两委于本周五前完成挂牌并拍照存档",
            "deadline": dt.date.today() + dt.timedelta(days=7),
        }
        return services.create_entry(**{**defaults, **fields})

    return make


@pytest.fixture
def photo():
    def make(name="after.jpg"):
        return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")

    return make


# --- pages ---------------------------------------------------------------------------------
def jpeg_bytes(size=(40, 30), color=(180, 40, 40)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def real_photo():
    def make(name="整改后.jpg"):
        return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")

    return make


@pytest.fixture
def households_a(village_a, village_a2):
    from tests.factories import make_household

    return [
        make_household(village_a, head_name="张三"),
        make_household(village_a, head_name="李四"),
        make_household(village_a2, head_name="王五"),
    ]


@pytest.fixture
def household_b(village_b):
    from tests.factories import make_household

    return make_household(village_b, head_name="赵六")


@pytest.fixture
def ledger_campaign(campaign):
    """Make ``campaign`` the one the pages use (Campaign.objects.current)."""
    from anju.campaigns.models import Campaign

    Campaign.objects.exclude(pk=campaign.pk).update(is_active=False)
    return campaign


def entry_form_data(**overrides) -> dict:
    data = {
        "nature": "个性问题",
        "aspect": "1",
        "description": "张三户C级危房未挂牌",
        "measures": "由村两委于本周五前完成挂牌并拍照存档",
        "deadline": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        "responsible_leader": "副镇长 刘某",
        "cause": "鉴定后未及时制牌",
        "village": "",
        "action": "save",
    }
    data.update(overrides)
    return data
