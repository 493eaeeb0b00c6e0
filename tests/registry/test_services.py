"""The household use cases, called directly as commands, tasks and the API will call them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from anju.audit.context import acting_as
from anju.audit.events import Event
from anju.audit.models import AuditEvent
from anju.core import uploads
from anju.registry import services
from anju.registry.models import Attachment, Household
from anju.registry.signals import households_changed
from tests.factories import fake_id, make_household
from tests.test_uploads import jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed():
    seen: list[list[int]] = []

    def receiver(sender, household_ids, **kwargs):
        seen.append(list(household_ids))

    households_changed.connect(receiver, weak=False, dispatch_uid="test_services")
    yield seen
    households_changed.disconnect(dispatch_uid="test_services")


BASE = {
    "head_name": "服务户",
    "size": 2,
    "groups": 0,
    "is_alleviated": True,
    "enjoys_policy": True,
    "monitoring_type": "",
    "risk_state": "",
    "no_house": None,
}


def test_create_household_in_scope_announces_after_commit(
    worker_a, village_a, changed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        household = services.create_household(
            user=worker_a, village=village_a, data=BASE, id_number=fake_id(4001), phone=""
        )
        assert changed == []  # nothing is announced before the commit
    for callback in callbacks:
        callback()
    assert changed == [[household.pk]]


def test_create_household_outside_scope_is_refused(worker_a, officer_a, village_a2, city_admin):
    with pytest.raises(PermissionDenied):
        services.create_household(
            user=worker_a, village=village_a2, data=BASE, id_number=fake_id(4002)
        )
    with pytest.raises(PermissionDenied):
        services.create_household(
            user=city_admin, village=village_a2, data=BASE, id_number=fake_id(4003)
        )
    assert not Household.objects.exists()


def test_duplicate_id_number_raises_a_named_error(officer_a, village_a):
    raw = fake_id(4004)
    make_household(village_a, id_number=raw)
    with pytest.raises(services.DuplicateIdNumber):
        services.create_household(user=officer_a, village=village_a, data=BASE, id_number=raw)


def test_stale_version_saves_nothing_and_announces_nothing(
    officer_a, village_a, changed, django_capture_on_commit_callbacks
):
    household = make_household(village_a, size=3)
    version = services.household_version(household, section="house")
    household.storeys = 2
    household.save()
    data = {name: getattr(household, name) for name in services.HOUSE_FIELDS}
    data["storeys"] = 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.StaleEdit):
        services.update_household(
            user=officer_a, household=household, section="house", data=data, version=version
        )
    household.refresh_from_db()
    assert household.storeys == 2 and changed == []


def test_version_covers_the_section_only(village_a):
    household = make_household(village_a)
    identity = services.household_version(household, section="identity")
    house = services.household_version(household, section="house")
    household.storeys = 3
    assert services.household_version(household, section="identity") == identity
    assert services.household_version(household, section="house") != house
    household.set_phone("13800000000")
    assert services.household_version(household, section="identity") != identity


def test_moving_to_another_township_is_refused(officer_a, village_a, village_b):
    household = make_household(village_a)
    data = {name: getattr(household, name) for name in services.IDENTITY_FIELDS}
    with pytest.raises(PermissionDenied):
        services.update_household(
            user=officer_a,
            household=household,
            section="identity",
            data=data,
            version=None,
            village=village_b,
        )
    household.refresh_from_db()
    assert household.village == village_a


def test_officer_of_another_township_cannot_change_a_household(officer_b, village_a):
    household = make_household(village_a)
    with pytest.raises(PermissionDenied):
        services.add_assessment(user=officer_b, household=household, data={"grade": "D"})
    assert not household.assessments.exists()


def test_subsidy_needs_a_renovation_first(officer_a, village_a):
    household = make_household(village_a)
    data = dict.fromkeys(services.SUBSIDY_FIELDS)
    with pytest.raises(services.NoRenovation):
        services.save_renovation(
            user=officer_a, household=household, section="subsidy", data=data, version=None
        )


def test_unmask_is_for_unmask_roles_and_always_audited(
    officer_a, city_reviewer, worker_a, head_a, officer_b, village_a
):
    household = make_household(village_a, id_number=fake_id(4005), phone="13600001111")
    for user in (officer_a, city_reviewer):
        before = AuditEvent.objects.filter(event=Event.UNMASK).count()
        with acting_as(user):
            values = services.unmask(user=user, household=household)
        assert values.id_number == household.id_number and values.phone == "13600001111"
        event = AuditEvent.objects.filter(event=Event.UNMASK).latest("id")
        assert AuditEvent.objects.filter(event=Event.UNMASK).count() == before + 1
        assert event.username == user.username and event.object_id == str(household.pk)
    for user in (worker_a, head_a, officer_b):
        with pytest.raises(PermissionDenied):
            services.unmask(user=user, household=household)


def test_sec_20_photo_is_stored_under_a_generated_name(worker_a, village_a):
    household = make_household(village_a)
    photo = uploads.inspect(upload(jpeg()))
    attachment = services.add_photo(
        user=worker_a,
        household=household,
        photo=photo,
        original_name="C:\\fakepath\\IMG_9.jpg",
        kind="after",
        note="",
    )
    assert attachment.original_name == "IMG_9.jpg"
    assert default_storage.exists(attachment.file.name)
    assert default_storage.exists(uploads.thumbnail_name(attachment.file.name))
    assert attachment.sha256 == photo.sha256 and attachment.size == len(photo.content)


def test_failed_photo_save_leaves_no_file(head_a, village_a, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    household = make_household(village_a)
    with pytest.raises(PermissionDenied):
        services.add_photo(
            user=head_a,
            household=household,
            photo=uploads.inspect(upload(jpeg())),
            original_name="a.jpg",
            kind="after",
            note="",
        )
    assert not Attachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
