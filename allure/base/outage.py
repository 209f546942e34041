"""Error pages that need no database: 500, and 503 while PostgreSQL is unreachable.

A database that has gone away is not a bug in the site: patients get a 503 that says so,
when to try again, and the clinic's phone number, instead of Django's bare "Server Error".
Neither page reads the database: the clinic's name and phone come from a copy kept in the
shared cache each time an editor saves the clinic settings, else the model's defaults.
"""

import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from allure.base.models import ClinicSettings

DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
LAST_KNOWN_CLINIC_KEY = "clinic:last-known"
RETRY_AFTER_SECONDS = 120


def remember_clinic(sender, instance, **kwargs) -> None:
    """post_save of ClinicSettings: keep what the outage page shows, with no expiry."""
    cache.set(
        LAST_KNOWN_CLINIC_KEY,
        {"name": instance.name, "phone": instance.phone, "email": instance.email},
        None,
    )


def clinic_without_database() -> ClinicSettings:
    # An unsaved instance: its fields and phone_href read no rows.
    return ClinicSettings(**(cache.get(LAST_KNOWN_CLINIC_KEY) or {}))


def _page(template: str, status: int) -> HttpResponse:
    html = render_to_string(template, {"clinic": clinic_without_database()})
    return HttpResponse(html, status=status)


def database_unavailable() -> HttpResponse:
    response = _page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request) -> HttpResponse:
    """handler500. Django calls it while handling the exception (from a view or any
    middleware), so sys.exc_info() tells a database outage from a bug."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        return database_unavailable()
    return _page("500.html", 500)
