"""The clinic's clock: its time zone, how its times are written, and which UTC instants
make up one of its local days. Everything that shows or groups times by the clinic's day
uses these, so the contact page, the booking page, emails and the front desk agree."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

# The project's TIME_ZONE is the clinic's (Jackson, Mississippi: America/Chicago).
CLINIC_TZ = ZoneInfo(settings.TIME_ZONE)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(CLINIC_TZ)


def local_day(moment: dt.datetime) -> dt.date:
    return local(moment).date()


def day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start, end) of one local day, in UTC. A daylight-saving change day is
    23 or 25 hours long, which adding 24 hours to midnight would get wrong."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=CLINIC_TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=CLINIC_TZ)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def format_time(moment: dt.datetime) -> str:
    """'9:30 AM' in the clinic's time."""
    moment = local(moment)
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def format_day(day: dt.date) -> str:
    """'Tue 2 Dec'."""
    return f"{day:%a} {day.day} {day:%b}"


def format_slot(moment: dt.datetime) -> str:
    """'Tue 2 Dec, 9:30 AM' in the clinic's time."""
    return f"{format_day(local_day(moment))}, {format_time(moment)}"
