"""The city admin switches rules and edits parameters per campaign: validated in Chinese,
previewed (how many households would hit) before saving, and audited as 参数变更."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign
from anju.screening import params, rules, services
from tests.factories import make_household
from tests.screening.helpers import days_before

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "name", "raw", "message"),
    [
        ("A2-01", "plan_days", "-1", "鉴定后纳入改造期限不能为负数。"),
        ("A2-01", "plan_days", "9.5", "鉴定后纳入改造期限须为整数天数。"),
        ("A2-01", "plan_days", "", "鉴定后纳入改造期限不能为空。"),
        ("A4-03", "reinforce_max", "", "加固维修补助上限不能为空。"),
        ("A4-03", "reinforce_max", "0", "加固维修补助上限须大于0。"),
        ("A4-03", "rate", "六百三", "重建每平方米补助须为数字。"),
        ("A4-03", "rate", "630.125", "重建每平方米补助最多两位小数。"),
        ("A4-07", "self_ratio", "-2", "自筹资金与补助之比须大于0。"),
    ],
)
def test_parameters_are_checked_with_messages_that_name_them(code, name, raw, message):
    param = next(p for p in rules.get(code).params if p.name == name)
    with pytest.raises(ValidationError) as exc:
        param.parse(raw)
    assert exc.value.messages == [message]


def test_zero_days_is_allowed():
    param = rules.get("A4-04").params[0]
    assert param.parse("0") == 0


def test_every_rule_has_its_metadata_and_defaults():
    catalogue = rules.all_rules()
    assert [r.code for r in catalogue] == [
        *[f"A1-0{i}" for i in range(1, 7)],
        *[f"A2-0{i}" for i in range(1, 4)],
        *[f"A3-0{i}" for i in range(1, 5)],
        *[f"A4-0{i}" for i in range(1, 9)],
        *[f"A5-0{i}" for i in range(1, 7)],
        *[f"M-0{i}" for i in range(1, 7)],
        "D-01",
        "D-02",
    ]
    for rule in catalogue:
        assert rule.title and rule.basis and rule.remedy
        assert rule.severity in ("E", "W")
    defaults = {r.code: dict(r.defaults()) for r in catalogue if r.params}
    assert defaults["A2-01"] == {"plan_days": 90}
    assert defaults["A2-02"] == {"finish_days": 180}
    assert defaults["A4-04"] == defaults["A4-05"] == {"pay_days": 30}
    assert defaults["A4-07"] == {"self_ratio": Decimal(2)}
    assert defaults["A5-01"] == {"accept_days": 30}
    assert defaults["A4-03"]["reinforce_max"] == Decimal(15000)
    assert defaults["M-02"] == {"assess_days": 30}


def test_saving_stores_the_values_and_audits_the_change(city_admin):
    campaign = Campaign.objects.current()
    rule = rules.get("A2-01")
    changes = services.update_rule_settings(
        campaign=campaign, rule=rule, enabled=True, values={"plan_days": 60}, user=city_admin
    )
    assert changes == {"鉴定后纳入改造期限": [90, 60]}
    campaign.refresh_from_db()
    assert params.effective(campaign, rule) == {"plan_days": 60}
    event = AuditEvent.objects.get(event=Event.SETTINGS_CHANGED)
    assert event.detail["rule"] == "A2-01"
    assert event.detail["changes"] == {"鉴定后纳入改造期限": [90, 60]}


def test_switching_a_rule_off(city_admin):
    campaign = Campaign.objects.current()
    services.update_rule_settings(
        campaign=campaign, rule=rules.get("A5-06"), enabled=False, values={}, user=city_admin
    )
    campaign.refresh_from_db()
    assert campaign.disabled_rules == ["A5-06"]
    assert "A5-06" not in [r.code for r in params.enabled_rules(campaign)]


def test_preview_counts_hits_with_the_new_values_without_saving(village_a):
    make_household(village_a, grade="C", assessed_on=days_before(50))
    make_household(village_a, grade="D", assessed_on=days_before(120))
    campaign = Campaign.objects.current()
    rule = rules.get("A2-01")
    got = services.preview(
        campaign=campaign, rule=rule, values={"plan_days": 30}, as_of=days_before(0)
    )
    assert (got["proposed"], got["current"]) == (2, 1)
    campaign.refresh_from_db()
    assert campaign.rule_params == {}


# --- the page -------------------------------------------------------------------------------
URL = "/screening/rules/A2-01/"


def test_the_page_shows_errors_next_to_the_field_and_saves_nothing(as_user, city_admin):
    response = as_user(city_admin).post(URL, {"enabled": "on", "plan_days": "-5", "action": "save"})
    assert response.status_code == 200
    assert "鉴定后纳入改造期限不能为负数。" in response.content.decode()
    assert 'class="invalid-feedback"' in response.content.decode()
    assert Campaign.objects.current().rule_params == {}


def test_the_page_previews_then_saves(as_user, city_admin, village_a):
    make_household(village_a, grade="D", assessed_on=days_before(40, as_of=services.today()))
    client = as_user(city_admin)
    preview = client.post(
        f"{URL}preview/", {"enabled": "on", "plan_days": "30"}, HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "全县将有 <strong>1</strong> 户命中" in text and "现行参数 0 户" in text
    assert Campaign.objects.current().rule_params == {}
    full = client.post(URL, {"enabled": "on", "plan_days": "30", "action": "preview"})
    assert "全县将有 <strong>1</strong> 户命中" in full.content.decode()
    saved = client.post(URL, {"enabled": "on", "plan_days": "30", "action": "save"})
    assert saved.status_code == 302
    assert Campaign.objects.current().rule_params == {"A2-01": {"plan_days": 30}}


def test_the_preview_reports_bad_values(as_user, city_admin):
    response = as_user(city_admin).post(f"{URL}preview/", {"plan_days": "abc"})
    assert "鉴定后纳入改造期限须为整数天数。" in response.content.decode()


def test_the_preview_without_a_round_says_so(as_user, city_admin):
    # the settings form reads the round's switches: without a round the preview was a 500
    Campaign.objects.all().delete()
    response = as_user(city_admin).post(f"{URL}preview/", {"plan_days": "30"})
    assert response.status_code == 200
    assert "尚无进行中的“回头看”" in response.content.decode()


@pytest.mark.parametrize("persona", ["city_reviewer", "officer_a", "worker_a"])
def test_only_the_city_admin_edits_rules(request, as_user, persona):
    user = request.getfixturevalue(persona)
    assert as_user(user).get(URL).status_code == 403
    assert as_user(user).post(URL, {"plan_days": "1"}).status_code == 403
    assert Campaign.objects.current().rule_params == {}


def test_an_unknown_rule_is_404(as_user, city_admin):
    assert as_user(city_admin).get("/screening/rules/A9-99/").status_code == 404
