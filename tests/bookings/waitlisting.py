"""Helpers for the waitlist tests: patients joining through the service, a time to free."""

import datetime as dt
import re
import uuid

from django.utils import timezone

from allure.base.clinic.clinic_time import CLINIC_TZ, local_day
from bookings.waitlist.services import waitlist_entry_join


def next_monday_at(hour: int, minute: int = 0) -> dt.datetime:
    """A time next week, far enough ahead that notice and offer expiry never reach it."""
    today = local_day(timezone.now())
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(monday, dt.time(hour, minute), tzinfo=CLINIC_TZ)


def join(procedure, n: int, **overrides):
    kwargs = {
        "procedure": procedure,
        "provider": None,
        "weekdays": [0, 1, 2, 3, 4],
        "mornings": True,
        "afternoons": True,
        "until": local_day(timezone.now()) + dt.timedelta(days=20),
        "full_name": f"Waiting {n}",
        "email": f"waiting{n}@example.com",
        "phone": f"+1601555{2000 + n:04d}",
        "consent": True,
        "submission_token": uuid.uuid4(),
    }
    kwargs.update(overrides)
    entry, _ = waitlist_entry_join(**kwargs)
    return entry


def link_in(message, kind: str) -> str:
    """The path of the offer or leave link in an email's text."""
    found = re.search(rf"http://testserver(/consultation/waitlist/{kind}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)
