"""The suite's clock: every test runs at a pinned instant, never at the machine's "now".

`conftest.clock` travels to PINNED_NOW for every test. Tests whose rules depend on the day
or the hour run across AWKWARD_INSTANTS as well, with `@across_awkward_instants`: late in
the evening, just after midnight, both daylight-saving change days, New Year's Eve and a
leap day, all in the clinic's own time zone.
"""

import datetime as dt
import zoneinfo

import pytest

CLINIC_ZONE = zoneinfo.ZoneInfo("America/Chicago")
# A Wednesday morning in clinic hours: what most tests assume a working day looks like.
PINNED_NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=CLINIC_ZONE)
AWKWARD_INSTANTS = {
    "23:45": dt.datetime(2026, 11, 18, 23, 45, tzinfo=CLINIC_ZONE),
    "00:15": dt.datetime(2026, 11, 19, 0, 15, tzinfo=CLINIC_ZONE),
    # 01:30 on the spring-forward day: 02:00-03:00 does not exist.
    "dst-starts": dt.datetime(2027, 3, 14, 1, 30, tzinfo=CLINIC_ZONE),
    # 01:30 on the fall-back day happens twice; this is the first (daylight) one.
    "dst-ends": dt.datetime(2026, 11, 1, 1, 30, tzinfo=CLINIC_ZONE, fold=0),
    "new-years-eve": dt.datetime(2026, 12, 31, 16, 0, tzinfo=CLINIC_ZONE),
    "leap-day": dt.datetime(2028, 2, 29, 11, 0, tzinfo=CLINIC_ZONE),
}


def next_like_pinned_now(after: dt.datetime) -> dt.datetime:
    """The first instant after `after` on PINNED_NOW's weekday at its time of day."""
    day = after.astimezone(CLINIC_ZONE).date() + dt.timedelta(days=1)
    day += dt.timedelta(days=(PINNED_NOW.weekday() - day.weekday()) % 7)
    return dt.datetime.combine(day, PINNED_NOW.timetz())


across_awkward_instants = pytest.mark.parametrize(
    "clock", AWKWARD_INSTANTS.values(), ids=AWKWARD_INSTANTS.keys(), indirect=True
)
