"""What the front desk's calendar shows, and each provider's private calendar feed.

A day or a week, per provider or for all of them: the requests holding a time (held: new or
contacted; confirmed: scheduled) by reference, time and procedure group; the clinic's
closures; each provider's hours and days away; and their free times. Hours come from
`schedule.hours` and free times from `schedule.availability` (the one rule that offers
times), never worked out again here.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from allure.base.clinic import clinic_time
from allure.base.models import Closure
from bookings.frontdesk import selectors
from bookings.messages.calendar_files import consultation_event, new_calendar
from bookings.models import (
    OPEN_STATUSES,
    ConsultationRequest,
    Provider,
    ProviderClosure,
    ProviderHours,
)
from bookings.models import ConsultationStatus as S
from bookings.schedule import availability
from bookings.schedule.catalogue import catalogue
from bookings.schedule.hours import working_periods
from procedures.models import ProcedureCategory

# How a request's status reads on the calendar: in words, never by colour alone.
STATUS_LABELS = {
    S.NEW: "Held, not called yet",
    S.CONTACTED: "Held, called",
    S.SCHEDULED: "Confirmed",
}
# How far back a provider's feed reaches: enough to look up last week's consultations.
FEED_DAYS_BACK = 30


def procedure_group(consultation: ConsultationRequest) -> str:
    """The request's procedure groups ("Face", "Injectables"), never the procedures: the
    calendar and the feed say no more than the kind of consultation. Needs `procedures`
    prefetched."""
    categories = sorted({p.category for p in consultation.procedures.all()})
    if not categories and consultation.consultation_type:
        categories = [consultation.consultation_type.category]
    labels = dict(ProcedureCategory.choices)
    return ", ".join(str(labels.get(c, c)) for c in categories) or "Consultation"


@dataclass
class Entry:
    """A request on the calendar."""

    consultation: ConsultationRequest
    group: str

    @property
    def start(self) -> str:
        return clinic_time.format_time(self.consultation.slot_start)

    @property
    def end(self) -> str:
        return clinic_time.format_time(self.consultation.consultation_end)

    @property
    def confirmed(self) -> bool:
        return self.consultation.status == S.SCHEDULED

    @property
    def status(self) -> str:
        return STATUS_LABELS.get(self.consultation.status, self.consultation.get_status_display())

    @property
    def procedures(self) -> str:
        return ", ".join(p.title for p in self.consultation.procedures.all())


@dataclass
class Period:
    start: dt.datetime | dt.time
    end: dt.datetime | dt.time

    def __str__(self):
        def fmt(moment):
            if isinstance(moment, dt.time):
                moment = dt.datetime.combine(dt.date(2000, 1, 3), moment)
                return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
            return clinic_time.format_time(moment)

        return f"{fmt(self.start)}–{fmt(self.end)}"


@dataclass
class ProviderDay:
    provider: Provider
    hours: list[Period]
    away: ProviderClosure | None
    entries: list[Entry] = field(default_factory=list)
    free: list[Period] = field(default_factory=list)
    free_count: int = 0


@dataclass
class CalendarDay:
    day: dt.date
    is_today: bool
    closure: Closure | None
    clinic_hours: list[Period]
    providers: list[ProviderDay]

    @property
    def label(self) -> str:
        return f"{self.day:%A} {self.day.day} {self.day:%B}"

    @property
    def entries(self) -> list[tuple[ProviderDay, Entry]]:
        """Every request of the day in time order (the printable list)."""
        pairs = [(p, e) for p in self.providers for e in p.entries]
        return sorted(pairs, key=lambda pe: (pe[1].consultation.slot_start, pe[0].provider.name))


def calendar_providers(
    only: Provider | None = None, *, first_day: dt.date, days: int
) -> list[Provider]:
    """Every bookable clinician's diary, and any other who still has requests holding a time
    in those days (their bookings stay when they stop taking new ones); or just `only`.
    With their hours and days away."""
    providers = Provider.objects.select_related("clinician").prefetch_related(
        Prefetch("hours", queryset=ProviderHours.objects.all()),
        Prefetch("closures", queryset=ProviderClosure.objects.all()),
    )
    if only:
        providers = providers.filter(pk=only.pk)
    else:
        start, _ = clinic_time.day_range(first_day)
        _, end = clinic_time.day_range(first_day + dt.timedelta(days=days - 1))
        busy = ConsultationRequest.objects.filter(
            status__in=OPEN_STATUSES, slot_start__lt=end, slot_end__gt=start
        ).values("provider_id")
        providers = providers.filter(Q(clinician__bookable=True) | Q(pk__in=busy))
    return list(providers.order_by("clinician__sort_order", "clinician__name"))


def _runs(starts: list[dt.datetime], step: dt.timedelta) -> list[Period]:
    """Free starts joined into periods ("9:00 AM–11:00 AM"), each ending when its last
    consultation of the standard length would."""
    runs: list[Period] = []
    for start in starts:
        if runs and runs[-1].end == start:
            runs[-1].end = start + step
        else:
            runs.append(Period(start, start + step))
    return runs


def build(
    *, first_day: dt.date, days: int, providers: Sequence[Provider], now: dt.datetime
) -> list[CalendarDay]:
    """The calendar from first_day for `days` days. A fixed number of queries whatever the
    number of requests: the requests in one query (with their procedures), and one per
    provider for the times they hold (free_times)."""
    last_day = first_day + dt.timedelta(days=days - 1)
    start, _ = clinic_time.day_range(first_day)
    _, end = clinic_time.day_range(last_day)
    today = clinic_time.local_day(now)
    rules = catalogue().rules
    # Free time is shown for a consultation of the standard length at the standard
    # interval: a longer consultation type may not fit in every one.
    length = availability.length_of(None, rules)
    step = dt.timedelta(minutes=rules.consultation_minutes)

    by_provider_day: dict[tuple[int, dt.date], list[Entry]] = {}
    for consultation in selectors.calendar_requests(start=start, end=end, providers=providers):
        key = (consultation.provider_id, clinic_time.local_day(consultation.slot_start))
        by_provider_day.setdefault(key, []).append(
            Entry(consultation, procedure_group(consultation))
        )

    free_by_provider_day: dict[tuple[int, dt.date], list[dt.datetime]] = {}
    for provider in providers:
        found, _ = availability.free_times(
            providers=[provider],
            length=length,
            start_day=first_day,
            end_day=last_day,
            now=now,
            rules=rules,
            for_staff=True,
        )
        for free in found:
            key = (provider.pk, clinic_time.local_day(free.start))
            free_by_provider_day.setdefault(key, []).append(free.start)

    closures = Closure.cached()
    calendar = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        closure = next((c for c in closures if c.covers(day)), None)
        rows = []
        for provider in providers:
            away = next((c for c in provider.closures.all() if c.covers(day)), None)
            hours = [Period(s, e) for s, e in working_periods(provider, day)]
            free = free_by_provider_day.get((provider.pk, day), [])
            rows.append(
                ProviderDay(
                    provider=provider,
                    hours=hours,
                    away=away,
                    entries=by_provider_day.get((provider.pk, day), []),
                    free=_runs(free, step),
                    free_count=len(free),
                )
            )
        clinic_hours = [Period(s, e) for s, e in working_periods(None, day)]
        calendar.append(CalendarDay(day, day == today, closure, clinic_hours, rows))
    return calendar


def feed(provider: Provider, *, now: dt.datetime) -> bytes:
    """The provider's private feed: each request holding a time with them, by reference,
    procedure group and time only. No name, email, phone or message: the address is a
    secret, but it lives in a phone's calendar app and may leak. Closed requests (cancelled,
    declined, expired...) are simply absent, so calendars drop them on their next refresh."""
    calendar = new_calendar(x_wr_calname="Allure Plastics consultations", x_published_ttl="PT15M")
    # How often a calendar app should fetch it again (RFC 7986).
    calendar.add("refresh-interval", dt.timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    since = now - dt.timedelta(days=FEED_DAYS_BACK)
    for consultation in selectors.calendar_requests(start=since, end=None, providers=[provider]):
        confirmed = consultation.status == S.SCHEDULED
        group = procedure_group(consultation)
        calendar.add_component(
            consultation_event(
                consultation,
                stamp=consultation.updated_at,
                summary=f"{consultation.reference} · {group}",
                description=f"{STATUS_LABELS[consultation.status]}. Reference "
                f"{consultation.reference}; the details are in the admin.",
                status="CONFIRMED" if confirmed else "TENTATIVE",
            )
        )
    return calendar.to_ical()
