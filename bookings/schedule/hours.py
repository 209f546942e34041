"""When each provider works, and which starts their weekly hours allow.

A provider works inside the clinic's weekly opening hours, narrowed by their own weekly
hours (none: whenever the clinic is open), except on the clinic's closures and their own days
away. Starts are generated in the clinic's local wall time (America/Chicago), then turned into
aware datetimes, so 9:00 stays 9:00 on both sides of a daylight-saving change. A wall time
that does not exist (the spring-forward gap) is skipped; one that happens twice (the
fall-back hour) is offered once.
"""

import datetime as dt

from allure.base.clinic.clinic_time import CLINIC_TZ
from bookings.models import Provider
from bookings.schedule.catalogue import catalogue


def _periods(own, day: dt.date, clinic_hours, clinic_closures):
    """A provider's working periods on one local day, as (start, end) wall times.
    clinic_hours: {weekday: [(opens, closes), ...]}; own: the provider's `_own_week`
    (None: the clinic's hours, as for no provider)."""
    if any(closure.covers(day) for closure in clinic_closures):
        return []
    clinic = clinic_hours.get(day.weekday(), [])
    if own is None:
        return clinic
    hours, closures = own
    if any(closure.covers(day) for closure in closures):
        return []
    if hours is None:
        return clinic
    return [
        (max(opens, starts), min(closes, ends))
        for opens, closes in clinic
        for starts, ends in hours.get(day.weekday(), ())
        if max(opens, starts) < min(closes, ends)
    ]


def _own_week(provider: Provider | None):
    """(hours by weekday, or None when they work whenever the clinic is open; days away),
    read once per look rather than once per day."""
    if provider is None:
        return None
    hours: dict[int, list[tuple[dt.time, dt.time]]] | None = None
    for h in provider.hours.all():
        hours = hours if hours is not None else {}
        hours.setdefault(h.weekday, []).append((h.starts, h.ends))
    return hours, list(provider.closures.all())


def clinic_calendar(start_day: dt.date, end_day: dt.date):
    """The clinic's weekly hours by weekday and its closures touching the days (from the
    catalogue, rebuilt on any change to hours or closures)."""
    known = catalogue()
    closures = [c for c in known.closures if c.ends_on >= start_day and c.starts_on <= end_day]
    return known.clinic_hours, closures


def _to_utc(day: dt.date):
    """A function turning that local day's wall times into UTC instants (None for a wall
    time inside a spring-forward gap; the first of a fall-back hour's two). On the 363 days
    without a change it is one subtraction."""
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=CLINIC_TZ)
    offset = midnight.utcoffset()
    if (midnight + dt.timedelta(days=1)).utcoffset() == offset:
        return lambda wall: (wall - offset).replace(tzinfo=dt.UTC)

    def changing(wall: dt.datetime) -> dt.datetime | None:
        local = wall.replace(tzinfo=CLINIC_TZ, fold=0)
        utc = local.astimezone(dt.UTC)
        exists = utc.astimezone(CLINIC_TZ).replace(tzinfo=None) == wall
        return utc if exists else None

    return changing


def allowed_starts(provider, start_day, end_day, step, held, clinic_hours, closures):
    """Yield (local day, start in UTC) for every start the weekly hours allow the provider,
    in order per day."""
    own = _own_week(provider)
    day = start_day
    one_day = dt.timedelta(days=1)
    while day <= end_day:
        periods = _periods(own, day, clinic_hours, closures)
        if periods:
            to_utc = _to_utc(day)
            for opens, closes in periods:
                wall = dt.datetime.combine(day, opens)
                closes_at = dt.datetime.combine(day, closes)
                while wall + held <= closes_at:
                    if (utc := to_utc(wall)) is not None:
                        yield day, utc
                    wall += step
        day += one_day


def working_periods(provider: Provider | None, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The periods a provider works on one local day (None: the clinic's opening periods),
    as (start, end) wall times: empty on a clinic closure or their day away. What the front
    desk's calendar shows as their hours, by the same rule that offers times."""
    clinic_hours, closures = clinic_calendar(day, day)
    return sorted(_periods(_own_week(provider), day, clinic_hours, closures))
