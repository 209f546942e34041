"""Which consultation times the clinic can offer, and the one rule for holding one.

Candidate starts step through each provider's working periods (`hours`) at
`BookingRules.consultation_minutes` from each period's start; a start is offered when the
consultation and its buffer fit in the period, it meets the notice and horizon, and the
provider holds nothing overlapping it.
"""

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, groupby

from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, IntegerField, Q, Value
from django.utils import timezone

from allure.base.clinic.clinic_time import CLINIC_TZ, day_range, local_day
from bookings.models import (
    OPEN_STATUSES,
    BookingRules,
    ConsultationRequest,
    ConsultationType,
    Provider,
)
from bookings.schedule import hours
from bookings.schedule.catalogue import catalogue


class TimeTaken(Exception):
    """Another open request holds the provider (every eligible provider) at that time."""

    message = "Sorry, that time was just taken. Please choose another time."


class TimeUnavailable(ValidationError):
    """Outside the hours offered, too soon, too far ahead, or not a time we offer."""


@dataclass(frozen=True)
class Length:
    """How long a booking keeps its provider busy: the consultation, then its buffer."""

    minutes: int
    buffer_minutes: int = 0

    @property
    def held(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes + self.buffer_minutes)


def length_of(consultation_type: ConsultationType | None, rules: BookingRules) -> Length:
    if consultation_type is None:
        return Length(rules.consultation_minutes)
    return Length(consultation_type.minutes, consultation_type.buffer_minutes)


def consultation_type_for(procedures: Iterable) -> ConsultationType | None:
    """The longest consultation any of the chosen procedures needs (None: the default
    length from the booking rules)."""
    types = catalogue().types
    found = [types[p.category] for p in procedures if p.category in types]
    return max(found, key=lambda t: (t.minutes + t.buffer_minutes, t.pk), default=None)


def providers_for(procedures: Iterable = (), *, only: Provider | None = None) -> list[Provider]:
    """Active providers who consult on every one of `procedures` (all active ones when
    empty; just `only` when given), in "first available" order, with their hours and days
    away (from the shared catalogue: no query once it is warm)."""
    wanted = {procedure.pk for procedure in procedures}
    return [
        provider
        for provider in catalogue().providers
        if (only is None or provider.pk == only.pk) and wanted <= provider.procedure_ids
    ]


def length_held_by(consultation: ConsultationRequest, rules: BookingRules) -> Length:
    """How long a request being moved keeps its provider busy: its type's length, or the
    length it already holds (requests from before consultation types)."""
    if consultation.consultation_type:
        return length_of(consultation.consultation_type, rules)
    if consultation.slot_start and consultation.slot_end:
        minutes = (consultation.slot_end - consultation.slot_start).total_seconds() // 60
        return Length(int(minutes))
    return length_of(None, rules)


def providers_of(consultation: ConsultationRequest) -> list[Provider]:
    """Who a request can be moved to: its provider, or for a request left to "first
    available" every provider who does its procedures."""
    if consultation.provider_id:
        return providers_for(only=consultation.provider)
    return providers_for(consultation.procedures.all())


def times_for(
    consultation: ConsultationRequest, *, for_staff: bool, now: dt.datetime | None = None
) -> list[dt.datetime]:
    """The free starts a request could move to (its own time counts as free to it)."""
    rules = catalogue().rules
    return available_slots(
        now=now,
        rules=rules,
        for_staff=for_staff,
        exclude_pk=consultation.pk,
        providers=providers_of(consultation),
        length=length_held_by(consultation, rules),
    )


def schedule_slots(
    *,
    start_day: dt.date,
    end_day: dt.date,
    consultation_minutes: int,
    provider: Provider | None = None,
    length: Length | None = None,
) -> list[dt.datetime]:
    """Every start the weekly hours allow from start_day to end_day (both included),
    ignoring notice and bookings; stepping by consultation_minutes, each with room for
    `length` (default: one step) before the period ends."""
    clinic_hours, closures = hours.clinic_calendar(start_day, end_day)
    step = dt.timedelta(minutes=consultation_minutes)
    held = (length or Length(consultation_minutes)).held
    starts = hours.allowed_starts(provider, start_day, end_day, step, held, clinic_hours, closures)
    return sorted({start for _day, start in starts})


HeldRanges = dict[int, list[tuple[dt.datetime, dt.datetime]]]


def _held(providers, start, end):
    """The open requests of these providers overlapping [start, end), as (provider id,
    start, end) rows."""
    return (
        ConsultationRequest.objects.filter(
            status__in=OPEN_STATUSES,
            provider__in=[p.pk for p in providers],
            slot_start__lt=end,
            slot_end__gt=start,
        )
        .order_by()  # callers sort what they need; a part of a UNION may have no ORDER BY
        .values_list("provider_id", "slot_start", "slot_end")
    )


def open_requests(*, email: str, phone: str):
    """The open requests an email address (in any case) or a phone number holds."""
    return ConsultationRequest.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(email__iexact=email) | Q(phone=phone)
    )


def _held_ranges(providers, start, end, exclude_pk) -> HeldRanges:
    """{provider pk: [(start, end), ...]} of open requests overlapping [start, end)."""
    if not providers:
        return {}
    rows = _held(providers, start, end)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    ranges: HeldRanges = {}
    for provider_id, held_start, held_end in rows:
        ranges.setdefault(provider_id, []).append((held_start, held_end))
    return ranges


def held_and_open_requests(
    start: dt.datetime, *, providers: Sequence[Provider], length: Length, email: str, phone: str
) -> tuple[HeldRanges, int]:
    """What check_time(start, ...) reads (the times held on start's day), and how many open
    requests the email address or phone number holds, in one round trip (a UNION ALL: a
    new booking's two reads; each open request is a row of NULLs, which a held time, always
    with its provider, cannot be). Pass the first as check_time's `held`."""
    window_start, window_end = _held_window(local_day(start), local_day(start), length)
    nothing = Value(None, output_field=DateTimeField())
    patients = (
        open_requests(email=email, phone=phone)
        .order_by()
        .values_list(Value(None, output_field=IntegerField()), nothing, nothing)
    )
    # The model's default ordering would order the union by a column it does not have.
    rows = _held(providers, window_start, window_end).union(patients, all=True).order_by()
    ranges: HeldRanges = {}
    count = 0
    for provider_id, held_start, held_end in rows:
        if provider_id is None:
            count += 1
        else:
            ranges.setdefault(provider_id, []).append((held_start, held_end))
    return ranges, count


def _held_window(start_day: dt.date, end_day: dt.date, length: Length):
    """Held times matter from the first day's start to the last day's end plus the time a
    consultation holds (one starting at the last moment holds past midnight)."""
    range_start, _ = day_range(start_day)
    _, range_end = day_range(end_day)
    return range_start, range_end + length.held


def _overlap_test(ranges: list[tuple[dt.datetime, dt.datetime]]):
    """A function telling whether [start, end) overlaps any of `ranges`, in O(log n): the
    ranges sorted by start, with the latest end among each prefix (exact however the
    ranges overlap one another)."""
    if not ranges:
        return lambda start, end: False
    ranges = sorted(ranges)
    starts = [s for s, _ in ranges]
    latest_end = list(accumulate((e for _, e in ranges), max))

    def overlaps(start: dt.datetime, end: dt.datetime) -> bool:
        before = bisect_left(starts, end)  # ranges starting before `end`
        return before > 0 and latest_end[before - 1] > start

    return overlaps


@dataclass(frozen=True)
class FreeTime:
    start: dt.datetime
    provider: Provider
    day: dt.date  # the clinic's local day of `start`


def free_times(
    *,
    providers: Sequence[Provider],
    length: Length,
    start_day: dt.date,
    end_day: dt.date,
    now: dt.datetime,
    rules: BookingRules,
    for_staff: bool = False,
    exclude_pk: int | None = None,
    only: dt.datetime | None = None,
    held: HeldRanges | None = None,
) -> tuple[list[FreeTime], bool]:
    """The free starts from start_day to end_day, each with the first provider (in the
    given order) free then. Also returns whether any start was left out only because it
    was held (so a refusal can say "taken" rather than "not offered").

    only: look at this one start (the check for a booking). held: the times held, already
    read (held_and_open_requests) for these providers and days."""
    earliest = now if for_staff else now + dt.timedelta(hours=rules.minimum_notice_hours)
    today = local_day(now)
    start_day = max(start_day, today)
    end_day = min(end_day, today + dt.timedelta(days=rules.horizon_days))
    if start_day > end_day or not providers:
        return [], False
    if held is None:
        held = _held_ranges(providers, *_held_window(start_day, end_day, length), exclude_pk)
    first_free: dict[dt.datetime, tuple[Provider, dt.date]] = {}
    any_held = False
    clinic_hours, closures = hours.clinic_calendar(start_day, end_day)
    step = dt.timedelta(minutes=rules.consultation_minutes)
    length_held = length.held
    for provider in providers:
        overlaps = _overlap_test(held.get(provider.pk, []))
        for day, start in hours.allowed_starts(
            provider, start_day, end_day, step, length_held, clinic_hours, closures
        ):
            if start < earliest or (only is not None and start != only) or start in first_free:
                continue
            if overlaps(start, start + length_held):
                any_held = True
                continue
            first_free[start] = provider, day
    return [FreeTime(start, *first_free[start]) for start in sorted(first_free)], any_held


def check_time(
    start: dt.datetime,
    *,
    providers: Sequence[Provider],
    length: Length,
    now: dt.datetime | None = None,
    rules: BookingRules | None = None,
    for_staff: bool = False,
    exclude_pk: int | None = None,
    held: HeldRanges | None = None,
) -> Provider:
    """The one rule for whether `start` can be held, and with whom: the first of `providers`
    (one, or every eligible one for "first available") free for `length` from `start`. For a
    patient the minimum notice applies; for staff only "not in the past". exclude_pk is the
    request being moved, whose own time counts as free to it. held: the times held that day,
    already read by held_and_open_requests. Raises TimeUnavailable or TimeTaken.

    Only that day is looked at. The database has the last word on a race (the overlap rule
    on ConsultationRequest)."""
    now = now or timezone.now()
    rules = rules or catalogue().rules
    day = local_day(start)
    found, any_held = free_times(
        providers=providers,
        length=length,
        start_day=day,
        end_day=day,
        now=now,
        rules=rules,
        for_staff=for_staff,
        exclude_pk=exclude_pk,
        only=start,
        held=held,
    )
    if found:
        return found[0].provider
    if any_held:
        raise TimeTaken
    raise TimeUnavailable("That time is not available any more.", code="not_offered")


def available_slots(
    *,
    now: dt.datetime | None = None,
    rules: BookingRules | None = None,
    for_staff: bool = False,
    exclude_pk: int | None = None,
    providers: Sequence[Provider] | None = None,
    length: Length | None = None,
    procedures: Sequence | None = None,
) -> list[dt.datetime]:
    """Free starts over the whole horizon with any of `providers` (default: every active
    one, or those who do `procedures`) for `length` (default: the consultation type of
    `procedures`, else the booking rules' consultation length)."""
    now = now or timezone.now()
    rules = rules or catalogue().rules
    if procedures is not None:
        providers = providers_for(procedures) if providers is None else providers
        length = length or length_of(consultation_type_for(procedures), rules)
    today = local_day(now)
    found, _ = free_times(
        providers=providers_for() if providers is None else providers,
        length=length or length_of(None, rules),
        start_day=today,
        end_day=today + dt.timedelta(days=rules.horizon_days),
        now=now,
        rules=rules,
        for_staff=for_staff,
        exclude_pk=exclude_pk,
    )
    return [free.start for free in found]


def slots_by_day(slots: Iterable[dt.datetime]) -> list[tuple[dt.date, list[dt.datetime]]]:
    """[(local day, [aware local slot starts...]), ...] in order."""
    local = [slot.astimezone(CLINIC_TZ) for slot in slots]
    return [(day, list(group)) for day, group in groupby(local, key=lambda s: s.date())]
