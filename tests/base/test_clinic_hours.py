"""Open now or closed, in the clinic's own time zone, respecting closures (fixed times)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from allure.base.clinic.clinic_hours import clinic_status, weekly_hours
from allure.base.models import Closure, OpeningHours
from tests.clock import AWKWARD_INSTANTS

CHICAGO = ZoneInfo("America/Chicago")
HOURS = [OpeningHours(weekday=day, opens=dt.time(8), closes=dt.time(17)) for day in range(4)] + [
    OpeningHours(weekday=4, opens=dt.time(8), closes=dt.time(13))
]
THANKSGIVING = Closure(
    starts_on=dt.date(2026, 11, 26), ends_on=dt.date(2026, 11, 27), reason="Thanksgiving"
)


def at(*args, tz=CHICAGO):
    return dt.datetime(*args, tzinfo=tz)


def status(now, closures=()):
    return clinic_status(now, HOURS, closures)


def test_open_during_hours_with_the_closing_time():
    result = status(at(2026, 11, 17, 10, 30))  # a Tuesday morning
    assert result.is_open
    assert result.message == "Open now · closes at 5:00 PM"


def test_friday_closes_at_one():
    assert status(at(2026, 11, 20, 12, 59)).is_open
    result = status(at(2026, 11, 20, 13, 0))
    assert not result.is_open
    assert result.message == "Closed now · opens Monday at 8:00 AM"


def test_before_opening_it_opens_today():
    assert status(at(2026, 11, 17, 7, 15)).message == "Closed now · opens today at 8:00 AM"


def test_in_the_evening_it_opens_tomorrow():
    assert status(at(2026, 11, 17, 18, 0)).message == "Closed now · opens tomorrow at 8:00 AM"


def test_the_time_zone_is_the_clinics_not_the_visitors():
    # 15:30 UTC is 9:30 in Jackson (CST, UTC-6) on a Tuesday in November.
    assert status(at(2026, 11, 17, 15, 30, tz=dt.UTC)).is_open
    # 23:30 UTC is 17:30 in Jackson: closed, although a UTC clock says mid-evening.
    assert not status(at(2026, 11, 17, 23, 30, tz=dt.UTC)).is_open


def test_daylight_saving_time_is_respected():
    # In July Jackson is on CDT (UTC-5): 13:30 UTC is 8:30 local, open.
    assert status(at(2026, 7, 14, 13, 30, tz=dt.UTC)).is_open


def test_a_closure_keeps_the_clinic_shut_during_its_hours():
    result = status(at(2026, 11, 26, 10, 0), [THANKSGIVING])  # Thanksgiving, a Thursday
    assert not result.is_open
    assert result.message == "Closed today for Thanksgiving · opens Monday at 8:00 AM"


def test_without_any_hours_it_is_simply_closed():
    result = clinic_status(at(2026, 11, 17, 10, 0), [], [])
    assert not result.is_open
    assert result.message == "Closed now"


def test_weekly_hours_lists_every_day_with_weekends_closed():
    days = weekly_hours(HOURS)
    assert [day for day, _ in days][:2] == ["Monday", "Tuesday"]
    assert days[5] == ("Saturday", []) and days[6] == ("Sunday", [])


# The demo clinic opens Monday to Thursday 8–17 and Friday 8–13.
OPEN_AT = {
    "23:45": False,
    "00:15": False,
    "dst-starts": False,  # a Sunday night
    "dst-ends": False,  # a Sunday night
    "new-years-eve": True,  # Thursday 16:00: the holiday closure is 1 January
    "leap-day": True,  # Tuesday 11:00
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("clock", "is_open"),
    [(AWKWARD_INSTANTS[name], OPEN_AT[name]) for name in AWKWARD_INSTANTS],
    ids=AWKWARD_INSTANTS.keys(),
    indirect=["clock"],
)
def test_the_contact_page_shows_hours_and_the_current_status(clock, is_open, demo, client):
    html = client.get("/contact/").content.decode()
    assert 'href="tel:+16015550142"' in html
    assert "8:00 AM – 5:00 PM" in html and "8:00 AM – 1:00 PM" in html
    assert html.count("Closed</td>") == 2
    assert ("Open now" in html) is is_open
    assert "Finding us" in html
