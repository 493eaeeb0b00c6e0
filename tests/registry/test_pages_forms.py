"""The edit forms: 新增农户, each section, field-level Chinese messages, stale forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.registry import idcard, services
from anju.registry.models import Household
from anju.registry.signals import households_changed
from tests.factories import fake_id, make_household

pytestmark = pytest.mark.django_db

NEW = "/households/new/"


@pytest.fixture
def changed():
    seen: list[list[int]] = []

    def receiver(sender, household_ids, **kwargs):
        seen.append(list(household_ids))

    households_changed.connect(receiver, weak=False, dispatch_uid="test_pages_forms")
    yield seen
    households_changed.disconnect(dispatch_uid="test_pages_forms")


def new_household(unit, **overrides) -> dict:
    data = {
        "village": unit.pk,
        "head_name": "刘新户",
        "id_number": fake_id(3001),
        "phone": "",
        "size": "4",
        "groups": ["1", "2"],
        "is_alleviated": "true",
        "enjoys_policy": "true",
        "monitoring_type": "",
        "risk_state": "",
        "no_house": "false",
        "structure": "砖木",
        "year_built": "1988",
        "storeys": "1",
        "floor_area": "72.5",
        "plaque_posted": "unknown",
        "plaque_grade": "",
    }
    data.update(overrides)
    return data


def errors_of(response) -> dict:
    return {k: " ".join(v) for k, v in response.context["form"].errors.items()}


def edit_form(client, url) -> dict:
    """The form's current values, as the browser would send them back."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[name] = value
    return data


def test_village_worker_creates_a_household(
    as_user, worker_a, village_a, changed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(worker_a).post(
            NEW,
            new_household(
                village_a, id_number=" 41108119800101001x ".upper(), phone="139 1234 5678"
            ),
        )
    household = Household.objects.get(head_name="刘新户")
    assert response.status_code == 302 and response["Location"] == f"/households/{household.pk}/"
    assert household.village == village_a and household.township == village_a.parent
    assert household.groups == 3 and household.floor_area == 72.5 and household.size == 4
    assert household.phone == "13912345678" and household.plaque_posted is None
    assert changed == [[household.pk]]
    created = AuditEvent.objects.for_object(household).get(event=Event.CREATE)
    assert created.username == worker_a.username
    assert household.id_number not in str(created.detail)


def test_wrong_check_character_warns_but_saves(as_user, officer_a, village_a):
    good = fake_id(3002)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = as_user(officer_a).post(NEW, new_household(village_a, id_number=wrong), follow=True)
    household = Household.objects.get(head_name="刘新户")
    assert household.id_number_valid is False
    html = response.content.decode()
    assert f"校验码应为 {good[17]}" in html and "已按原样保存" in html
    assert "校验未通过" in html


def test_impossible_birth_date_warns_but_saves(as_user, officer_a, village_a):
    first17 = "41108119990231123"
    bad_birth = first17 + idcard.check_char(first17)
    response = as_user(officer_a).post(
        NEW, new_household(village_a, id_number=bad_birth), follow=True
    )
    assert "出生日期 19990231 不存在" in response.content.decode()
    assert Household.objects.get(head_name="刘新户").id_number_valid is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "41108119800101", "应为 18 位"),
        ("id_number", "4110811980010100AB", "最后一位是数字或 X"),
        ("id_number", "", "请填写户主身份证号"),
        ("head_name", "", "请填写户主姓名"),
        ("head_name", "王", "户主姓名至少 2 个字"),
        ("phone", "1381234567", "应为 11 位手机号"),
        ("phone", "23812345678", "应为 11 位手机号"),
        ("size", "0", "家庭人口应在 1 到 20 人之间"),
        ("size", "21", "家庭人口应在 1 到 20 人之间"),
        ("size", "三", "家庭人口应为数字"),
        ("floor_area", "0", "房屋面积应大于 0 平方米"),
        ("floor_area", "-3", "房屋面积应大于 0 平方米"),
        ("year_built", "1850", "建成年份应在 1900 到"),
        ("structure", "茅草", "房屋结构只能从列表中选择"),
        ("monitoring_type", "贫困户", "监测对象类型只能从列表中选择"),
        ("suspected_reported_on", "2022-02-30", "疑似危房上报日期不是有效日期"),
        ("plaque_date", "2999-01-01", "不能晚于今天"),
        ("latitude", "95", "纬度应在"),
        ("village", "999999", "行政村只能从列表中选择"),
    ],
)
def test_new_household_field_errors(as_user, officer_a, village_a, field, value, message):
    response = as_user(officer_a).post(NEW, new_household(village_a, **{field: value}))
    assert response.status_code == 200
    assert message in errors_of(response).get(field, ""), errors_of(response)
    html = response.content.decode()
    assert "处需要更正，未保存" in html and 'aria-invalid="true"' in html
    assert not Household.objects.filter(head_name="刘新户").exists()


@pytest.mark.parametrize("value", ["13812345678", "0374-8123456", "03748123456", "8123456"])
def test_phone_accepts_mobiles_and_landlines(as_user, officer_a, village_a, value):
    response = as_user(officer_a).post(NEW, new_household(village_a, phone=value))
    assert response.status_code == 302, errors_of(response)


def test_dates_in_the_workbook_spellings(as_user, officer_a, village_a):
    response = as_user(officer_a).post(
        NEW, new_household(village_a, plaque_date="2022年5月20日", suspected_reported_on="2022.5.3")
    )
    assert response.status_code == 302, errors_of(response)
    household = Household.objects.get(head_name="刘新户")
    assert household.plaque_date == dt.date(2022, 5, 20)
    assert household.suspected_reported_on == dt.date(2022, 5, 3)


def test_duplicate_id_number_is_refused(as_user, officer_a, village_a, village_b):
    taken = make_household(village_a, head_name="原户")
    response = as_user(officer_a).post(NEW, new_household(village_a, id_number=taken.id_number))
    assert "户主 原户" in errors_of(response)["id_number"]
    elsewhere = make_household(village_b, head_name="外乡户")
    response = as_user(officer_a).post(NEW, new_household(village_a, id_number=elsewhere.id_number))
    message = errors_of(response)["id_number"]
    assert message == "该身份证号不能在此登记；如有疑问，请联系市住建局。"


def test_village_worker_cannot_create_in_another_village(as_user, worker_a, village_a2):
    response = as_user(worker_a).post(NEW, new_household(village_a2))
    assert "行政村只能从列表中选择" in errors_of(response)["village"]
    assert not Household.objects.filter(head_name="刘新户").exists()


def test_edit_identity_keeps_id_and_phone_when_left_empty(as_user, officer_a, village_a):
    household = make_household(village_a, head_name="旧名", phone="13800001111")
    url = f"/households/{household.pk}/edit/identity/"
    client = as_user(officer_a)
    data = edit_form(client, url)
    assert data.get("id_number", "") == "" and data.get("phone", "") == ""
    data.update(head_name="新名", size="5")
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.head_name == "新名" and household.size == 5
    assert household.phone == "13800001111" and household.id_number_valid
    data = edit_form(client, url)
    data.update(clear_phone="on")
    client.post(url, data)
    household.refresh_from_db()
    assert household.phone == "" and household.phone_masked == ""


def test_edit_identity_can_move_within_scope_only(
    as_user, officer_a, village_a, village_a2, village_b
):
    household = make_household(village_a)
    url = f"/households/{household.pk}/edit/identity/"
    client = as_user(officer_a)
    data = edit_form(client, url)
    data["village"] = village_b.pk
    assert "行政村只能从列表中选择" in errors_of(client.post(url, data))["village"]
    data["village"] = village_a2.pk
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.village == village_a2


def test_saving_a_section_announces_the_household(
    as_user, officer_a, village_a, changed, django_capture_on_commit_callbacks
):
    household = make_household(village_a)
    url = f"/households/{household.pk}/edit/house/"
    client = as_user(officer_a)
    data = edit_form(client, url)
    data.update(structure="砖混", floor_area="90", plaque_posted="true", plaque_grade="B")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert changed == [[household.pk]]
    update = AuditEvent.objects.for_object(household).filter(event=Event.UPDATE).latest("id")
    assert update.detail["changes"]["structure"] == [None, "砖混"] or update.detail["changes"][
        "structure"
    ] == ["", "砖混"]


def test_stale_form_is_detected_and_not_overwritten(
    as_user, officer_a, worker_a, village_a, city_reviewer
):
    household = make_household(village_a, head_name="原名", size=3)
    url = f"/households/{household.pk}/edit/identity/"
    officer, worker = as_user(officer_a), as_user(worker_a)
    officer_form = edit_form(officer, url)
    worker_form = edit_form(worker, url)
    worker_form.update(head_name="村里改的", size="6")
    assert worker.post(url, worker_form).status_code == 302
    officer_form.update(head_name="镇里改的")
    response = officer.post(url, officer_form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "未保存：您打开页面之后" in html and worker_a.username in html
    assert "村里改的" in html and "镇里改的" in html  # the differences table
    household.refresh_from_db()
    assert household.head_name == "村里改的" and household.size == 6
    # Saving again after seeing the differences applies the officer's values.
    resubmit = dict(officer_form, version=response.context["form"]["version"].value())
    assert officer.post(url, resubmit).status_code == 302
    household.refresh_from_db()
    assert household.head_name == "镇里改的"


def test_a_change_in_another_section_is_not_a_conflict(as_user, officer_a, worker_a, village_a):
    household = make_household(village_a)
    identity, house = (f"/households/{household.pk}/edit/{s}/" for s in ("identity", "house"))
    officer, worker = as_user(officer_a), as_user(worker_a)
    officer_form = edit_form(officer, identity)
    house_form = edit_form(worker, house)
    house_form.update(storeys="2")
    assert worker.post(house, house_form).status_code == 302
    officer_form.update(size="7")
    assert officer.post(identity, officer_form).status_code == 302
    household.refresh_from_db()
    assert household.size == 7 and household.storeys == 2


def test_new_assessment_becomes_current(as_user, worker_a, village_a):
    household = make_household(village_a, grade="C", assessed_on=dt.date(2021, 3, 1))
    url = f"/households/{household.pk}/assessments/new/"
    client = as_user(worker_a)
    response = client.post(url, {"kind": "评定", "assessed_on": "2022-04-02", "grade": ""})
    assert "请选择鉴定等级" in errors_of(response)["grade"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"grade": "A", "assessed_on": tomorrow.isoformat()})
    assert "不能晚于今天" in errors_of(response)["assessed_on"]
    response = client.post(
        url,
        {
            "kind": "评定",
            "assessed_on": "2022-04-02",
            "grade": "A",
            "assessor": "张工",
            "result_issued": "true",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.assessment.grade == "A" and household.assessments.count() == 2
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert page.index("2022-04-02") < page.index("2021-03-01")


def test_renovation_is_created_then_its_sections_edited(as_user, officer_a, village_a):
    household = make_household(village_a, grade="D")
    client = as_user(officer_a)
    subsidy = f"/households/{household.pk}/renovation/subsidy/"
    response = client.get(subsidy)
    assert response.status_code == 302 and response["Location"].endswith("/renovation/works/")
    works = f"/households/{household.pk}/renovation/works/"
    assert "请选择改造方式" in errors_of(client.post(works, {"method": ""}))["method"]
    response = client.post(
        works, {"method": "原址重建", "started_on": "2022-03-01", "area_after": "0"}
    )
    assert "改造后面积应大于 0" in errors_of(response)["area_after"]
    data = {
        "method": "原址重建",
        "started_on": "2022-03-01",
        "area_after": "60",
        "moved_in": "false",
    }
    data["version"] = client.get(works).context["form"]["version"].value()
    assert client.post(works, data).status_code == 302
    household.refresh_from_db()
    assert household.renovation.method == "原址重建" and household.renovation.moved_in is False
    data = edit_form(client, subsidy)
    data.update(subsidy_amount="-1")
    assert "补助金额不能为负数" in errors_of(client.post(subsidy, data))["subsidy_amount"]
    data.update(subsidy_amount="15000", payment_channel="一卡通", subsidy_paid_on="2022-07-01")
    assert client.post(subsidy, data).status_code == 302
    files = f"/households/{household.pk}/renovation/files/"
    data = edit_form(client, files)
    data.update(file_application="true", file_acceptance="false")
    assert client.post(files, data).status_code == 302
    renovation = household.renovation
    renovation.refresh_from_db()
    assert renovation.subsidy_amount == 15000 and renovation.payment_channel == "一卡通"
    assert renovation.file_application is True and renovation.file_acceptance is False
    assert renovation.method == "原址重建"  # other sections untouched


def test_renovation_created_meanwhile_is_a_conflict(as_user, officer_a, worker_a, village_a):
    household = make_household(village_a)
    works = f"/households/{household.pk}/renovation/works/"
    officer, worker = as_user(officer_a), as_user(worker_a)
    blank_version = officer.get(works).context["form"]["version"].value() or ""
    assert worker.post(works, {"method": "加固维修", "version": ""}).status_code == 302
    response = officer.post(works, {"method": "原址重建", "version": blank_version})
    assert response.status_code == 409 and "未保存" in response.content.decode()
    household.refresh_from_db()
    assert household.renovation.method == "加固维修"


def test_services_refuse_read_only_roles(head_a, village_a):
    household = make_household(village_a)
    with pytest.raises(services.PermissionDenied):
        services.add_assessment(user=head_a, household=household, data={"grade": "A"})


def test_edit_form_shows_the_saved_values(as_user, officer_a, village_a):
    household = make_household(village_a, groups=1 | 4, plaque_posted=False, size=5)
    client = as_user(officer_a)
    identity = client.get(f"/households/{household.pk}/edit/identity/")
    assert sorted(identity.context["form"]["groups"].value()) == [1, 4]
    html = identity.content.decode()
    assert html.count("checked") == 2 and 'value="5"' in html
    house = client.get(f"/households/{household.pk}/edit/house/").content.decode()
    assert '<option value="false" selected>否</option>' in house
    assert '<option value="" selected>未填</option>' in house  # 挂牌等级, nothing chosen


def test_own_money_and_debt_are_the_households_edited_without_a_renovation(
    as_user, officer_a, village_a, changed, django_capture_on_commit_callbacks
):
    household = make_household(village_a, grade="A", borrowed=None, self_funds=None)
    client = as_user(officer_a)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "自筹与其他住房补助" in page and f"/households/{household.pk}/edit/finances/" in page
    url = f"/households/{household.pk}/edit/finances/"
    data = edit_form(client, url)
    data.update(self_funds="-1", borrowed="false", other_subsidy="")
    assert "自筹资金不能为负数" in errors_of(client.post(url, data))["self_funds"]
    data.update(self_funds="0")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#finances")
    household.refresh_from_db()
    assert (household.self_funds, household.borrowed, household.renovation) == (0, False, None)
    updates = AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(household.pk))
    event = updates.order_by("id").last()
    assert event.detail["changes"]["borrowed"] == [None, False]
    assert changed == [[household.pk]]


def test_a_record_without_a_method_asks_for_it_on_the_household_page(as_user, officer_a, village_a):
    household = make_household(
        village_a, grade="D", renovation={"method": "", "started_on": dt.date(2022, 3, 1)}
    )
    client = as_user(officer_a)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "补填改造方式" in page and "填写改造方式后才算已安排危房改造" in page
    works = f"/households/{household.pk}/renovation/works/"
    data = edit_form(client, works)
    assert str(data["started_on"]) == "2022-03-01"
    assert "请选择改造方式" in errors_of(client.post(works, data))["method"]
    data["method"] = "原址重建"
    assert client.post(works, data).status_code == 302
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "补填改造方式" not in page and "施工中" in page


def test_a_conflict_shows_the_key_groups_as_their_labels():
    """对象类别 is a bit mask; the conflict table (core.versions.display) shows its labels,
    through GroupsField.display_value (once an attribute set on the field instance)."""
    from anju.core import versions
    from anju.registry.choices import KeyGroup, groups_to_labels
    from anju.registry.forms import IdentityForm, NewHouseholdForm

    mask = KeyGroup.values[0] | KeyGroup.values[1]
    for form in (IdentityForm, NewHouseholdForm):
        field = form.base_fields["groups"]
        assert versions.display(field, mask) == "、".join(groups_to_labels(mask))
        assert versions.display(field, 0) == "无"
