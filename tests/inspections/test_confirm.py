"""From a visit to the township's ledger and verdict: confirm, remind, publish, results."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core.models import Reminder
from anju.inspections import services
from anju.inspections.models import Sample
from anju.inspections.services import ProblemInput
from anju.rectification.models import LedgerEntry, Source, State
from tests.inspections.conftest import close, entry

pytestmark = pytest.mark.django_db


def visit_all(sv, inspector, problems_for):
    for sh in sv.households.select_related("household", "sample", "sample_village"):
        problems = problems_for(sh)
        services.record_visit(
            actor=inspector,
            sample_household=sh,
            visited_on=dt.date.today(),
            found_nothing=not problems,
            note="",
            problems=problems,
        )


@pytest.fixture
def village_done(drawn, inspector, village_a, campaign, officer_a):
    """甲一村 fully visited: one missed problem, one fake fix, one household without."""
    sv = drawn.villages.get(village=village_a)
    h1, h2, _ = list(sv.households.select_related("household"))
    closed = close(entry(campaign, officer_a, [h2.household], description="挂牌已整改"))

    def problems(sh):
        if sh.pk == h1.pk:
            return [ProblemInput("1", "C级危房未挂牌")]
        if sh.pk == h2.pk:
            return [ProblemInput("1", "挂牌等级与鉴定不符", closed.pk)]
        return []

    visit_all(sv, inspector, problems)
    return sv


def confirm_post(client, sample, ids, **extra):
    data = {
        "problem": [str(i) for i in ids],
        "measures": "乡镇组织核实并于时限内整改到位，上传佐证材料",
        "deadline": (dt.date.today() + dt.timedelta(days=5)).isoformat(),
        **extra,
    }
    return client.post(f"/spot-checks/samples/{sample.pk}/confirm/", data)


def defects(sample):
    from anju.inspections.models import SpotCheckProblem

    return list(
        SpotCheckProblem.objects.filter(visit__sample_household__sample=sample)
        .exclude(kind="reported")
        .order_by("id")
    )


def test_confirmed_problems_become_spot_check_entries_and_remind_the_officer(
    as_user, city_reviewer, officer_a, head_a, officer_b, drawn, village_done, township_a
):
    problems = defects(drawn)
    response = confirm_post(as_user(city_reviewer), drawn, [p.pk for p in problems])
    assert response.status_code == 302
    entries = LedgerEntry.objects.filter(source=Source.SPOT_CHECK).order_by("number")
    assert entries.count() == 2
    missed, fake = entries
    assert missed.township == township_a and missed.village == village_done.village
    assert missed.state == State.PENDING and missed.nature == "个性问题"
    assert "未列入乡镇整改台账（漏报）" in missed.description
    assert "已销号，但问题仍在（虚假整改）" in fake.description
    assert list(missed.households.all()) == [problems[0].visit.sample_household.household]
    for p in problems:
        p.refresh_from_db()
        assert p.confirmed_entry is not None and p.confirmed_by == city_reviewer
    reminder = Reminder.objects.get(user=officer_a)
    assert "市局抽查发现 2 个问题，已列入火龙镇整改台账" in reminder.title
    assert not Reminder.objects.filter(user=officer_b).exists()
    # confirmed once: the same problems cannot be confirmed twice
    response = confirm_post(as_user(city_reviewer), drawn, [problems[0].pk])
    assert response.status_code == 400
    assert LedgerEntry.objects.filter(source=Source.SPOT_CHECK).count() == 2


def test_confirmation_waits_for_the_whole_village(
    as_user, city_reviewer, inspector, drawn, village_b
):
    sv = drawn.villages.get(village=village_b)
    sh = sv.households.select_related("household", "sample", "sample_village").first()
    services.record_visit(
        actor=inspector,
        sample_household=sh,
        visited_on=dt.date.today(),
        found_nothing=False,
        note="",
        problems=[ProblemInput("2", "新增危房未及时改造")],
    )
    response = confirm_post(as_user(city_reviewer), drawn, [p.pk for p in defects(drawn)])
    assert response.status_code == 400
    assert "乙一村（还有 2 户）尚未全部核查" in response.content.decode()
    assert not LedgerEntry.objects.filter(source=Source.SPOT_CHECK).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"measures": ""}, "请填写整改措施"),
        ({"deadline": ""}, "请填写完成时限"),
        ({"deadline": "2001-01-01"}, "早于今天"),
    ],
)
def test_confirm_form_errors_are_chinese_and_nothing_is_written(
    as_user, city_reviewer, drawn, village_done, extra, message
):
    response = confirm_post(as_user(city_reviewer), drawn, [p.pk for p in defects(drawn)], **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerEntry.objects.filter(source=Source.SPOT_CHECK).exists()


def test_a_confirmed_visit_is_locked(city_reviewer, inspector, drawn, village_done):
    services.confirm(
        actor=city_reviewer,
        sample=drawn,
        problem_ids=[defects(drawn)[0].pk],
        measures="乡镇组织核实整改",
        deadline=dt.date.today() + dt.timedelta(days=3),
    )
    sh = defects(drawn)[0].visit.sample_household
    with pytest.raises(services.SpotCheckError, match="已有问题被确认列入乡镇整改台账"):
        services.record_visit(
            actor=inspector,
            sample_household=sh,
            visited_on=dt.date.today(),
            found_nothing=True,
            note="",
            problems=[],
        )


def test_publish_needs_every_household_and_then_townships_see_their_verdict(
    as_user, city_reviewer, inspector, officer_a, officer_b, head_a, drawn, village_done
):
    reviewer = as_user(city_reviewer)
    response = reviewer.post(f"/spot-checks/samples/{drawn.pk}/publish/", follow=True)
    assert "还有 6 户未核查，全部核查完毕后才能公布结果。" in response.content.decode()
    officer = as_user(officer_a)
    page = officer.get("/spot-checks/results/").content.decode()
    assert "暂无已公布的抽查结果" in page and "甲一村" not in page  # not before it is published
    for sv in drawn.villages.exclude(pk=village_done.pk):
        visit_all(sv, inspector, lambda sh: [])
    reviewer.post(f"/spot-checks/samples/{drawn.pk}/publish/")
    drawn.refresh_from_db()
    assert drawn.status == Sample.Status.PUBLISHED
    page = officer.get("/spot-checks/results/").content.decode()
    assert "甲一村" in page and "不合格" in page and "C级危房未挂牌" in page
    assert "每个抽查村随机抽取 3 户" in page
    assert Reminder.objects.filter(user=head_a, title__contains="判定为“不合格”").exists()
    other = as_user(officer_b).get("/spot-checks/results/").content.decode()
    assert "甲一村" not in other and "火龙镇" not in other and "C级危房未挂牌" not in other
    assert "乙一村" in other and "合格" in other
    with pytest.raises(services.SpotCheckError, match="已公布"):
        services.assign(actor=city_reviewer, sample=drawn, assignments={})


def test_township_sees_entries_created_for_it_but_not_other_townships(
    as_user, city_reviewer, officer_b, officer_a, drawn, village_done
):
    services.confirm(
        actor=city_reviewer,
        sample=drawn,
        problem_ids=[p.pk for p in defects(drawn)],
        measures="乡镇组织核实整改",
        deadline=dt.date.today() + dt.timedelta(days=3),
    )
    mine = as_user(officer_a).get("/spot-checks/results/").content.decode()
    assert "市局抽查列入本乡镇整改台账的问题（2）" in mine
    theirs = as_user(officer_b).get("/spot-checks/results/").content.decode()
    assert "市局抽查列入本乡镇整改台账的问题（0）" in theirs and "甲一村" not in theirs
