"""Settings for pytest: fast hashing, no network, real database and task worker."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Counts wait in the cache as in production; tests run the flush in their own process.
COUNTS_IN_SHARED_CACHE = True
# Real files, served by the site, so browser journeys and screenshots show the images.
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
SERVE_MEDIA = True
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "http://testserver"
SMS_FILE_PATH = BASE_DIR / "var" / "test-sms"  # tests that read it point it at tmp_path
SMS_BACKEND = "allure.base.operations.sms.FileBackend"
WAGTAILADMIN_BASE_URL = SITE_URL
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Off by default so tests see fresh pages; tests/allure/test_page_cache.py turns it on.
PAGE_CACHE_SECONDS = 0
# Wagtail's test helpers sign in with Client.login(), which gives django-axes no request to
# count. The lockout's own tests (tests/base/test_sign_in_lockout.py) turn it back on.
AXES_ENABLED = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file, not in memory: the browser journeys' server answers a page's
    # requests in parallel threads, and SQLite's shared in-memory database refuses a read
    # beside another thread's write at once ("table is locked"), which signed staff out
    # mid-journey. A file database makes the reader wait its turn, as PostgreSQL would.
    # pytest-xdist gives each process its own copy (the name gains _gw0, _gw1). The folder is
    # made here, not by `make run`: `make test` on a fresh clone must find it (issue 26).
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20  # noqa: F405
