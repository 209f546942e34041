"""The clinic's demo facts: one source of hours and holidays."""

import datetime as dt

import pytest
import time_machine

from allure.base import demo
from allure.base.models import Closure, OpeningHours


def test_thanksgiving_is_the_fourth_thursday_of_november():
    assert [demo.thanksgiving(year) for year in (2026, 2027, 2030)] == [
        dt.date(2026, 11, 26),
        dt.date(2027, 11, 25),
        dt.date(2030, 11, 28),
    ]


def test_holidays_are_those_not_yet_over_in_date_order_of_the_year():
    assert demo.holidays(dt.date(2026, 11, 27)) == [
        ("Thanksgiving", dt.date(2026, 11, 26), dt.date(2026, 11, 27)),
        ("Christmas", dt.date(2026, 12, 24), dt.date(2026, 12, 26)),
        ("New Year's Day", dt.date(2027, 1, 1), dt.date(2027, 1, 1)),
        ("Thanksgiving", dt.date(2027, 11, 25), dt.date(2027, 11, 26)),
        ("Christmas", dt.date(2027, 12, 24), dt.date(2027, 12, 26)),
        ("New Year's Day", dt.date(2028, 1, 1), dt.date(2028, 1, 1)),
    ]
    assert demo.holidays(dt.date(2026, 11, 28))[0][0] == "Christmas"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC), tick=False)  # 17:30 CST
def test_loading_twice_makes_the_hours_and_the_coming_holidays_once():
    demo.load()
    demo.load()
    assert [(h.weekday, h.opens, h.closes) for h in OpeningHours.objects.all()] == [
        (day, opens, closes) for day, opens, closes in demo.WEEKLY_HOURS
    ]
    assert list(Closure.objects.values_list("reason", "starts_on", "ends_on")) == (
        demo.holidays(dt.date(2026, 11, 27))
    )
