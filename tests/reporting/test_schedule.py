"""The schedule: phases, the weeks derived from them, and the city admin's page."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.reporting import services
from anju.reporting import weeks as cal
from anju.reporting.models import Schedule
from tests.reporting.conftest import at, bj

pytestmark = pytest.mark.django_db


def test_the_seed_calendar_gives_three_weeks_from_the_first_day_of_rectification(schedule):
    weeks = cal.weeks(schedule)
    assert [(w.number, w.starts_on, w.ends_on, w.due_at) for w in weeks] == [
        (1, dt.date(2022, 6, 1), dt.date(2022, 6, 3), bj("2022-06-03 17:00")),
        (2, dt.date(2022, 6, 4), dt.date(2022, 6, 10), bj("2022-06-10 17:00")),
        (3, dt.date(2022, 6, 11), dt.date(2022, 6, 15), bj("2022-06-15 17:00")),
    ]
    assert weeks[0].label == "第1周" and weeks[0].span == "6月1日—6月3日"
    assert cal.due_text(weeks[1].due_at) == "6月10日（星期五）17:00"
    assert cal.rectify_closes_at(schedule) == bj("2022-06-16 00:00")
    phases = cal.phases(schedule)
    assert [(p.label, p.starts_on, p.ends_on) for p in phases] == [
        ("动员部署阶段", dt.date(2022, 5, 23), dt.date(2022, 5, 31)),
        ("排查整改阶段", dt.date(2022, 6, 1), dt.date(2022, 6, 15)),
        ("总结验收阶段", dt.date(2022, 6, 16), dt.date(2022, 6, 25)),
    ]


def test_other_weekdays_and_times_move_every_due_time(schedule):
    schedule.report_weekday = 0  # Monday 09:30
    schedule.report_time = dt.time(9, 30)
    weeks = cal.weeks(schedule)
    assert [(w.starts_on.day, w.ends_on.day) for w in weeks] == [(1, 6), (7, 13), (14, 15)]
    assert weeks[0].due_at == bj("2022-06-06 09:30")
    assert weeks[-1].due_at == bj("2022-06-15 09:30")  # the last week ends with the phase


def test_the_current_week(schedule):
    assert cal.current_week(schedule, bj("2022-05-25 10:00")).number == 1  # before: week 1
    assert cal.current_week(schedule, bj("2022-06-08 10:00")).number == 2
    assert cal.current_week(schedule, bj("2022-06-20 10:00")).number == 3  # after: the last


def values(**changes):
    base = {
        "mobilise_ends_on": dt.date(2022, 5, 31),
        "rectify_ends_on": dt.date(2022, 6, 15),
        "accept_ends_on": dt.date(2022, 6, 25),
        "report_weekday": 4,
        "report_time": dt.time(17, 0),
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"mobilise_ends_on": dt.date(2022, 5, 20)},
            "mobilise_ends_on",
            "不能早于本轮开始日期（2022年5月23日）",
        ),
        (
            {"rectify_ends_on": dt.date(2022, 5, 30)},
            "rectify_ends_on",
            "应晚于动员部署阶段截止日期",
        ),
        ({"accept_ends_on": dt.date(2022, 6, 15)}, "accept_ends_on", "应晚于排查整改阶段截止日期"),
        (
            {"accept_ends_on": dt.date(2022, 7, 2)},
            "accept_ends_on",
            "不能晚于本轮结束日期（2022年6月30日）",
        ),
        ({"report_time": dt.time(17, 0, 30)}, "report_time", "精确到分钟"),
    ],
)
def test_phases_must_be_in_order_and_within_the_campaign(campaign, changes, field, message):
    errors = services.validate_schedule(campaign=campaign, **values(**changes))
    assert message in errors[field]


def test_weeks_that_have_reports_cannot_move(campaign, schedule, city_admin, send, entry):
    entry()
    send(1, "2022-06-03 16:00")
    with pytest.raises(services.ValidationError) as exc:
        services.save_schedule(
            actor=city_admin, campaign=campaign, **values(mobilise_ends_on=dt.date(2022, 5, 30))
        )
    assert "已有乡镇报送第1周周报" in str(exc.value)
    # Moving only later weeks is fine: 排查整改 extended to 6月17日.
    services.save_schedule(
        actor=city_admin, campaign=campaign, **values(rectify_ends_on=dt.date(2022, 6, 17))
    )
    assert cal.weeks(Schedule.objects.get())[-1].ends_on == dt.date(2022, 6, 17)


def test_only_the_city_admin_sets_the_schedule(campaign, city_reviewer):
    with pytest.raises(services.ReportingError, match="只有市住建局管理员"):
        services.save_schedule(actor=city_reviewer, campaign=campaign, **values())


def test_the_admin_sets_the_schedule_on_its_page(as_user, campaign, city_admin, officer_a):
    with at("2022-05-24 10:00"):
        client = as_user(city_admin)
        page = client.get("/reports/schedule/edit/").content.decode()
        assert 'value="2022-05-31"' in page  # proposed from the seed: 5月31日
        bad = client.post(
            "/reports/schedule/edit/",
            {
                "mobilise_ends_on": "2022-05-31",
                "rectify_ends_on": "2022-05-31",
                "accept_ends_on": "2022-06-25",
                "report_weekday": "4",
                "report_time": "17:00",
            },
        )
        assert bad.status_code == 200
        assert "排查整改阶段截止日期应晚于动员部署阶段截止日期" in bad.content.decode()
        assert not Schedule.objects.exists()
        ok = client.post(
            "/reports/schedule/edit/",
            {
                "mobilise_ends_on": "2022-05-31",
                "rectify_ends_on": "2022-06-15",
                "accept_ends_on": "2022-06-25",
                "report_weekday": "4",
                "report_time": "17:00",
            },
        )
        assert ok.status_code == 302
        page = as_user(officer_a).get("/reports/schedule/").content.decode()
        assert "6月10日（星期五）17:00" in page or "6月10日" in page
        assert "第3周" in page
        assert as_user(officer_a).get("/reports/schedule/edit/").status_code == 403
