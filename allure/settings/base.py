"""Settings shared by every environment. Secure by default: dev and test relax explicitly.

Everything that differs between machines comes from environment variables
(docs/operations.md, Configuration).
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's own apps, top floor first (see README, "Where things live"); `make lint`
# checks that each imports only from the floors below it.
INSTALLED_APPS = [
    "allure.demo",
    "allure.site",
    "bookings",
    "procedures",
    "allure.base",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Django's own form templates, for FORM_RENDERER below (and Wagtail's admin widgets).
    "django.forms",
    # Wagtail's search backend needs it on PostgreSQL (postgres.E005); harmless on SQLite.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    # /healthz and /readyz for probes and monitors, answered before anything else runs.
    "allure.base.web.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost of ours: its headers reach cached pages and uploaded files alike.
    "allure.base.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions/CSRF/CSP: a cached page already carries the headers they added.
    "allure.base.web.serving.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: django-otp marks the verified session; ours sends a signed-in
    # person who still owes the second step from every admin page to it.
    "django_otp.middleware.OTPMiddleware",
    "allure.base.signin.two_factor.SecondStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allure.base.web.security.AdminContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in lockout (django-axes): repeated failed sign-ins pause that account from that address,
# and that address for any account. Never the account alone: a stranger who knows a staff
# login could otherwise keep that person out all day from anywhere (issue 28). Administrators
# lift it in Settings › Sign-in lockouts.
# AxesBackend first, as axes requires; it is also a ModelBackend, so code that signs in with
# the first backend (Wagtail's test helpers) finds users through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
# Two counts, each checked against AXES_FAILURE_LIMIT (axes 8 locks when the larger reaches
# it): the failures of this username from this address, and of any username from this address.
# One limit for both, so the per-address limit is never below the per-pair one.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same idea of the client's address as the booking form's rate limit (trusted proxies).
AXES_CLIENT_IP_CALLABLE = "allure.base.web.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "axes/locked_out.html"
AXES_ENABLE_ADMIN = False  # lockouts are listed in the Wagtail admin instead

# Two-factor sign-in (allure/base/signin/two_factor.py): asked of superusers and of anyone holding
# one of these permissions (the Front desk group holds both), and of editors who turn it on.
TWO_FACTOR_REQUIRED_PERMISSIONS = [
    "bookings.manage_consultations",
    "bookings.export_consultations",
    "procedures.view_consent_form",  # signed consent forms name the patient
    "bookings.view_patient_photos",  # a patient's face
    "bookings.handle_payments",  # refunds and no-show charges
    "bookings.view_intake",  # a patient's medical history and signed forms
]
OTP_TOTP_ISSUER = "Allure Plastics"

ROOT_URLCONF = "allure.urls"
WSGI_APPLICATION = "allure.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "allure.base.context_processors.clinic",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A kept connection is checked before a request reuses it, so the first request
        # after PostgreSQL comes back gets a new one instead of a 500.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, falling back to process memory while Redis is down.
            "BACKEND": "allure.base.web.cache_backend.FallbackRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {
                # A Redis that is away must cost milliseconds, not a hung request.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"  # the clinic's own time zone: Jackson, Mississippi
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "false").lower() == "true"
# Files no web server may hand out (scanned consent forms): outside MEDIA_ROOT, served only
# by a view that checks who asks. On several app servers, a disk they share.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Backups (`make backup`, allure/base/operations/backups.py): where they go, how many days
# they are kept (patient data: see docs/operations.md, Backups), and age keys when they are
# encrypted: the public key to encrypt with here; the private key's file is given only to a
# restore.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
BACKUP_KEEP_DAYS = int(os.environ.get("BACKUP_KEEP_DAYS", "35"))
BACKUP_AGE_RECIPIENT = os.environ.get("BACKUP_AGE_RECIPIENT", "")
BACKUP_AGE_IDENTITY = os.environ.get("BACKUP_AGE_IDENTITY", "")
# Production settings turn this on: `manage.py backup` then refuses to write a plain archive,
# and `check --deploy` reports a missing or malformed BACKUP_AGE_RECIPIENT.
BACKUP_ENCRYPTION_REQUIRED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several app servers need one place for uploads: S3-compatible object storage (install
# `django-storages[s3]`; credentials come from the usual AWS_* variables or the instance role).
if os.environ.get("MEDIA_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_REGION") or None,
            "custom_domain": os.environ.get("MEDIA_DOMAIN") or None,
            "file_overwrite": False,
        },
    }

# Background work (emails, reminders) runs in a separate worker: `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail: SMTP when EMAIL_HOST is set, otherwise files under var/mail (nothing leaves the box).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "true").lower() == "true",
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ.get("EMAIL_FILE_PATH", BASE_DIR / "var" / "mail")},
        }
    }
# Text messages (appointment reminders), chosen like an email backend: files under var/sms
# by default (nothing leaves the box), Twilio's REST API with
# SMS_BACKEND=allure.base.operations.sms.TwilioBackend and the three TWILIO_* secrets below.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "allure.base.operations.sms.FileBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", BASE_DIR / "var" / "sms"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "https://api.twilio.com")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Allure Plastics <hello@allureplastics.com>"
)
FRONT_DESK_EMAIL = os.environ.get("FRONT_DESK_EMAIL", "frontdesk@allureplastics.com")
# Absolute address used in emails (links to the manage page and to the admin).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Payments (docs/payments.md): a consultation fee or a card on file through Stripe's hosted
# Checkout. Off unless both keys are set: a fee is then "payable at the clinic". Tests point
# STRIPE_API_BASE at their own small server (the outside world, faked).
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "").strip()
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "").strip()
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_CURRENCY = "usd"
# Seconds a call to Stripe may take before the patient is told to try again.
STRIPE_TIMEOUT = 10
# True on a server: a payment rule cannot be chosen while the keys are missing (the admin
# says why). Off here, so a fresh clone can try the rules ("payable at the clinic").
PAYMENTS_NEED_STRIPE = False

# Forms are drawn by Django's form-template API from the project's templates: a field by the
# site's templates/django/forms/field.html (label, control, errors and help, tied together for
# screen readers), each control by Django's own widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WAGTAIL_SITE_NAME = "Allure Plastics"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests, even in the admin
# Documents: only these types can be uploaded (an .html or .js upload could run as the site),
# always served by Wagtail's view (its privacy checks, then our sandbox headers), always as a
# download, never shown inside the browser tab.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "txt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []

# How long an anonymous visitor's copy of a public page is reused (0 turns the cache off).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# How long the last good copy of a page is kept to serve while PostgreSQL is unreachable.
PAGE_CACHE_STALE_SECONDS = int(os.environ.get("PAGE_CACHE_STALE_SECONDS", str(6 * 3600)))

# The HTTP cache in front (Varnish, a CDN): how long it keeps a public page (any content
# change purges them all), and how long it may serve a stale copy while it refetches or while
# the site is down.
HTTP_CACHE_SECONDS = int(os.environ.get("HTTP_CACHE_SECONDS", "300"))
HTTP_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("HTTP_CACHE_STALE_WHILE_REVALIDATE", "60"))
HTTP_CACHE_STALE_IF_ERROR = int(os.environ.get("HTTP_CACHE_STALE_IF_ERROR", "86400"))
# Where to purge changed pages: Varnish or any cache that takes HTTP PURGE (FRONTEND_CACHE_URL),
# or Cloudflare (CLOUDFLARE_API_TOKEN + CLOUDFLARE_ZONE_ID). None set: nothing is purged.
if os.environ.get("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE = {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        }
    }
elif os.environ.get("CLOUDFLARE_API_TOKEN"):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": os.environ["CLOUDFLARE_API_TOKEN"],
            "ZONEID": os.environ.get("CLOUDFLARE_ZONE_ID", ""),
        }
    }

# Counts without trackers (allure/base/counts.py) wait in the shared cache for the worker to
# move them to the database; without Redis no cache is shared with the worker, so each count
# is written to the database at once.
COUNTS_IN_SHARED_CACHE = bool(os.environ.get("REDIS_URL"))

# Closed consultation requests are anonymised after this many months.
BOOKING_RETENTION_MONTHS = int(os.environ.get("BOOKING_RETENTION_MONTHS", "24"))
# Consultation form: the patient's manage link lifetime, spam brakes (per client IP).
BOOKING_MANAGE_LINK_MAX_AGE_DAYS = 30
BOOKING_MIN_FILL_SECONDS = 3
BOOKING_RATE_LIMIT = (10, 3600)  # at most 10 form posts an hour from one address
# Behind proxies: the META key of the header they add the client address to (e.g.
# HTTP_X_FORWARDED_FOR), and how many of them add to it. The client is the right-most entry
# no trusted proxy wrote (allure/base/web/client_address.py); anything to its left is whatever
# the client sent. Production refuses one without the other.
BOOKING_CLIENT_IP_HEADER = os.environ.get("BOOKING_CLIENT_IP_HEADER") or None
BOOKING_TRUSTED_PROXIES = int(os.environ.get("BOOKING_TRUSTED_PROXIES", "0"))

# Stripe's hosted Checkout, where the booking form, the patient's page and the payment page
# send the patient (a redirect after the form: browsers check it against form-action).
STRIPE_CHECKOUT_ORIGIN = os.environ.get("STRIPE_CHECKOUT_ORIGIN", "https://checkout.stripe.com")

# Everything the page needs comes from this site: no CDN, fonts service or tracker.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'", STRIPE_CHECKOUT_ORIGIN],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

SESSION_COOKIE_HTTPONLY = True
# Only staff have sessions. One left open at the front desk ends after a working day without
# use; each request pushes the end back. (A password change ends every other session of
# that user: Django checks the password hash stored in each session.)
SESSION_COOKIE_AGE = 10 * 3600
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview sets SAMEORIGIN on its own view

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    # Django logs the path of every 4xx/5xx (and the dev server every request): links'
    # secrets are written as "[secret]".
    "filters": {"link_secrets": {"()": "allure.base.web.log_redaction.HideLinkSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["link_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["link_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's default "django" logger has a console handler of its own (with DEBUG on) and
    # also hands each record on to the root's: every task state and reloader line was printed
    # twice. Configuring it resets its children, so the dev server's request log is redeclared
    # as Django declares it. No "mail_admins": errors are logged, never emailed.
    "loggers": {
        "django": {"handlers": []},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
# django-axes prints a banner each time a process starts (ten times per `make run`).
AXES_VERBOSE = False
