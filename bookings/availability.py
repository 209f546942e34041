"""Which consultation times the clinic can offer.

Slots are generated in the clinic's local wall time (America/Chicago) from the weekly opening
hours, then turned into aware datetimes, so 9:00 stays 9:00 on both sides of a
daylight-saving change. A wall time that does not exist (the spring-forward gap) is skipped;
one that happens twice (the fall-back hour) is offered once.
"""

import datetime as dt
from collections.abc import Iterable
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils import timezone

from allure.base.clinic_time import CLINIC_TZ, local_day
from allure.base.models import Closure, OpeningHours

from .models import OPEN_STATUSES, BookingRules, ConsultationRequest


class TimeTaken(Exception):
    """Another open request holds that time."""

    message = "Sorry, that time was just taken. Please choose another time."


class TimeUnavailable(ValidationError):
    """The time is outside the hours offered, too soon, too far ahead or not a slot start."""


def _exists(local: dt.datetime) -> bool:
    """False for wall times inside a spring-forward gap."""
    utc = local.astimezone(dt.UTC)
    return utc.astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None)


def schedule_slots(
    *, start_day: dt.date, end_day: dt.date, consultation_minutes: int
) -> list[dt.datetime]:
    """Every slot start the weekly hours allow from start_day to end_day (both included),
    ignoring closures, notice and bookings."""
    zone = CLINIC_TZ
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
    today = local_day(now)
    earliest = now if for_staff else now + dt.timedelta(hours=rules.minimum_notice_hours)
    slots = schedule_slots(
        start_day=today,
        end_day=today + dt.timedelta(days=rules.horizon_days),
        consultation_minutes=rules.consultation_minutes,
    )
    held = held_slot_starts(exclude_pk=exclude_pk)
    return [slot for slot in slots if slot >= earliest and slot not in held]


def check_time(
    start: dt.datetime,
    *,
    now: dt.datetime | None = None,
    rules: BookingRules | None = None,
    for_staff: bool = False,
    exclude_pk: int | None = None,
) -> None:
    """The one rule for whether `start` can be held: by a patient (minimum notice applies)
    or by staff (only not in the past); exclude_pk is the request being moved, whose own time
    counts as free to it. Raises TimeUnavailable or TimeTaken; returns None when it can.

    Only that day's schedule is built, so a check costs one day, not the whole horizon. The
    database has the last word on a race (see the constraint on ConsultationRequest)."""
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    today = local_day(now)
    day = local_day(start)
    earliest = now if for_staff else now + dt.timedelta(hours=rules.minimum_notice_hours)
    in_horizon = today <= day <= today + dt.timedelta(days=rules.horizon_days)
    if not in_horizon or start < earliest:
        raise TimeUnavailable("That time is not available any more.", code="too_soon_or_far")
    slots = schedule_slots(
        start_day=day, end_day=day, consultation_minutes=rules.consultation_minutes
    )
    if start not in slots:
        raise TimeUnavailable("That time is not available any more.", code="not_offered")
    if start in held_slot_starts(exclude_pk=exclude_pk):
        raise TimeTaken


def slots_by_day(slots: Iterable[dt.datetime]) -> list[tuple[dt.date, list[dt.datetime]]]:
    """[(local day, [aware local slot starts...]), ...] in order."""
    local = [slot.astimezone(CLINIC_TZ) for slot in slots]
    return [(day, list(group)) for day, group in groupby(local, key=lambda s: s.date())]
