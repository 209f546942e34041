"""Is the clinic open right now? Computed in the clinic's own time zone, respecting closures.

Kept apart from the views and fed an explicit `now`, so it can be tested with fixed times and
so a cached page can later fetch this one fragment fresh.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from allure.base.clinic.clinic_time import CLINIC_TZ, format_time
from allure.base.models import Weekday

LOOKAHEAD_DAYS = 31  # long enough to see past any realistic holiday closure


@dataclass(frozen=True)
class ClinicStatus:
    is_open: bool
    closes_at: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    closed_for: str = ""  # the closure's reason when a closure is why it is shut today
    now: dt.datetime | None = None

    @property
    def message(self) -> str:
        if self.is_open:
            return f"Open now · closes at {format_time(self.closes_at)}"
        reason = f"Closed today for {self.closed_for}" if self.closed_for else "Closed now"
        if self.next_opening is None:
            return reason
        opens = f"{_day(self.next_opening, self.now)} at {format_time(self.next_opening)}"
        return f"{reason} · opens {opens}"


def _day(moment: dt.datetime, now: dt.datetime) -> str:
    days_ahead = (moment.date() - now.date()).days
    if days_ahead == 0:
        return "today"
    if days_ahead == 1:
        return "tomorrow"
    return moment.strftime("%A") if days_ahead < 7 else moment.strftime("%A, %B %-d")


def clinic_status(now: dt.datetime, hours: Iterable, closures: Iterable) -> ClinicStatus:
    """`hours` are OpeningHours rows, `closures` Closure rows; `now` must be timezone-aware."""
    local_now = now.astimezone(CLINIC_TZ)
    hours, closures = list(hours), list(closures)

    def closure_on(day):
        return next((closure for closure in closures if closure.covers(day)), None)

    def periods_on(day):
        if closure_on(day):
            return []
        return sorted(
            (
                dt.datetime.combine(day, p.opens, CLINIC_TZ),
                dt.datetime.combine(day, p.closes, CLINIC_TZ),
            )
            for p in hours
            if p.weekday == day.weekday()
        )

    today = local_now.date()
    for opens, closes in periods_on(today):
        if opens <= local_now < closes:
            return ClinicStatus(is_open=True, closes_at=closes, now=local_now)

    today_closure = closure_on(today)
    for offset in range(LOOKAHEAD_DAYS):
        for opens, _closes in periods_on(today + dt.timedelta(days=offset)):
            if opens > local_now:
                return ClinicStatus(
                    is_open=False,
                    next_opening=opens,
                    closed_for=today_closure.reason if today_closure else "",
                    now=local_now,
                )
    return ClinicStatus(
        is_open=False, closed_for=today_closure.reason if today_closure else "", now=local_now
    )


def weekly_hours(hours: Iterable) -> list[tuple[str, list]]:
    """Every weekday with its opening periods (empty means closed), Monday first."""
    hours = list(hours)
    return [(label, [p for p in hours if p.weekday == value]) for value, label in Weekday.choices]
