"""Screening findings → ledger entries, the draft written on confirmation, and the close
guard: not while a linked finding has not been resolved (已消除)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.rectification import services
from anju.rectification.findings import entries_from_findings
from anju.rectification.models import LedgerEntry, Nature, Source, State
from anju.rectification.workflow import TransitionError
from anju.screening import services as screening
from anju.screening.models import Finding, Status

pytestmark = pytest.mark.django_db

DEADLINE = dt.date.today() + dt.timedelta(days=6)
MEASURES = "6月10日前完成挂牌并拍照存档"


def finding(household, code="A1-03", status=Status.OPEN, aspect="1"):
    now = timezone.now()
    return Finding.objects.create(
        rule_code=code,
        aspect=aspect,
        severity="E",
        household=household,
        township=household.township,
        village=household.village,
        message="已鉴定为C级，未挂牌",
        status=status,
        opened_at=now,
        updated_at=now,
    )


def test_one_finding_becomes_an_individual_entry(
    officer_a, households_a, ledger_campaign, django_capture_on_commit_callbacks
):
    f = finding(households_a[0])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = entries_from_findings(
            officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    assert len(callbacks) == 1  # finding_confirmed was sent
    f.refresh_from_db()
    assert f.status == Status.CONFIRMED  # confirmed on the way
    assert (entry.number, entry.state, entry.source, entry.aspect) == (
        1,
        State.PENDING,
        "screening",
        "1",
    )
    assert entry.village == households_a[0].village
    assert entry.description.startswith("张三户（甲一村）：")
    assert list(entry.findings.all()) == [f] and list(entry.households.all()) == [households_a[0]]
    # the confirmation's signal found the finding on the ledger: no extra draft
    assert LedgerEntry.objects.count() == 1


def test_many_households_make_one_common_entry(officer_a, households_a, ledger_campaign):
    found = [finding(h) for h in households_a]
    entry = entries_from_findings(
        officer_a, found, nature=Nature.COMMON, measures=MEASURES, deadline=DEADLINE
    )
    assert entry.nature == "共性问题" and entry.village is None
    assert entry.households.count() == 3 and entry.findings.count() == 3
    assert "涉及3户（张三、李四、王五）" in entry.description


def test_an_individual_entry_cannot_cover_many_households(officer_a, households_a, ledger_campaign):
    found = [finding(h) for h in households_a[:2]]
    with pytest.raises(ValidationError, match="个性问题只能涉及一户"):
        entries_from_findings(
            officer_a, found, nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    assert LedgerEntry.objects.count() == 0
    assert set(Finding.objects.values_list("status", flat=True)) == {Status.OPEN}  # rolled back


def test_bad_requests_are_refused(
    officer_a, officer_b, head_a, households_a, household_b, ledger_campaign
):
    f = finding(households_a[0])
    with pytest.raises(ValidationError, match="只有乡镇经办人"):
        entries_from_findings(
            head_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    with pytest.raises(ValidationError, match="本乡镇"):
        entries_from_findings(
            officer_b, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    with pytest.raises(ValidationError, match="不属于同一个乡镇"):
        entries_from_findings(
            officer_a,
            [f, finding(household_b)],
            nature=Nature.COMMON,
            measures=MEASURES,
            deadline=DEADLINE,
        )
    with pytest.raises(ValidationError, match="请填写整改措施"):
        entries_from_findings(officer_a, [f], nature=Nature.INDIVIDUAL, deadline=DEADLINE)
    resolved = finding(households_a[1], status=Status.RESOLVED)
    with pytest.raises(ValidationError, match="已消除"):
        entries_from_findings(
            officer_a, [resolved], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    with pytest.raises(ValidationError, match="请至少选择"):
        entries_from_findings(officer_a, [], nature=Nature.INDIVIDUAL)


def test_a_finding_is_on_the_ledger_once(officer_a, households_a, ledger_campaign):
    f = finding(households_a[0])
    entries_from_findings(
        officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
    )
    with pytest.raises(ValidationError, match="已在台账第1号中"):
        entries_from_findings(
            officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )


def test_findings_join_an_existing_entry(officer_a, households_a, ledger_campaign):
    first = finding(households_a[0])
    entry = entries_from_findings(
        officer_a, [first], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
    )
    second = finding(households_a[1])
    joined = entries_from_findings(officer_a, [second], join=entry)
    assert joined.pk == entry.pk and joined.nature == "共性问题"
    assert joined.households.count() == 2 and joined.findings.count() == 2
    assert LedgerEntry.objects.count() == 1


def test_confirming_a_finding_writes_a_draft_which_the_service_absorbs(
    officer_a, households_a, ledger_campaign, django_capture_on_commit_callbacks
):
    f = finding(households_a[0])
    with django_capture_on_commit_callbacks(execute=True):
        screening.confirm(finding=f, user=officer_a)
    draft = LedgerEntry.objects.get()
    assert (draft.state, draft.source, draft.number) == (State.DRAFT, Source.SCREENING, None)
    assert list(draft.findings.all()) == [f]
    with django_capture_on_commit_callbacks(execute=True):
        entry = entries_from_findings(
            officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == [entry.pk]


def test_a_draft_from_screening_cannot_be_discarded(
    officer_a, households_a, ledger_campaign, django_capture_on_commit_callbacks
):
    f = finding(households_a[0])
    with django_capture_on_commit_callbacks(execute=True):
        screening.confirm(finding=f, user=officer_a)
    with pytest.raises(ValidationError, match="不能直接放弃"):
        services.discard_draft(actor=officer_a, entry=LedgerEntry.objects.get())


def test_an_entry_cannot_be_closed_while_a_linked_finding_still_fires(
    officer_a, head_a, households_a, ledger_campaign, photo
):
    f = finding(households_a[0])
    entry = entries_from_findings(
        officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
    )
    services.add_evidence(actor=officer_a, entry=entry, upload=photo(), content_type="image/jpeg")
    services.transition(actor=officer_a, entry=entry, name="submit")
    with pytest.raises(TransitionError, match=r"A1-03（张三户）"):
        services.transition(actor=head_a, entry=entry, name="close")
    Finding.objects.filter(pk=f.pk).update(status=Status.RESOLVED)
    assert services.transition(actor=head_a, entry=entry, name="close").state == State.CLOSED


# --- the page the screening list links to -------------------------------------------------
def test_the_page_puts_chosen_findings_on_the_ledger(
    as_user, officer_a, households_a, ledger_campaign
):
    from django.urls import reverse

    found = [finding(h) for h in households_a[:2]]
    url = reverse("rectification:from_findings")
    client = as_user(officer_a)
    page = client.get(url, {"finding": [f.pk for f in found]})
    assert page.status_code == 200 and len(page.context["findings"]) == 2
    assert page.context["form"].initial["nature"] == "共性问题"
    data = {"finding": [f.pk for f in found], "mode": "new", "nature": "共性问题"}
    missing = client.post(url, {**data, "deadline": DEADLINE.isoformat()})
    assert "请填写整改措施" in " ".join(missing.context["form"].errors["measures"])
    saved = client.post(url, {**data, "measures": MEASURES, "deadline": DEADLINE.isoformat()})
    entry = LedgerEntry.objects.get()
    assert saved["Location"] == reverse("rectification:entry_detail", args=[entry.pk])
    assert entry.findings.count() == 2 and entry.nature == "共性问题"
    third = finding(households_a[2])
    joined = client.post(url, {"finding": [third.pk], "mode": "join", "join": entry.pk})
    assert joined.status_code == 302 and entry.findings.count() == 3


def test_the_page_ignores_findings_out_of_scope(as_user, officer_b, households_a, ledger_campaign):
    from django.urls import reverse

    f = finding(households_a[0])
    url = reverse("rectification:from_findings")
    page = as_user(officer_b).get(url, {"finding": [f.pk]})
    assert page.context["findings"] == []
    post = as_user(officer_b).post(
        url,
        {
            "finding": [f.pk],
            "mode": "new",
            "nature": "个性问题",
            "measures": MEASURES,
            "deadline": DEADLINE.isoformat(),
        },
    )
    assert post.status_code == 400 and LedgerEntry.objects.count() == 0


def test_without_a_round_findings_are_refused_and_no_draft_is_written(
    officer_a, households_a, django_capture_on_commit_callbacks
):
    """No current round (none active): taking findings onto the ledger is refused with a
    message and nothing is saved, and a finding confirmed elsewhere gets no draft. Both
    passed None on as the entry's round: an AttributeError in the deadline check, or a NOT
    NULL failure of the draft's save in the on-commit receiver, after the confirmation."""
    from anju.campaigns.models import Campaign

    Campaign.objects.update(is_active=False)
    f = finding(households_a[0])
    with pytest.raises(ValidationError, match="尚无“回头看”工作"):
        entries_from_findings(
            officer_a, [f], nature=Nature.INDIVIDUAL, measures=MEASURES, deadline=DEADLINE
        )
    f.refresh_from_db()
    assert f.status == Status.OPEN and not LedgerEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        screening.confirm(finding=f, user=officer_a)
    f.refresh_from_db()
    assert f.status == Status.CONFIRMED and not LedgerEntry.objects.exists()


def test_a_finding_without_a_registry_household_is_not_put_on_the_ledger(
    as_user, officer_a, township_a, households_a, ledger_campaign
):
    """应纳未纳 (M-01) is on a department-list record, not a household: the page leaves it
    out (linking it here answered 500: the description named its household) and the use
    case refuses it with a message."""
    from django.urls import reverse

    now = timezone.now()
    unlisted = Finding.objects.create(
        rule_code="M-01",
        aspect="M",
        severity="E",
        household=None,
        listed_hash="0" * 64,
        township=township_a,
        message="名单中的农户未建档",
        status=Status.OPEN,
        opened_at=now,
        updated_at=now,
    )
    other = finding(households_a[0])
    url = reverse("rectification:from_findings")
    page = as_user(officer_a).get(url, {"finding": [unlisted.pk, other.pk]})
    assert page.status_code == 200 and page.context["findings"] == [other]
    with pytest.raises(ValidationError, match="尚未建档"):
        entries_from_findings(
            officer_a,
            [unlisted, other],
            nature=Nature.COMMON,
            measures=MEASURES,
            deadline=DEADLINE,
        )
    assert not LedgerEntry.objects.exists()
