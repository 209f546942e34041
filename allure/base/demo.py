"""The clinic's demo facts, the one source of them: settings, financing lenders, weekly hours
and holidays.
Plus the two helpers every app's demo builder uses. Idempotent, like every demo builder:
what exists (an editor's change included) is left as it is; only what is missing is made."""

import datetime as dt

from django.utils import timezone

from allure.base.models import ClinicSettings, Closure, FinancingLender, OpeningHours, Weekday

WEEKLY_HOURS = [
    (Weekday.MONDAY, dt.time(8), dt.time(17)),
    (Weekday.TUESDAY, dt.time(8), dt.time(17)),
    (Weekday.WEDNESDAY, dt.time(8), dt.time(17)),
    (Weekday.THURSDAY, dt.time(8), dt.time(17)),
    (Weekday.FRIDAY, dt.time(8), dt.time(13)),
]


# The lenders the demo clinic accepts, described without promises: approval is theirs.
DEMO_LENDERS = [
    (
        "CareCredit",
        "A health care credit card for monthly payments, subject to approval.",
        "https://www.carecredit.com/",
    ),
    ("Cherry", "Monthly payment plans, subject to approval.", "https://withcherry.com/"),
]


def thanksgiving(year: int) -> dt.date:
    """The fourth Thursday of November."""
    november_first = dt.date(year, 11, 1)
    first_thursday = november_first + dt.timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3)


def holidays(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The clinic's closures that have not ended by `today`: (reason, first day, last day)."""
    found = []
    for year in (today.year, today.year + 1):
        found += [
            ("Thanksgiving", thanksgiving(year), thanksgiving(year) + dt.timedelta(days=1)),
            ("Christmas", dt.date(year, 12, 24), dt.date(year, 12, 26)),
            ("New Year's Day", dt.date(year + 1, 1, 1), dt.date(year + 1, 1, 1)),
        ]
    return [holiday for holiday in found if holiday[2] >= today]


def load() -> ClinicSettings:
    clinic = ClinicSettings.load()
    if not clinic.street_address:
        clinic.street_address = "1020 River Oaks Drive, Suite 300"
        clinic.postal_code = "39232"
        clinic.results_disclaimer = "Individual results may vary from person to person."
        clinic.save()
    if not clinic.financing_lenders.exists():
        for order, (name, description, url) in enumerate(DEMO_LENDERS):
            FinancingLender.objects.create(
                settings=clinic, name=name, description=description, url=url, sort_order=order
            )
    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=opens, closes=closes)
            for day, opens, closes in WEEKLY_HOURS
        )
    for reason, starts_on, ends_on in holidays(timezone.localdate()):
        Closure.objects.get_or_create(
            reason=reason, starts_on=starts_on, defaults={"ends_on": ends_on}
        )
    return clinic


def publish(parent, page):
    """Adds `page` under `parent` unless a page with its slug is already there."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def narrative(*paragraphs: str) -> list[dict]:
    """StreamField value for a NarrativeBlock of plain paragraphs."""
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
