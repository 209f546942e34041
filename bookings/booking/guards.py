"""What the patient's pages share against abuse and leaks: the hourly count of posts per
client, private pages for links whose address is the key, and well-formed slugs only."""

import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from allure.base.web.client_address import client_key

SLUG = re.compile(r"[-\w]{1,255}")

RATE_LIMITED_MESSAGE = (
    "We've received several requests from your connection in the last hour. "
    "Please try again later, or call us."
)


def over_rate_limit(request: HttpRequest) -> bool:
    """Count this POST against the client's hourly allowance, in the shared cache."""
    limit, window = settings.BOOKING_RATE_LIMIT
    key = client_key("bookings:form-posts", request)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def slug_or_none(value: str | None) -> str | None:
    # Only well-formed slugs reach the database (PostgreSQL refuses a NUL byte, for one).
    return value if value and SLUG.fullmatch(value) else None


def private_page(view):
    """The manage link is a key to a patient's request: it leaks through no Referer, stays in
    no cache (shared or the browser's) and is never indexed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped
