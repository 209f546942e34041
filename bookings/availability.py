"""Which consultation times the clinic can offer.

Slots are generated in the clinic's local wall time (America/Chicago) from the weekly opening
hours, then turned into aware datetimes, so 9:00 stays 9:00 on both sides of a
daylight-saving change. A wall time that does not exist (the spring-forward gap) is skipped;
one that happens twice (the fall-back hour) is offered once.
"""

import datetime as dt
from collections.abc import Iterable
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from allure.base.models import Closure, OpeningHours

from .models import OPEN_STATUSES, BookingRules, ConsultationRequest


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _exists(local: dt.datetime) -> bool:
    """False for wall times inside a spring-forward gap."""
    utc = local.astimezone(dt.UTC)
    return utc.astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None)


def schedule_slots(
    *, start_day: dt.date, end_day: dt.date, consultation_minutes: int
) -> list[dt.datetime]:
    """Every slot start the weekly hours allow from start_day to end_day (both included),
    ignoring closures, notice and bookings."""
    zone = clinic_zone()
    length = dt.timedelta(minutes=consultation_minutes)
    # The shared copies the contact page reads too: refreshed on any change to hours/closures.
    periods: dict[int, list[OpeningHours]] = {}
    for hours in OpeningHours.cached():
        periods.setdefault(hours.weekday, []).append(hours)
    closures = [c for c in Closure.cached() if c.ends_on >= start_day and c.starts_on <= end_day]

    slots: set[dt.datetime] = set()
    day = start_day
    while day <= end_day:
        if not any(closure.covers(day) for closure in closures):
            for period in periods.get(day.weekday(), []):
                wall = dt.datetime.combine(day, period.opens)
                closes = dt.datetime.combine(day, period.closes)
                while wall + length <= closes:
                    local = wall.replace(tzinfo=zone, fold=0)
                    if _exists(local):
                        slots.add(local.astimezone(dt.UTC))
                    wall += length
        day += dt.timedelta(days=1)
    return sorted(slots)


def held_slot_starts(*, exclude_pk: int | None = None) -> set[dt.datetime]:
    held = ConsultationRequest.objects.filter(status__in=OPEN_STATUSES, slot_start__isnull=False)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    return set(held.values_list("slot_start", flat=True))


def available_slots(
    *,
    now: dt.datetime | None = None,
    rules: BookingRules | None = None,
    for_staff: bool = False,
    exclude_pk: int | None = None,
) -> list[dt.datetime]:
    """Free slot starts patients may choose now (staff: without the minimum notice).

    exclude_pk: the request being moved, whose own time counts as free to it.
    """
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    today = timezone.localtime(now, clinic_zone()).date()
    earliest = now if for_staff else now + dt.timedelta(hours=rules.minimum_notice_hours)
    slots = schedule_slots(
        start_day=today,
        end_day=today + dt.timedelta(days=rules.horizon_days),
        consultation_minutes=rules.consultation_minutes,
    )
    held = held_slot_starts(exclude_pk=exclude_pk)
    return [slot for slot in slots if slot >= earliest and slot not in held]


def is_available(start: dt.datetime, **kwargs) -> bool:
    return start in available_slots(**kwargs)


def slots_by_day(slots: Iterable[dt.datetime]) -> list[tuple[dt.date, list[dt.datetime]]]:
    """[(local day, [aware local slot starts...]), ...] in order."""
    zone = clinic_zone()
    local = [slot.astimezone(zone) for slot in slots]
    return [(day, list(group)) for day, group in groupby(local, key=lambda s: s.date())]


def format_slot(start: dt.datetime) -> str:
    """'Tue 2 Dec, 9:30 AM' in the clinic's time."""
    local = start.astimezone(clinic_zone())
    return f"{format_day(local.date())}, {format_time(local)}"


def format_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def format_time(local: dt.datetime) -> str:
    return f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
