"""Production: gunicorn behind TLS. Refuses to start without its secrets, or with settings
that would quietly put patients' data at risk.

`ALLURE_LOCAL_RUN=true` lifts the checks that only make sense on a real server (SMTP, an
https address, a shared cache for several processes), for benchmarks and Lighthouse on
one machine (scripts/prodserver.py sets it). Never set it on a server.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BOOKING_CLIENT_IP_HEADER,
    BOOKING_TRUSTED_PROXIES,
    SITE_URL,
    SMS_BACKEND,
    TWILIO_API_BASE_URL,
)

LOCAL_RUN = os.environ.get("ALLURE_LOCAL_RUN", "").lower() == "true"


def refuse(message: str) -> None:
    raise ImproperlyConfigured(f"{message} (see docs/operations.md, Production).")


for _name in ("SECRET_KEY", "ALLOWED_HOSTS"):
    if not os.environ.get(_name, "").strip():
        refuse(f"{_name} must be set in the environment for production")
if not LOCAL_RUN:
    if not os.environ.get("EMAIL_HOST", "").strip():
        refuse("EMAIL_HOST must be set: without it patients' emails are only written to files")
    if not SITE_URL.startswith("https://"):
        refuse("SITE_URL must be an https:// address: it is the link in every patient email")
# Texts through Twilio need all three secrets; without them every reminder text would fail
# in the worker, days after a patient agreed to them.
if SMS_BACKEND == "allure.base.operations.sms.TwilioBackend":
    for _name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"):
        if not os.environ.get(_name, "").strip():
            refuse(f"{_name} must be set when SMS_BACKEND is the Twilio backend")
    if not LOCAL_RUN and not TWILIO_API_BASE_URL.startswith("https://"):
        refuse("TWILIO_API_BASE_URL must be an https:// address: the auth token travels with it")
# Behind a proxy, the rate limit and the sign-in lockout must know whose address to believe.
if BOOKING_TRUSTED_PROXIES and not BOOKING_CLIENT_IP_HEADER:
    refuse(
        "BOOKING_TRUSTED_PROXIES is set but BOOKING_CLIENT_IP_HEADER is not: "
        "say which header the proxy sets (e.g. HTTP_X_FORWARDED_FOR)"
    )
if BOOKING_CLIENT_IP_HEADER and not BOOKING_TRUSTED_PROXIES:
    refuse(
        "BOOKING_CLIENT_IP_HEADER is set but BOOKING_TRUSTED_PROXIES is not: "
        "say how many proxies in front of the site add to it (usually 1)"
    )

# Backups are encrypted on a server (issue 28): the backup command refuses to run without
# BACKUP_AGE_RECIPIENT and `check --deploy` says so (allure/base/operations/checks.py). The
# site itself still starts: a missing backup key must not take the booking form down.
BACKUP_ENCRYPTION_REQUIRED = not LOCAL_RUN

# A payment rule cannot be chosen while Stripe's keys are missing, and `check --deploy` says
# so when one is in use (bookings/payments/checks.py). The site starts without them: a
# missing key must not take the booking form down.
PAYMENTS_NEED_STRIPE = not LOCAL_RUN

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Always: a TLS terminator in front may be why SECURE_SSL_REDIRECT is off, and a session
# cookie sent over plain HTTP is a stolen staff login.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
