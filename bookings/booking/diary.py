"""What the booking page shows for a patient's choices so far: the procedures, who does the
chosen one, a week of days with how many times are free, and the chosen day's times.

A read, built from the address (`?procedure=…&provider=…&day=…` or `&week=…`), so every
state of the page is a plain link: it works without JavaScript, survives the back button
and can be bookmarked. Free times are computed for the week shown only.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from allure.base.clinic.clinic_time import format_day, format_time, local_day
from bookings.models import ConsultationType, Provider, payments_online
from bookings.schedule import availability
from bookings.schedule.catalogue import FIRST_AVAILABLE, catalogue
from bookings.schedule.slots import Slot
from procedures.models import ProcedureCategory, ProcedurePage


@dataclass(frozen=True)
class Day:
    date: dt.date
    free: int
    url: str
    chosen: bool
    bookable: bool  # inside today … horizon

    @property
    def label(self) -> str:
        return format_day(self.date)

    # Written here rather than by the template's date filter, a tenth of the work per day.
    @property
    def short_name(self) -> str:
        return f"{self.date:%a}"  # Mon

    @property
    def long_label(self) -> str:
        return long_day(self.date)


@dataclass(frozen=True)
class Time:
    value: str  # what the form posts
    label: str
    provider: Provider


@dataclass
class Diary:
    page_url: str  # this page's own address, which its forms send to
    procedure_groups: list[tuple[str, list[ProcedurePage]]]
    procedure: ProcedurePage | None = None
    providers: list[Provider] = field(default_factory=list)
    provider: Provider | None = None  # None: the first available
    consultation_type: ConsultationType | None = None
    length: availability.Length | None = None
    days: list[Day] = field(default_factory=list)
    day: dt.date | None = None
    times: list[Time] = field(default_factory=list)
    previous_week_url: str | None = None
    next_week_url: str | None = None
    # Said before the patient starts, when the consultation takes a fee or a card: the terms
    # and the cancellation policy they accept on the form.
    payment_terms: str = ""
    change_policy: str = ""
    pays_online: bool = False

    @property
    def provider_value(self) -> str:
        return str(self.provider.pk) if self.provider else FIRST_AVAILABLE

    @property
    def says_who(self) -> bool:
        """Whether each time names its provider: the patient left it to the first available
        and more than one could."""
        return not self.provider and len(self.providers) > 1

    @property
    def day_label(self) -> str:
        return format_day(self.day) if self.day else ""

    @property
    def day_long_label(self) -> str:
        return long_day(self.day) if self.day else ""

    @property
    def week_label(self) -> str:
        if not self.days:
            return ""
        first, last = self.days[0].date, self.days[-1].date
        return f"{format_day(first)} – {format_day(last)}"


def long_day(day: dt.date) -> str:
    """'Monday 7 December'."""
    return f"{day:%A} {day.day} {day:%B}"


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def page_urls(page_url: str, procedure: ProcedurePage, provider_value: str):
    """A function making this page's addresses for a day or a week, for these choices (the
    common part worked out once: a page has nine). An ISO date needs no quoting."""
    prefix = f"{page_url}?{urlencode({'procedure': procedure.slug, 'provider': provider_value})}"

    def url(when: str, date: dt.date) -> str:
        return f"{prefix}&{when}={date.isoformat()}#booking-days"

    return url


def booking_diary(
    *,
    procedure_slug: str | None,
    provider_value: str | None,
    day_value: str | None = None,
    week_value: str | None = None,
    chosen_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Diary:
    """The page for these choices. Unknown or unsuitable choices fall back quietly (a
    provider who does not do the procedure becomes "first available"): every address
    shows a usable page. chosen_start: a posted time, whose day is shown again."""
    now = now or timezone.now()
    # The procedures, providers, consultation types and rules: one shared fragment.
    known = catalogue()
    procedures = known.procedures
    diary = Diary(
        page_url=reverse("bookings:request"),
        procedure_groups=[
            (label, group)
            for value, label in ProcedureCategory.choices
            if (group := [p for p in procedures if p.category == value])
        ],
    )
    diary.procedure = known.procedure(procedure_slug)
    if diary.procedure is None:
        return diary
    diary.providers = availability.providers_for([diary.procedure])
    diary.provider = next((p for p in diary.providers if str(p.pk) == provider_value), None)
    rules = known.rules
    diary.consultation_type = availability.consultation_type_for([diary.procedure])
    diary.length = availability.length_of(diary.consultation_type, rules)
    if diary.consultation_type and diary.consultation_type.takes_payment:
        diary.payment_terms = diary.consultation_type.payment_terms(
            late_change_hours=rules.late_change_hours
        )
        diary.change_policy = rules.change_policy
        diary.pays_online = payments_online()
    providers = [diary.provider] if diary.provider else diary.providers

    today = local_day(now)
    last_day = today + dt.timedelta(days=rules.horizon_days)
    wanted_day = local_day(chosen_start) if chosen_start else _parse_date(day_value)
    if wanted_day and not today <= wanted_day <= last_day:
        wanted_day = None
    wanted_week = _parse_date(week_value)
    week = _monday(wanted_day or wanted_week or today)
    week = min(max(week, _monday(today)), _monday(last_day))

    def times_from(first, last):
        found, _ = availability.free_times(
            providers=providers,
            length=diary.length,
            start_day=first,
            end_day=last,
            now=now,
            rules=rules,
        )
        return found

    first_visit = wanted_day is None and wanted_week is None
    if first_visit:
        # A first visit shows the first week with a free time: usually this one, else (a
        # weekend, or a full week) the next. Both are looked at in one pass (one query);
        # only if neither has a time is the rest of the horizon.
        found = times_from(week, week + dt.timedelta(days=13))
        if not found:
            found = times_from(week + dt.timedelta(days=14), last_day)
        if found:
            week = _monday(found[0].day)
            found = [f for f in found if week <= f.day < week + dt.timedelta(days=7)]
    else:
        found = times_from(week, week + dt.timedelta(days=6))
    by_day: dict[dt.date, list[availability.FreeTime]] = {}
    for free in found:
        by_day.setdefault(free.day, []).append(free)

    if wanted_day and week <= wanted_day < week + dt.timedelta(days=7):
        diary.day = wanted_day
    else:
        diary.day = min(by_day, default=None)
    url = page_urls(diary.page_url, diary.procedure, diary.provider_value)
    diary.days = [
        Day(
            date=date,
            free=len(by_day.get(date, [])),
            url=url("day", date),
            chosen=date == diary.day,
            bookable=today <= date <= last_day,
        )
        for date in (week + dt.timedelta(days=n) for n in range(7))
    ]
    diary.times = [
        Time(value=Slot(free.start).encode(), label=format_time(free.start), provider=free.provider)
        for free in by_day.get(diary.day, [])
    ]
    if week > _monday(today):
        diary.previous_week_url = url("week", week - dt.timedelta(days=7))
    if week + dt.timedelta(days=7) <= last_day:
        diary.next_week_url = url("week", week + dt.timedelta(days=7))
    return diary
