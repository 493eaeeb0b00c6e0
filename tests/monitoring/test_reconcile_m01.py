"""M-01 应纳未纳 (docs/SCREENING.md): a key-group household of a current list that the registry
does not hold is a finding on the list record, in its township (and village when matched),
with a one-click 登记入档 that creates the registry household from the list; the finding
resolves itself once the registry holds the household."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.campaigns.models import Campaign
from anju.registry.choices import KeyGroup
from anju.registry.models import Household
from anju.screening import services
from anju.screening.models import Finding, FindingEvent, Status
from anju.units.models import Unit
from tests.factories import fake_id, make_household
from tests.monitoring.recon import AS_OF, version

pytestmark = pytest.mark.django_db
FPJC, MZ = "fpjc", "minzheng"


def county_run():
    county = Unit.objects.get(code="411081")
    run = services.create_run(unit=county, as_of=AS_OF)
    return services.execute_run(run.pk)


def m01():
    return Finding.objects.filter(rule_code="M-01")


def listed(number, village=None, township=None, **facts):
    return {
        "id_number": number,
        "village": village,
        "township": township,
        "head_name": "王五",
        "size": 4,
        "groups": KeyGroup.UNSTABLE,
        "monitoring_type": "边缘易致贫户",
        "household_type": "脱贫户",
        "risk_eliminated": False,
        **facts,
    }


def test_an_unheld_key_group_household_is_a_finding_on_the_list_record(village_a, township_a):
    missing, unmatched, plain = fake_id(), fake_id(), fake_id()
    held = make_household(village_a, grade="B", monitoring_type="边缘易致贫户", groups=1)
    version(
        FPJC,
        listed(missing, village_a, first_listed_on=dt.date(2026, 11, 30), village_name="甲一村"),
        listed(unmatched, township=township_a, village_name="不存在村"),
        listed(plain, village_a, groups=0, monitoring_type=""),
        listed(held.id_number, village_a),
    )
    county_run()
    found = {f.listed.id_number: f for f in m01().select_related("listed")}
    assert set(found) == {missing, unmatched}
    one = found[missing]
    assert one.household_id is None and one.status == Status.OPEN
    assert (one.township_id, one.village_id) == (township_a.pk, village_a.pk)
    assert one.message == (
        "2026-11-30 列入防返贫监测名单（甲一村），为边缘易致贫户、易返贫致贫户，"
        "农户档案中没有此户（应纳未纳）"
    )
    assert found[unmatched].village_id is None
    assert [e.kind for e in one.events.all()] == [FindingEvent.Kind.OPENED]


def test_one_finding_per_head_across_sources_the_earliest_speaks(village_a):
    number = fake_id()
    version(FPJC, listed(number, village_a, first_listed_on=dt.date(2026, 11, 30)))
    version(
        MZ,
        listed(
            number,
            village_a,
            groups=KeyGroup.DIBAO,
            monitoring_type="",
            first_listed_on=dt.date(2026, 9, 30),
        ),
    )
    county_run()
    (finding,) = m01()
    assert "2026-09-30 列入民政名单" in finding.message and "低保户" in finding.message


def test_a_rerun_duplicates_nothing_and_the_list_decides(village_a):
    number = fake_id()
    version(FPJC, listed(number, village_a))
    county_run()
    county_run()
    assert m01().count() == 1
    version(FPJC)  # the next list no longer holds it
    county_run()
    assert m01().get().status == Status.RESOLVED
    version(FPJC, listed(number, village_a))  # back on the list
    county_run()
    finding = m01().get()
    assert finding.status == Status.OPEN
    assert [e.kind for e in finding.events.order_by("id")] == ["opened", "resolved", "reopened"]


def test_register_creates_the_household_from_the_list_and_the_finding_resolves(
    village_a, officer_a, django_capture_on_commit_callbacks
):
    from anju.monitoring.services import register_listed

    number = fake_id()
    version(FPJC, listed(number, village_a, risk_eliminated=False))
    county_run()
    finding = m01().get()
    with django_capture_on_commit_callbacks(execute=True):
        household = register_listed(user=officer_a, finding=finding, village=village_a)
    assert household.id_number == number and household.head_name == "王五"
    assert (household.size, household.groups) == (4, KeyGroup.UNSTABLE)
    assert household.monitoring_type == "边缘易致贫户" and household.risk_state == "风险未消除"
    assert household.is_alleviated is True and household.village == village_a
    assert AuditEvent.objects.filter(
        event=Event.CREATE, object_type="registry.household", object_id=str(household.pk)
    ).exists()
    finding.refresh_from_db()
    assert finding.status == Status.RESOLVED
    assert Household.objects.by_id_number(number).count() == 1


def test_confirm_is_refused_until_registered(village_a, officer_a):
    version(FPJC, listed(fake_id(), village_a))
    county_run()
    with pytest.raises(services.ActionError, match="登记入档"):
        services.confirm(finding=m01().get(), user=officer_a)
    dismissed = services.dismiss(finding=m01().get(), user=officer_a, reason="该户已迁往外县")
    assert dismissed.status == Status.DISMISSED


def test_switching_m01_off_closes_its_findings(village_a):
    version(FPJC, listed(fake_id(), village_a))
    county_run()
    campaign = Campaign.objects.current()
    campaign.disabled_rules = ["M-01"]
    campaign.save()
    county_run()
    finding = m01().get()
    assert finding.status == Status.RESOLVED
    assert finding.events.filter(kind="resolved", reason="规则已停用").exists()


def test_pages_are_scoped_and_offer_register_to_the_township(
    as_user, village_a, officer_a, officer_b
):
    version(FPJC, listed(fake_id(), village_a))
    county_run()
    finding = m01().get()
    url = f"/screening/findings/{finding.pk}/"
    assert as_user(officer_b).get(url).status_code == 404
    page = as_user(officer_a).get(url).content.decode()
    assert "登记入档" in page and "王五" in page and "确认问题（纳入整改）" not in page
    other = as_user(officer_b).post(
        f"/monitoring/findings/{finding.pk}/register/", {"village": village_a.pk}
    )
    assert other.status_code == 404
    assert not Household.objects.filter(head_name="王五").exists()
