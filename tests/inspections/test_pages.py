"""The reviewer's planning and sample pages, home panels and menu."""

from __future__ import annotations

import pytest

from anju.audit.models import AuditEvent
from anju.core.models import Reminder
from anju.inspections.models import Sample, SampleVillage
from tests.inspections.conftest import find, households

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(campaign, village_a, village_a2, village_b):
    for unit, n, hits in ((village_a, 5, 4), (village_a2, 4, 0), (village_b, 3, 1)):
        for h in households(unit, n)[:hits]:
            find(h)
    return campaign


def draw(client, **fields):
    values = {"villages": 2, "per_village": 2, "rank_share": 70, "fail_at": 2, "seed": 99}
    values.update(fields)
    return client.post("/spot-checks/", {k: v for k, v in values.items() if v is not None})


def test_planning_page_states_the_formula_and_ranks_villages(as_user, city_reviewer, data):
    page = as_user(city_reviewer).get("/spot-checks/").content.decode()
    assert "得分 = (台账已列问题数 + 1) ÷ (筛查应发现问题户数 + 1)，得分越低越优先抽查" in page
    assert "重点选取排查问题较少的乡（镇）、村" in page
    assert page.index("甲一村") < page.index("乙一村") < page.index("甲二村")
    assert "0.2000" in page  # 甲一村: (0 + 1) / (4 + 1)


def test_drawing_records_the_sample_and_its_seed(as_user, city_reviewer, data):
    response = draw(as_user(city_reviewer))
    sample = Sample.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/spot-checks/samples/{sample.pk}/"
    )
    assert (sample.seed, sample.villages_requested, sample.drawn_by) == (99, 2, city_reviewer)
    assert sample.households.count() == 4
    assert len(sample.ranking) == 3 and sample.ranking[0]["name"] == "甲一村"
    page = as_user(city_reviewer).get(response["Location"]).content.decode()
    assert "按记录的种子 99 与参数重新抽取，所得村与农户与本样本完全一致。" in page
    assert "n = 2，d = 2" in page and "每个抽查村随机抽取 2 户入户核查" in page
    assert AuditEvent.objects.filter(object_type="inspections.sample", event="create").exists()


def test_a_missing_seed_is_generated_and_shown(as_user, city_reviewer, data):
    response = draw(as_user(city_reviewer), seed=None)
    sample = Sample.objects.get()
    assert sample.seed_generated
    page = as_user(city_reviewer).get(response["Location"]).content.decode()
    assert f"未指定随机种子，系统生成种子 {sample.seed} 并已记录。" in page
    assert "（系统生成）" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"villages": 0}, "抽查村数应至少为 1（现为 0）。"),
        ({"per_village": 0, "fail_at": 1}, "每村抽查户数应至少为 1（现为 0）。"),
        (
            {"villages": 4},
            "抽查村数 4 超过了有“回头看”范围内农户的村数（共 3 个），请改为不超过 3。",
        ),
        ({"fail_at": 3}, "不合格判定户数 d 应在 1 到每村抽查户数（2）之间（现为 3）。"),
        ({"villages": "十"}, "抽查村数 K应为整数。"),
        ({"villages": None}, "请填写抽查村数 K。"),
    ],
)
def test_bad_parameters_on_the_page(as_user, city_reviewer, data, fields, message):
    response = draw(as_user(city_reviewer), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Sample.objects.exists()


def test_assigning_inspectors_reminds_them(as_user, city_reviewer, inspector, officer_a, data):
    client = as_user(city_reviewer)
    sample_url = draw(client)["Location"]
    sample = Sample.objects.get()
    first, second = sample.villages.order_by("position")
    response = client.post(
        f"{sample_url}assign/",
        {f"inspector-{first.pk}": inspector.pk, f"inspector-{second.pk}": ""},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.inspector == inspector
    assert Reminder.objects.get(user=inspector).title.startswith("抽查任务：")
    client.post(f"{sample_url}assign/", {f"inspector-{second.pk}": officer_a.pk})
    assert SampleVillage.objects.get(pk=second.pk).inspector is None
    page = client.get(sample_url, follow=True).content.decode()
    assert "p_inspector" in page


def panel(key: str, user) -> str:
    """One home panel as the home page renders it (the page itself holds other apps' panels)."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from anju.core import home

    request = RequestFactory().get("/")
    request.user = user
    found = [(p, ctx) for p, ctx in home.panels_for(request) if p.key == key]
    if not found:
        return ""
    p, ctx = found[0]
    return render_to_string(p.template, {"ctx": ctx})


def test_home_panels(city_reviewer, inspector, officer_a, drawn):
    text = panel("inspections.reviewer", city_reviewer)
    assert "第 1 批抽查" in text and "0/9" in text
    text = panel("inspections.inspector", inspector)
    assert "我的抽查任务" in text and "户待核查" in text and "去入户核查" in text
    assert panel("inspections.township", officer_a) == ""


def test_menu_entries(city_reviewer, inspector, officer_a, worker_a, city_admin):
    from anju.core import nav

    def urls(user):
        return {(i.label, i.url) for i in nav.items_for(user)}

    assert ("抽查", "/spot-checks/") in urls(city_reviewer)
    assert ("抽查", "/spot-checks/mine/") in urls(inspector)
    assert ("抽查结果", "/spot-checks/results/") in urls(officer_a)
    for user in (worker_a, city_admin):
        assert not any(u.startswith("/spot-checks/") for _, u in urls(user))


def test_another_reviewer_role_cannot_reach_the_planning_actions(as_user, inspector, drawn):
    client = as_user(inspector)
    assert client.post("/spot-checks/", {"villages": 1, "per_village": 1}).status_code == 403
    assert client.post(f"/spot-checks/samples/{drawn.pk}/publish/").status_code == 403
    assert Sample.objects.count() == 1
