"""The workflows are tables taken by one ``anju.core.transitions`` (#19 step 2): each stage's
table names states its model knows, and a step is taken only from the state it was decided
on — a record changed meanwhile is refused as stale, with no history row and no audit row."""

from __future__ import annotations

import pytest

from anju.acceptance import services as acceptance
from anju.audit.models import AuditEvent
from anju.rectification import workflow
from anju.rectification.models import EntryTransition, LedgerEntry, State
from anju.reporting import services as reporting
from anju.screening import services as screening

MACHINES = {
    "rectification": workflow.MACHINE,
    "screening": screening.MACHINE,
    "reporting": reporting.MACHINE,
    "acceptance": acceptance.MACHINE,
}


@pytest.mark.parametrize("stage", MACHINES)
def test_every_table_names_states_of_its_model(stage):
    machine = MACHINES[stage]
    states = {value for value, _ in machine.model._meta.get_field(machine.field).choices}
    assert machine.transitions
    for t in machine.transitions.values():
        assert t.sources and set(t.sources) <= states, t.name
        assert t.target in states, t.name


@pytest.mark.django_db
def test_a_step_decided_on_a_state_that_changed_meanwhile_is_refused(make_entry, officer_a):
    entry = make_entry()  # 待整改
    seen = LedgerEntry.objects.get(pk=entry.pk)
    LedgerEntry.objects.filter(pk=entry.pk).update(state=State.IN_PROGRESS)  # someone else
    rows, events = EntryTransition.objects.count(), AuditEvent.objects.count()

    with pytest.raises(workflow.TransitionError, match="刚被他人处理"):
        workflow.MACHINE.move(seen, "submit")  # allowed from either state, decided on 待整改

    assert LedgerEntry.objects.get(pk=entry.pk).state == State.IN_PROGRESS
    assert EntryTransition.objects.count() == rows and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_refusal_names_the_state_the_record_is_in(make_entry, officer_a):
    entry = make_entry()
    with pytest.raises(workflow.TransitionError, match="当前为“待整改”，不能执行“核验销号”"):
        workflow.MACHINE.check(entry, "close")
