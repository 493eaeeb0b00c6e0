"""Spot-checks do not re-draw households already drawn in an open batch of the same round
(unless asked), and the inspector's task list puts what is left to do first, with the
finished rows folded (issue #17 item 7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from anju.inspections import sampling, services
from anju.inspections.models import Sample, SampleHousehold
from tests.inspections.conftest import households

pytestmark = pytest.mark.django_db

PARAMS = sampling.Params(villages=3, per_village=2, rank_share=70, fail_at=1)


def text(response) -> str:
    return response.content.decode()


def drawn_ids(sample) -> set[int]:
    return set(sample.households.values_list("household_id", flat=True))


@pytest.fixture
def three_villages(campaign, village_a, village_a2, village_b):
    return {unit.pk: households(unit, 4) for unit in (village_a, village_a2, village_b)}


def draw(reviewer, campaign, seed, **extra):
    return services.draw_sample(
        actor=reviewer, campaign=campaign, params=PARAMS, seed=seed, **extra
    ).sample


def test_a_second_batch_leaves_out_the_households_of_an_open_one(
    campaign, city_reviewer, three_villages
):
    first = draw(city_reviewer, campaign, 7)
    second = draw(city_reviewer, campaign, 7)  # the same seed would draw the same again
    assert drawn_ids(first) and drawn_ids(second)
    assert drawn_ids(first).isdisjoint(drawn_ids(second))
    assert second.excluded_samples == [first.pk]
    assert "已排除同一轮次核查中的第 1 批已抽取的 6 户，不重复抽查。" in second.notes
    # Each village had 4: 2 left, both drawn; a redraw from the record gives the same.
    assert services.verify(second).same and services.verify(first).same
    # A third: nothing left in any village, so nothing to draw.
    with pytest.raises(sampling.SampleError) as refused:
        draw(city_reviewer, campaign, 7)
    assert "核查中的批次已抽取了各村全部可抽农户" in refused.value.errors["villages"]
    assert "允许重复抽取核查中批次已抽取的农户" in refused.value.errors["villages"]


def test_asked_to_it_draws_them_again(campaign, city_reviewer, three_villages):
    first = draw(city_reviewer, campaign, 7)
    again = draw(city_reviewer, campaign, 7, include_open=True)
    assert drawn_ids(again) == drawn_ids(first) and again.excluded_samples == []
    assert "按要求未排除核查中的第 1 批已抽取的 6 户，可能重复抽到。" in again.notes
    assert services.verify(again).same


def test_a_published_batch_does_not_hold_its_households_back(
    campaign, city_reviewer, three_villages
):
    first = draw(city_reviewer, campaign, 7)
    Sample.objects.filter(pk=first.pk).update(status=Sample.Status.PUBLISHED)
    again = draw(city_reviewer, campaign, 7)
    assert drawn_ids(again) == drawn_ids(first) and again.excluded_samples == []


def test_another_round_does_not_hold_them_back(campaign, city_reviewer, three_villages, county):
    from anju.campaigns.models import Campaign

    draw(city_reviewer, campaign, 7)
    other = Campaign.objects.create(
        name="第二轮",
        document_number="禹建〔2023〕1号",
        county=county,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on + dt.timedelta(days=1),
    )
    assert not services.open_batches(other).exists()
    again = draw(city_reviewer, other, 7)
    assert again.excluded_samples == [] and len(drawn_ids(again)) == 6


def test_the_planning_page_says_so_and_takes_the_choice(
    as_user, campaign, city_reviewer, three_villages
):
    reviewer = as_user(city_reviewer)
    first = draw(city_reviewer, campaign, 7)
    page = text(reviewer.get("/spot-checks/"))
    assert "同一轮次核查中的第 1 批抽查已抽取 6 户：默认本次不再抽取这些农户。" in page
    assert "允许重复抽取核查中批次已抽取的农户" in page
    form = {"villages": 3, "per_village": 2, "rank_share": 70, "fail_at": 1, "seed": 7}
    response = reviewer.post("/spot-checks/", form, follow=True)
    second = Sample.objects.get(number=2)
    assert drawn_ids(second).isdisjoint(drawn_ids(first))
    assert "已排除同一轮次核查中的第 1 批已抽取的 6 户" in text(response)
    reviewer.post("/spot-checks/", {**form, "include_open": "on"})
    third = Sample.objects.get(number=3)
    assert drawn_ids(third) == drawn_ids(first)


def test_the_command_leaves_them_out_unless_asked(campaign, city_reviewer, three_villages):
    first = draw(city_reviewer, campaign, 7)
    args = ["--villages", "3", "--households-per-village", "2", "--seed", "7", "--fail-at", "1"]
    call_command("draw_sample", *args, stdout=__import__("io").StringIO())
    second = Sample.objects.get(number=2)
    assert drawn_ids(second).isdisjoint(drawn_ids(first))
    call_command("draw_sample", *args, "--include-open", stdout=__import__("io").StringIO())
    assert drawn_ids(Sample.objects.get(number=3)) == drawn_ids(first)


# --- the inspector's task list ----------------------------------------------------------------
def test_the_task_list_puts_what_is_left_first_and_folds_the_finished(
    as_user, campaign, inspector, drawn
):
    from anju.inspections.models import SpotCheckVisit

    rows = list(SampleHousehold.objects.filter(sample=drawn).order_by("sample_village__position"))
    first_village = rows[0].sample_village
    # The first village in the sample's order is finished, the second has one done.
    done = [sh for sh in rows if sh.sample_village == first_village]
    second_village = next(sh.sample_village for sh in rows if sh.sample_village != first_village)
    done.append(next(sh for sh in rows if sh.sample_village == second_village))
    for sh in done:
        SpotCheckVisit.objects.create(
            sample_household=sh, inspector=inspector, visited_on=dt.date.today(), found_nothing=True
        )
    page = text(as_user(inspector).get("/spot-checks/mine/"))
    assert "共 9 户，<strong>5</strong> 户待核查，待核查的排在前面" in page
    order = re.findall(r'data-village="([^"]+)"', page)
    assert order[-1] == first_village.village.name  # finished: last
    assert order[0] != first_village.village.name
    sections = page.split("<section")[1:]
    last = sections[-1]
    assert "已全部核查" in last and "data-todo" not in last
    assert "<details" in last and "已核查 3 户" in last
    assert "open" not in last.split("<details")[1].split(">")[0]  # folded
    # Within a village the households to check come first, the checked one folded below.
    partly = next(s for s in sections if second_village.village.name in s.split(">")[0])
    assert partly.index("data-todo") < partly.index("<details") and "已核查 1 户" in partly
    assert "待核查 <strong>2</strong> / 3 户" in partly
