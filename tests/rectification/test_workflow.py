"""The ledger entry state machine: transitions, roles, guards, history, concurrency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from anju.audit.models import AuditEvent
from anju.rectification import services, workflow
from anju.rectification.models import EntryTransition, Light, State
from anju.rectification.workflow import TransitionError

pytestmark = pytest.mark.django_db


def test_entries_are_numbered_per_township_with_the_annex_columns(
    make_entry, township_b, officer_b
):
    first, second = make_entry(), make_entry()
    other = make_entry(township=township_b, village=None, actor=officer_b)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.problem_type == "农村危房改造"
    assert first.responsible_unit == "火龙镇人民政府"
    assert first.state == State.PENDING


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("measures", "", "请填写整改措施"),
        ("deadline", None, "请填写完成时限"),
        ("deadline", dt.date.today() - dt.timedelta(days=1), "早于今天"),
        ("deadline", dt.date.today() + dt.timedelta(days=400), "不在本轮"),
        ("nature", "一般问题", "问题性质应为"),
        ("description", " ", "请填写问题表述"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(make_entry, field, value, message):
    with pytest.raises(ValidationError) as error:
        make_entry(**{field: value})
    assert message in str(error.value.message_dict[field])


def test_the_full_path_to_closed_with_history(make_entry, officer_a, head_a, photo):
    entry = make_entry()
    services.transition(actor=officer_a, entry=entry, name="start")
    with pytest.raises(TransitionError, match="佐证"):
        services.transition(actor=officer_a, entry=entry, name="submit")
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    with pytest.raises(TransitionError, match="必须填写理由"):
        services.transition(actor=head_a, entry=entry, name="return")
    services.transition(actor=head_a, entry=entry, name="return", reason="照片看不清挂牌等级")
    services.transition(actor=officer_a, entry=entry, name="submit")
    entry = services.transition(actor=head_a, entry=entry, name="close")
    assert entry.state == State.CLOSED and entry.closed_at is not None
    steps = list(
        EntryTransition.objects.filter(entry=entry).values_list("name", "to_state", "reason")
    )
    assert steps == [
        ("start", "in_progress", ""),
        ("submit", "awaiting", ""),
        ("return", "in_progress", "照片看不清挂牌等级"),
        ("submit", "awaiting", ""),
        ("close", "closed", ""),
    ]
    assert AuditEvent.objects.filter(event="transition", object_id=str(entry.pk)).count() == 5
    assert entry.light() == Light.DONE


def test_roles_are_enforced(make_entry, officer_a, head_a, worker_a):
    entry = make_entry()
    with pytest.raises(TransitionError, match="角色"):
        services.transition(actor=head_a, entry=entry, name="start")
    with pytest.raises(TransitionError, match="角色"):
        services.transition(actor=worker_a, entry=entry, name="start")
    assert [t.name for t in workflow.available(entry, officer_a)] == ["start", "submit"]


def test_a_close_guard_blocks_closing(make_entry, officer_a, head_a, photo):
    entry = make_entry()
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")

    def still_fires(e):
        return "关联的筛查问题仍然存在（A1-03）。"

    workflow.add_close_guard(still_fires)
    try:
        with pytest.raises(TransitionError, match="A1-03"):
            services.transition(actor=head_a, entry=entry, name="close")
    finally:
        workflow._close_guards.remove(still_fires)
    assert services.transition(actor=head_a, entry=entry, name="close").state == State.CLOSED


def test_two_people_acting_at_once_cannot_both_succeed(
    make_entry, officer_a, head_a, city_reviewer, photo
):
    entry = make_entry()
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    stale = type(entry).objects.get(pk=entry.pk)
    services.transition(actor=head_a, entry=entry, name="close")
    # the reviewer's page still shows 待核验; their "return" must fail cleanly
    stale.state = State.AWAITING
    with pytest.raises(TransitionError):
        services.transition(actor=city_reviewer, entry=stale, name="return", reason="x")
    assert EntryTransition.objects.filter(entry=entry, name="close").count() == 1
    assert EntryTransition.objects.filter(entry=entry, name="return").count() == 0


def test_overdue_light(make_entry):
    entry = make_entry()
    today = dt.date.today()
    assert entry.light(today) == Light.GREEN
    assert entry.light(entry.deadline - dt.timedelta(days=2)) == Light.YELLOW
    assert entry.light(entry.deadline + dt.timedelta(days=1)) == Light.RED


def test_transition_history_is_append_only(make_entry, officer_a):
    entry = make_entry()
    services.transition(actor=officer_a, entry=entry, name="start")
    row = EntryTransition.objects.get()
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


def test_ledger_is_scoped(make_entry, officer_a, officer_b, city_reviewer, worker_a):
    entry = make_entry()
    model = type(entry)
    assert list(model.objects.for_user(officer_a)) == [entry]
    assert list(model.objects.for_user(officer_b)) == []
    assert list(model.objects.for_user(city_reviewer)) == [entry]
    assert list(model.objects.for_user(worker_a)) == [entry]
